"""Email drain benchmark (R-NOT-4): queued outbox emails delivered into a local aiosmtpd server
by the outbox worker (claim, send, mark per email), beside a plain aiosmtplib loop sending the
same messages, in the same run.

    python bench/email_drain.py --emails 10000 --workers 1,4

Loopback only: an aiosmtpd server on a free port in this process (its own thread), and a fresh
PostgreSQL database (PORTAL_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/
postgres, dropped after) or, with --sqlite, a temporary SQLite file. Both sides open one SMTP
connection per message, as `aiosmtplib.send` does; the difference is the outbox bookkeeping.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosmtplib  # noqa: E402
import asyncpg  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from core import clock  # noqa: E402
from core.db import tortoise_config  # noqa: E402
from models.outbox import OutboxEmail, OutboxStatus  # noqa: E402
from notifications.delivery import SmtpTransport, build_message  # noqa: E402
from notifications.outbox import render  # noqa: E402
from notifications.worker import OutboxWorker  # noqa: E402

SENDER = "Customers Portal <noreply@localhost>"


class Counting:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


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


async def queue(n: int) -> None:
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


async def drain_with_workers(url: str, workers: int) -> float:
    transport = SmtpTransport(url)
    pool = [OutboxWorker(transport, SENDER, batch_size=50) for _ in range(workers)]

    async def drain(worker: OutboxWorker) -> None:
        while await worker.run_once():
            pass

    started = time.perf_counter()
    await asyncio.gather(*(drain(w) for w in pool))
    return time.perf_counter() - started


async def plain_loop(port: int) -> tuple[float, int]:
    messages = [build_message(row, SENDER) for row in await OutboxEmail.all().order_by("id")]
    started = time.perf_counter()
    for message in messages:
        await aiosmtplib.send(message, hostname="127.0.0.1", port=port)
    return time.perf_counter() - started, len(messages)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--workers", default="1,4", help="comma-separated worker counts")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PORTAL_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    url = f"smtp://127.0.0.1:{port}"
    results: list[tuple[str, float, int]] = []
    try:
        async with database(args):
            await queue(args.emails)
            for workers in (int(w) for w in args.workers.split(",")):
                await OutboxEmail.all().update(
                    status=OutboxStatus.PENDING, sent_at=None, attempts=0, claimed_until=None
                )
                before = handler.count
                seconds = await drain_with_workers(url, workers)
                sent = await OutboxEmail.filter(status=OutboxStatus.SENT).count()
                assert sent == args.emails, (sent, args.emails)
                assert handler.count - before == args.emails, handler.count - before
                results.append((f"outbox worker x{workers}", seconds, args.emails))
            before = handler.count
            seconds, n = await plain_loop(port)
            assert handler.count - before == n
            results.append(("plain aiosmtplib loop", seconds, n))
    finally:
        controller.stop()
    database_name = "SQLite" if args.sqlite else "PostgreSQL"
    print(f"{args.emails} emails, {database_name}, aiosmtpd on loopback")
    plain_rate = results[-1][2] / results[-1][1]
    for name, seconds, n in results:
        rate = n / seconds
        print(
            f"{name:24} {seconds:7.1f} s  {rate:7.0f} emails/s"
            f"  ({rate / plain_rate:.2f}x the plain loop)"
        )


if __name__ == "__main__":
    asyncio.run(main())
