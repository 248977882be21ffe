"""Live fan-out benchmark (R-NOT-3): one event to many websocket subscribers on two server
processes through Redis, beside a plain Redis-pub/sub-to-websocket relay in the same run.

    python bench/fanout.py --subscribers 1000 --events 5

Everything runs on loopback: its own redis-server on a free port, a fresh PostgreSQL database
(PORTAL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres, dropped after),
two `uvicorn server:app` processes, two processes of the plain relay below, and one client
process holding all websockets (half on each server).

Portal latency is measured from the moment the `issueInvoice` response arrives (the event is
committed by then) to the moment the client reads the websocket message; the figure from the
event's `created_at` (inside the transaction, before the commit) is printed beside it. The
plain relay's latency is from `PUBLISH` to the read. Delivered share is received / expected.
Server CPU per message is the servers' user+system time during the events / messages
delivered; the client (this process, all websockets) reports its own CPU per message too, to
show it is not the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
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
    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []
        self.changed = asyncio.Event()

    async def read(self, ws: ClientConnection, plain: bool) -> None:
        with contextlib.suppress(Exception):
            async for raw in ws:
                now = time.time()
                if plain:
                    self.times.append((str(raw), now))
                else:
                    message = json.loads(raw)
                    if message.get("type") != "next":
                        continue
                    self.times.append((message["payload"]["data"]["notifications"]["id"], now))
                self.changed.set()


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


def summary(latencies: list[float], delivered: int, expected: int) -> dict[str, Any]:
    return {
        "delivered": delivered,
        "expected": expected,
        "share": delivered / expected if expected else 0.0,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
    }


# ------------------------------------------------------------------------------ the runs


async def run_portal(args: argparse.Namespace, redis_url: str, tmp: Path) -> dict[str, Any]:
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
                readers = [asyncio.create_task(receiver.read(ws, plain=False)) for ws in sockets]
                await asyncio.sleep(args.warmup)  # every stream subscribes to the hub
                latencies: list[float] = []
                after_response: list[float] = []
                server_cpu = client_cpu = 0.0
                spying = recording(pids[1], args.profile)  # the process that only fans out
                spying.__enter__()
                for n in range(args.events):
                    before = len(receiver.times)
                    server_before, client_before = cpu_seconds(pids), time.process_time()
                    variables = {"account": account, "what": f"Bench {n}"}
                    sent = await client.post(
                        operator,
                        headers=headers,
                        json={"query": ISSUE_INVOICE, "variables": variables},
                    )
                    responded = time.time()
                    assert not sent.json().get("errors"), sent.text
                    await settle(receiver, before + args.subscribers, args.timeout)
                    server_cpu += cpu_seconds(pids) - server_before
                    client_cpu += time.process_time() - client_before
                    received = receiver.times[before:]
                    notification = (
                        await Notification.filter(user_id=user.id).order_by("-id").first()
                    )
                    assert notification is not None
                    event = await Event.get(id=notification.event_id)  # type: ignore[attr-defined]
                    committed = event.created_at.timestamp()
                    these = [at - responded for _, at in received]
                    phase(
                        f"event {n}: {len(received)} received, p50"
                        f" {percentile(these, 0.5) * 1000:.1f} ms,"
                        f" p99 {percentile(these, 0.99) * 1000:.1f} ms"
                    )
                    latencies += these
                    after_response += [at - committed for _, at in received]
                    await asyncio.sleep(0.5)
                spying.__exit__(None, None, None)
                delivered = len(receiver.times)
                phase("portal events done")
                await close_all(sockets, readers)
        result = summary(latencies, delivered, args.subscribers * args.events)
        result["p50_from_created_ms"] = percentile(after_response, 0.5) * 1000
        result["p99_from_created_ms"] = percentile(after_response, 0.99) * 1000
        result["server_cpu_us"] = server_cpu / max(delivered, 1) * 1e6
        result["client_cpu_us"] = client_cpu / max(delivered, 1) * 1e6
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
        readers = [asyncio.create_task(receiver.read(ws, plain=True)) for ws in sockets]
        await asyncio.sleep(1.0)
        publisher = aioredis.from_url(redis_url)
        latencies: list[float] = []
        server_cpu = client_cpu = 0.0
        for n in range(args.events):
            before = len(receiver.times)
            server_before, client_before = cpu_seconds(pids), time.process_time()
            sent = time.time()
            await publisher.publish(BASELINE_CHANNEL, json.dumps({"n": n, "sent": sent}))
            await settle(receiver, before + args.subscribers, args.timeout)
            server_cpu += cpu_seconds(pids) - server_before
            client_cpu += time.process_time() - client_before
            latencies += [at - sent for _, at in receiver.times[before:]]
            await asyncio.sleep(0.5)
        delivered = len(receiver.times)
        await publisher.aclose()
        await close_all(sockets, readers)
    result = summary(latencies, delivered, args.subscribers * args.events)
    result["server_cpu_us"] = server_cpu / max(delivered, 1) * 1e6
    result["client_cpu_us"] = client_cpu / max(delivered, 1) * 1e6
    return result


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
    parser.add_argument("--events", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds after subscribing")
    parser.add_argument("--timeout", type=float, default=15.0, help="per event")
    parser.add_argument(
        "--profile", type=Path, help="py-spy profile of the second portal server (raw format)"
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
    with redis_server(tmp) as redis_url:
        portal = await run_portal(args, redis_url, tmp)
        phase("portal run finished")
        plain = await run_plain(args, redis_url, tmp)
        phase("plain run finished")
    print(
        f"subscribers={args.subscribers} events={args.events} (2 server processes each);"
        " portal clock from the mutation's response (after commit), plain from PUBLISH"
    )
    for name, result in (("portal", portal), ("plain relay", plain)):
        print(
            f"{name:12} delivered {result['delivered']}/{result['expected']}"
            f" ({result['share']:.1%})  p50 {result['p50_ms']:.1f} ms"
            f"  p99 {result['p99_ms']:.1f} ms  mean {result['mean_ms']:.1f} ms"
            f"  server CPU {result['server_cpu_us']:.0f} us/msg"
            f"  client CPU {result['client_cpu_us']:.0f} us/msg"
        )
    print(
        f"portal from the event's created_at (before commit):"
        f" p50 {portal['p50_from_created_ms']:.1f} ms  p99 {portal['p99_from_created_ms']:.1f} ms"
    )
    print(
        f"ratio portal/plain: p50 {portal['p50_ms'] / plain['p50_ms']:.2f}x"
        f"  p99 {portal['p99_ms'] / plain['p99_ms']:.2f}x"
        f"  server CPU per message {portal['server_cpu_us'] / plain['server_cpu_us']:.2f}x"
    )


if __name__ == "__main__":
    asyncio.run(main())
