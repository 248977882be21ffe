"""Email drain benchmark (R-NOT-4): queued outbox emails delivered by the outbox worker into an
SMTP server running in its own process, beside plain aiosmtplib loops sending the same
messages with the same number in flight, in the same run.

    python bench/email_drain.py --emails 2000 --concurrency 8

Loopback only: an aiosmtpd server (a separate process: `bench/email_drain.py --serve PORT`,
counting what it accepts) and a fresh PostgreSQL database (PORTAL_BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres, dropped after) or, with --sqlite, a temporary
SQLite file. Compared, each draining all emails:

- the outbox worker (claims, sends over reused SMTP connections, marks sent: the bookkeeping
  that makes delivery survive restarts), `--concurrency` emails in flight;
- a plain loop of `aiosmtplib.send` (one connection per message), the same number in flight;
- a plain loop over `--concurrency` reused SMTP connections (the like-for-like transport).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosmtplib  # noqa: E402
import asyncpg  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from bench.profile_summary import recording  # noqa: E402
from core.clock import Clock  # noqa: E402
from core.db import tortoise_config  # noqa: E402
from models.outbox import OutboxEmail, OutboxStatus  # noqa: E402
from notifications.delivery import SmtpTransport, build_message  # noqa: E402
from notifications.outbox import render  # noqa: E402
from notifications.worker import PIPELINE, OutboxWorker  # noqa: E402

SENDER = "Customers Portal <noreply@localhost>"


class Counting:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def serve(port: int) -> None:
    """The SMTP server process: accepts everything, prints its count when terminated."""
    import signal
    import threading

    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    print(handler.count, flush=True)


@contextmanager
def smtp_process(port: int) -> Iterator[list[int]]:
    """Runs `serve` in its own process; the list gets the server's count after it stops."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    counted: list[int] = []
    try:
        yield counted
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
        counted.append(int(out.strip().splitlines()[-1]))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def database(args: argparse.Namespace) -> AsyncIterator[None]:
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            await Tortoise.init(config=tortoise_config(f"sqlite://{folder}/bench.sqlite3"))
            await Tortoise.generate_schemas()
            try:
                yield
            finally:
                await Tortoise.close_connections()
        return
    name = f"portal_drain_{uuid.uuid4().hex[:8]}"
    dsn = "postgresql://" + args.postgres_url.split("://", 1)[1]
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await Tortoise.init(
            config=tortoise_config(args.postgres_url.rsplit("/", 1)[0] + "/" + name)
        )
        await Tortoise.generate_schemas()
        yield
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def queue(n: int, clock: Clock) -> None:
    email = render(
        "event",
        name="Ada",
        title="Invoice INV-1 issued",
        message="Your invoice is ready.",
        company="Acme",
        link="http://localhost:8000/billing",
    )
    now = clock.now()
    rows = [
        OutboxEmail(
            to=f"user{i}@example.com",
            subject=email.subject,
            text_body=email.text,
            html_body=email.html,
            attachments=[],
            next_attempt_at=now,
            message_id=f"<bench-{i}-{uuid.uuid4().hex}@localhost>",
            created_at=now,
        )
        for i in range(n)
    ]
    await OutboxEmail.bulk_create(rows, batch_size=1000)


async def drain_with_workers(url: str, workers: int, concurrency: int, clock: Clock) -> float:
    transport = SmtpTransport(url, pool_size=concurrency * workers)
    pool = [
        OutboxWorker(transport, SENDER, clock, batch_size=50, concurrency=concurrency)
        for _ in range(workers)
    ]

    async def drain(worker: OutboxWorker) -> None:
        while await worker.run_once(batches=PIPELINE):
            pass

    started = time.perf_counter()
    await asyncio.gather(*(drain(w) for w in pool))
    seconds = time.perf_counter() - started
    await transport.close()
    return seconds


async def plain_loop(port: int, concurrency: int, reuse: bool) -> tuple[float, int]:
    started = (
        time.perf_counter()
    )  # building the messages is part of the work, as it is for the worker
    rows = await OutboxEmail.all().order_by("id")
    todo = (build_message(row, SENDER) for row in rows)

    async def one_per_message() -> None:
        for message in todo:
            await aiosmtplib.send(message, hostname="127.0.0.1", port=port, start_tls=False)

    async def reused() -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await smtp.connect()
        for message in todo:
            await smtp.send_message(message)
        await smtp.quit()

    await asyncio.gather(*((reused if reuse else one_per_message)() for _ in range(concurrency)))
    return time.perf_counter() - started, len(rows)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8, help="emails in flight")
    parser.add_argument("--workers", default="1", help="comma-separated worker counts")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--profile", type=Path, help="py-spy profile of the first worker drain")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PORTAL_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    port = free_port()
    url = f"smtp://127.0.0.1:{port}"
    results: dict[str, list[float]] = {}
    expected = 0
    clock = Clock()  # this process's clock
    with smtp_process(port) as counted:
        async with database(args):
            await queue(args.emails, clock)
            for _ in range(args.rounds):
                for workers in (int(w) for w in args.workers.split(",")):
                    await OutboxEmail.all().update(
                        status=OutboxStatus.PENDING, sent_at=None, attempts=0, claimed_until=None
                    )
                    profile = args.profile if not results else None  # the first drain
                    with recording(os.getpid(), profile):
                        seconds = await drain_with_workers(url, workers, args.concurrency, clock)
                    sent = await OutboxEmail.filter(status=OutboxStatus.SENT).count()
                    assert sent == args.emails, (sent, args.emails)
                    expected += args.emails
                    results.setdefault(f"outbox worker x{workers}", []).append(
                        args.emails / seconds
                    )
                for reuse in (False, True):
                    seconds, n = await plain_loop(port, args.concurrency, reuse)
                    expected += n
                    name = "plain loop, reused connections" if reuse else "plain aiosmtplib.send"
                    results.setdefault(name, []).append(n / seconds)
    assert counted == [expected], (counted, expected)
    database_name = "SQLite" if args.sqlite else "PostgreSQL"
    print(
        f"{args.emails} emails, {database_name}, aiosmtpd in its own process, "
        f"{args.concurrency} in flight, {args.rounds} rounds (server counted {counted[0]})"
    )
    plain = statistics.median(results["plain aiosmtplib.send"])
    reused = statistics.median(results["plain loop, reused connections"])
    print("| sender | emails/s (median; per round) | vs aiosmtplib.send | vs reused loop |")
    print("| --- | --- | --- | --- |")
    for name, rates in results.items():
        median = statistics.median(rates)
        each = ", ".join(f"{r:.0f}" for r in rates)
        print(
            f"| {name} | {median:.0f} ({each}) | {median / plain:.2f}x | {median / reused:.2f}x |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
    else:
        asyncio.run(main())
