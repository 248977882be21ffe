"""Live fan-out benchmark (R-NOT-3): one event to many websocket subscribers on two server
processes through Redis, beside a plain Redis-pub/sub-to-websocket relay in the same run.

    python bench/fanout.py --subscribers 1000 --events 4 --rounds 2

Everything runs on loopback: its own redis-server on a free port, a fresh PostgreSQL database
(PORTAL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres, dropped after),
two `uvicorn server:app` processes, two processes of the plain relay below, and one client
process holding all websockets (half on each server).

The two systems alternate: each round starts one system's servers, opens its sockets, sends
its events and stops it, then does the same for the other (the order swaps every round), so
neither runs beside the other's processes.

Portal latency is measured from the moment the `issueInvoice` response arrives (the event is
committed by then) to the moment the client reads the websocket message; the figure from the
event's `created_at` (inside the transaction, before the commit) is printed beside it. The
plain relay's latency is from `PUBLISH` to the read. Delivered share is received / expected.

Like work on the wire and in the client: the relay publishes a frame of the portal's shape and
size (a graphql-transport-ws `next` message with a notification id and event), and the client
reads and decodes every frame of both systems the same way. Unlike work, printed with the
results: the portal's servers also authorize each stream, re-check its session and membership
(the Watch), execute the selection and run `issueInvoice` (the first server); the relay only
forwards.

Server CPU per message is the servers' user+system time during the events / messages
delivered (the portal figure includes the mutation); "fan-out CPU" is the second server's alone
(it only fans out) per message it delivered. The client (this process, all websockets) reports
its own CPU per message too, to show it is not the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
import redis.asyncio as aioredis  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.routing import WebSocketRoute  # noqa: E402
from starlette.websockets import WebSocket, WebSocketDisconnect  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

from bench.profile_summary import recording  # noqa: E402

OPERATOR_TOKEN = "bench-operator-token"
STREAM = "subscription { notifications { id event } }"
BASELINE_CHANNEL = "bench.plain"


# ------------------------------------------------------------------ the plain relay (baseline)


async def _plain_endpoint(websocket: WebSocket) -> None:
    """One Redis subscription per process, fanned out to local websockets by queues."""
    await websocket.accept()
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=256)
    subscribers: set[asyncio.Queue[str]] = websocket.app.state.subscribers
    subscribers.add(queue)
    try:
        while True:
            await websocket.send_text(await queue.get())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        subscribers.discard(queue)


@contextlib.asynccontextmanager
async def _plain_lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.subscribers = set()
    client = aioredis.from_url(os.environ["BENCH_REDIS_URL"])
    pubsub = client.pubsub()
    await pubsub.subscribe(BASELINE_CHANNEL)

    async def pump() -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                text = message["data"].decode()
                for queue in list(app.state.subscribers):
                    with contextlib.suppress(asyncio.QueueFull):
                        queue.put_nowait(text)

    task = asyncio.create_task(pump())
    try:
        yield
    finally:
        task.cancel()
        await pubsub.aclose()
        await client.aclose()


baseline_app = Starlette(routes=[WebSocketRoute("/ws", _plain_endpoint)], lifespan=_plain_lifespan)


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


@contextlib.contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock, contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", port))
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait()


@contextlib.asynccontextmanager
async def fresh_database(admin_url: str) -> AsyncIterator[str]:
    """An empty database; the portal servers migrate it on start."""
    name = f"portal_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_dsn(admin_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        from tortoise import Tortoise

        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@contextlib.contextmanager
def processes(
    commands: list[list[str]], env: dict[str, str], log: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as out:
        try:
            for command in commands:
                started.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out))
            yield started
        finally:
            for process in started:
                process.terminate()
            for process in started:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


async def wait_ready(urls: list[str]) -> None:
    async with httpx.AsyncClient() as client:
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    response = await client.get(url)
                    if response.status_code in (200, 404, 405):
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not start")
                await asyncio.sleep(0.2)


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def phase(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ------------------------------------------------------------------------------ clients


class Receiver:
    """Reads every socket of either system alike: decode the frame, keep `next` messages."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []
        self.changed = asyncio.Event()

    async def read(self, ws: ClientConnection) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") != "next":
                    continue
                self.times.append((message["payload"]["data"]["notifications"]["id"], now))
                self.changed.set()


def plain_frame(n: int) -> str:
    """What the relay publishes: a frame of the portal's shape and size for event `n`."""
    notification = base64.b64encode(f"Notification:{n + 1}".encode()).decode()
    data = {"notifications": {"id": notification, "event": "INVOICE_ISSUED"}}
    return json.dumps({"id": "1", "type": "next", "payload": {"data": data}}, separators=(",", ":"))


async def open_portal_socket(port: int, token: str) -> ClientConnection:
    ws = await connect(
        f"ws://127.0.0.1:{port}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        open_timeout=60,
        ping_interval=None,
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    ack = json.loads(await ws.recv())
    assert ack["type"] == "connection_ack", ack
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": STREAM}}))
    return ws


async def close_all(sockets: list[ClientConnection], readers: list[asyncio.Task[None]]) -> None:
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def gather_limited(coroutines: list[Any], limit: int = 50) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def run(coroutine: Any) -> Any:
        async with semaphore:
            return await coroutine

    return await asyncio.gather(*(run(c) for c in coroutines))


async def settle(receiver: Receiver, expected: int, limit: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(limit):
            while len(receiver.times) < expected:
                receiver.changed.clear()
                await receiver.changed.wait()


class CpuMeter:
    """CPU seconds spent during the events: both servers, the second (fan-out only) server
    alone, and this client process."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.servers = self.fanout = self.client = 0.0

    @contextlib.contextmanager
    def measuring(self) -> Iterator[None]:
        servers, fanout = cpu_seconds(self.pids), cpu_seconds(self.pids[1:])
        client = time.process_time()
        yield
        self.servers += cpu_seconds(self.pids) - servers
        self.fanout += cpu_seconds(self.pids[1:]) - fanout
        self.client += time.process_time() - client


def summary(
    latencies: list[float], delivered: int, expected: int, cpu: CpuMeter, second: int
) -> dict[str, Any]:
    """`second`: messages the second server delivered (its sockets x events)."""
    return {
        "delivered": delivered,
        "expected": expected,
        "share": delivered / expected if expected else 0.0,
        "latencies": latencies,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "server_cpu_us": cpu.servers / max(delivered, 1) * 1e6,
        "fanout_cpu_us": cpu.fanout / max(second, 1) * 1e6,
        "client_cpu_us": cpu.client / max(delivered, 1) * 1e6,
    }


# ------------------------------------------------------------------------------ the runs


async def run_portal(
    args: argparse.Namespace, redis_url: str, tmp: Path, profile: Path | None
) -> dict[str, Any]:
    from tortoise import Tortoise

    from core.clock import Clock
    from core.db import tortoise_config
    from models.notifications import Event, Notification
    from models.users import User
    from resolvers.auth import start_session

    async with fresh_database(args.postgres_url) as database_url:
        ports = [free_port(), free_port()]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update(
            PORTAL_DATABASE_URL=database_url,
            PORTAL_BROADCAST_URL=redis_url,
            PORTAL_OPERATOR_TOKEN=OPERATOR_TOKEN,
            PORTAL_SECRET_KEY="bench-secret",
            PORTAL_RUN_WORKER="false",
            PORTAL_GRAPHIQL="false",
            # taxed invoices are refused without a seller tax id
            PORTAL_SELLER_NAME="Bench Seller GmbH",
            PORTAL_SELLER_ADDRESS="Musterstraße 1, 10115 Berlin",
            PORTAL_SELLER_COUNTRY="DE",
            PORTAL_SELLER_TAX_ID="DE129273398",
        )
        commands = [
            [
                sys.executable,
                "-m",
                "uvicorn",
                "server:app",
                "--port",
                str(p),
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "3",
            ]
            for p in ports
        ]
        with processes(commands, env, tmp / "portal.log") as started:
            pids = [p.pid for p in started]
            await wait_ready([f"http://127.0.0.1:{p}/readyz" for p in ports])
            phase("portal servers ready")
            await Tortoise.init(config=tortoise_config(database_url))  # the servers migrated it
            operator = f"http://127.0.0.1:{ports[0]}/operator/graphql"
            headers = {"authorization": f"Bearer {OPERATOR_TOKEN}"}
            async with httpx.AsyncClient(timeout=30) as client:
                created = (
                    await client.post(operator, headers=headers, json={"query": CREATE_ACCOUNT})
                ).json()
                account = created["data"]["createBillingAccount"]["billingAccount"]["id"]
                user = await User.get(email="olga@acme.example")
                clock = Clock()  # this process's clock, for the sessions it starts
                tokens = [(await start_session(clock, user)).token for _ in range(args.subscribers)]
                sockets = await gather_limited(
                    [open_portal_socket(ports[i % 2], t) for i, t in enumerate(tokens)]
                )
                phase(f"{len(sockets)} portal streams open")
                receiver = Receiver()
                readers = [asyncio.create_task(receiver.read(ws)) for ws in sockets]
                await asyncio.sleep(args.warmup)  # every stream subscribes to the hub
                latencies: list[float] = []
                after_response: list[float] = []
                cpu = CpuMeter(pids)
                spying = recording(pids[1], profile)  # the process that only fans out
                spying.__enter__()
                for n in range(args.events):
                    before = len(receiver.times)
                    variables = {"account": account, "what": f"Bench {n}"}
                    with cpu.measuring():
                        sent = await client.post(
                            operator,
                            headers=headers,
                            json={"query": ISSUE_INVOICE, "variables": variables},
                        )
                        responded = time.time()
                        assert not sent.json().get("errors"), sent.text
                        await settle(receiver, before + args.subscribers, args.timeout)
                    received = receiver.times[before:]
                    notification = (
                        await Notification.filter(user_id=user.id).order_by("-id").first()
                    )
                    assert notification is not None
                    event = await Event.get(id=notification.event_id)  # type: ignore[attr-defined]
                    committed = event.created_at.timestamp()
                    these = [at - responded for _, at in received]
                    phase(
                        f"portal event {n}: {len(received)} received, p50"
                        f" {percentile(these, 0.5) * 1000:.1f} ms,"
                        f" p99 {percentile(these, 0.99) * 1000:.1f} ms"
                    )
                    latencies += these
                    after_response += [at - committed for _, at in received]
                    await asyncio.sleep(0.5)
                spying.__exit__(None, None, None)
                delivered = len(receiver.times)
                second = len(sockets[1::2]) * args.events
                await close_all(sockets, readers)
        result = summary(latencies, delivered, args.subscribers * args.events, cpu, second)
        result["from_created"] = after_response
        return result


async def run_plain(args: argparse.Namespace, redis_url: str, tmp: Path) -> dict[str, Any]:
    ports = [free_port(), free_port()]
    env = {**os.environ, "BENCH_REDIS_URL": redis_url}
    commands = [
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.fanout:baseline_app",
            "--port",
            str(p),
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "3",
        ]
        for p in ports
    ]
    with processes(commands, env, tmp / "plain.log") as started:
        pids = [p.pid for p in started]
        await wait_ready([f"http://127.0.0.1:{p}/" for p in ports])
        sockets = await gather_limited(
            [
                connect(f"ws://127.0.0.1:{ports[i % 2]}/ws", open_timeout=60, ping_interval=None)
                for i in range(args.subscribers)
            ]
        )
        receiver = Receiver()
        readers = [asyncio.create_task(receiver.read(ws)) for ws in sockets]
        await asyncio.sleep(args.warmup)  # as long as the portal's
        publisher = aioredis.from_url(redis_url)
        latencies: list[float] = []
        cpu = CpuMeter(pids)
        for n in range(args.events):
            before = len(receiver.times)
            frame = plain_frame(n)
            with cpu.measuring():
                sent = time.time()
                await publisher.publish(BASELINE_CHANNEL, frame)
                await settle(receiver, before + args.subscribers, args.timeout)
            these = [at - sent for _, at in receiver.times[before:]]
            phase(
                f"plain event {n}: {len(these)} received, p50"
                f" {percentile(these, 0.5) * 1000:.1f} ms,"
                f" p99 {percentile(these, 0.99) * 1000:.1f} ms"
            )
            latencies += these
            await asyncio.sleep(0.5)
        delivered = len(receiver.times)
        second = len(sockets[1::2]) * args.events
        await publisher.aclose()
        await close_all(sockets, readers)
    return summary(latencies, delivered, args.subscribers * args.events, cpu, second)


CREATE_ACCOUNT = """
mutation {
  createBillingAccount(input: {
    companyName: "Acme", country: "DE",
    owner: {email: "olga@acme.example", firstName: "Olga", lastName: "Owner"}
  }) { billingAccount { id } userErrors { code message } }
}
"""
ISSUE_INVOICE = """
mutation Issue($account: ID!, $what: String!) {
  issueInvoice(input: {billingAccountId: $account,
                       lines: [{description: $what, quantity: 1, unitPriceMinor: 1000}]}) {
    invoice { id } userErrors { code message }
  }
}
"""


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=4, help="per system and round")
    parser.add_argument("--rounds", type=int, default=2, help="the systems alternate")
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds after subscribing")
    parser.add_argument("--timeout", type=float, default=15.0, help="per event")
    parser.add_argument(
        "--profile",
        type=Path,
        help="py-spy profile of the second portal server in the first round (raw format)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PORTAL_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"portal-bench-{uuid.uuid4().hex[:6]}"
    tmp.mkdir(parents=True)
    rounds: list[dict[str, dict[str, Any]]] = []
    with redis_server(tmp) as redis_url:
        for number in range(args.rounds):
            measured: dict[str, dict[str, Any]] = {}
            order = ("portal", "plain") if number % 2 == 0 else ("plain", "portal")
            for name in order:
                if name == "portal":
                    profile = args.profile if number == 0 else None
                    measured[name] = await run_portal(args, redis_url, tmp, profile)
                else:
                    measured[name] = await run_plain(args, redis_url, tmp)
                phase(f"round {number + 1}: {name} done")
            rounds.append(measured)
    report(args, rounds)


def report(args: argparse.Namespace, rounds: list[dict[str, dict[str, Any]]]) -> None:
    print(
        f"subscribers={args.subscribers} events={args.events} x {args.rounds} alternating rounds"
        " (2 server processes each); portal clock from the mutation's response (after commit),"
        " plain from PUBLISH; same frame shape and size, same client decoding"
    )
    print(
        "unlike work: the portal also authorizes each stream, re-checks sessions and"
        " memberships, executes the selection, and runs issueInvoice (in server CPU);"
        " the relay only forwards"
    )
    print(
        "| round | system | delivered | p50 ms | p99 ms | mean ms"
        " | server CPU us/msg | fan-out CPU us/msg | client CPU us/msg |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for number, measured in enumerate(rounds, 1):
        for name in ("portal", "plain"):
            r = measured[name]
            print(
                f"| {number} | {name} | {r['delivered']}/{r['expected']} ({r['share']:.1%})"
                f" | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['mean_ms']:.1f}"
                f" | {r['server_cpu_us']:.0f} | {r['fanout_cpu_us']:.0f}"
                f" | {r['client_cpu_us']:.0f} |"
            )
    for name in ("portal", "plain"):
        every = [x for measured in rounds for x in measured[name]["latencies"]]
        print(
            f"{name} over all rounds: p50 {percentile(every, 0.5) * 1000:.1f} ms"
            f"  p99 {percentile(every, 0.99) * 1000:.1f} ms"
        )
    created = [x for measured in rounds for x in measured["portal"]["from_created"]]
    print(
        "portal from the event's created_at (before commit):"
        f" p50 {percentile(created, 0.5) * 1000:.1f} ms"
        f"  p99 {percentile(created, 0.99) * 1000:.1f} ms"
    )
    for label, key in (
        ("p50", "p50_ms"),
        ("p99", "p99_ms"),
        ("server CPU per message", "server_cpu_us"),
        ("fan-out CPU per message", "fanout_cpu_us"),
    ):
        ratios = [
            measured["portal"][key] / measured["plain"][key]
            for measured in rounds
            if measured["plain"][key] > 0  # CPU is counted in clock ticks (10 ms)
        ]
        print(f"{label} portal/plain, median over rounds: {spread(ratios)}")


def spread(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"{statistics.median(values):.2f}x (min {min(values):.2f}, max {max(values):.2f})"


if __name__ == "__main__":
    asyncio.run(main())
