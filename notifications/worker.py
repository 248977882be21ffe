"""Delivers outbox emails: claims due rows, sends them, retries with backoff (R-NOT-4).

Claiming is a compare-and-set on `claimed_until`, so several workers (threads, processes or
hosts) never send one row at the same time. On PostgreSQL the candidates are read with
`FOR UPDATE SKIP LOCKED`, so workers do not even wait for each other.
A message is marked sent right after the server accepts it. The only window for a duplicate is
a crash between the two, and then the resend keeps its Message-ID so mail clients can fold it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from datetime import timedelta

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core import clock, metrics
from core.settings import Settings, get_settings
from models.outbox import OutboxEmail, OutboxStatus
from notifications.delivery import DeliveryError, Transport, build_message, transport_for

log = logging.getLogger("portal.mail")

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 12
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 2 h, with up to 10 % jitter."""
    delay: timedelta = min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return delay * (1 + random.random() / 10)  # noqa: S311 - jitter, not security


class OutboxWorker:
    def __init__(
        self, transport: Transport, sender: str, batch_size: int = 20, concurrency: int = 8
    ) -> None:
        self.transport = transport
        self.sender = sender
        self.batch_size = batch_size
        self.concurrency = concurrency  # emails of one batch in flight at once

    async def claim(self) -> list[OutboxEmail]:
        now = clock.now()
        async with in_transaction() as conn:
            candidates = await (
                OutboxEmail.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
                .filter(claimed_until__isnull=True)
                .order_by("id")
                .limit(self.batch_size)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            expired = await (
                OutboxEmail.filter(
                    status=OutboxStatus.PENDING, next_attempt_at__lte=now, claimed_until__lt=now
                )
                .order_by("id")
                .limit(self.batch_size)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            claimed = []
            lease = now + LEASE
            for row in [*candidates, *expired]:
                taken = await (
                    OutboxEmail.filter(id=row.id, claimed_until=row.claimed_until)
                    .using_db(conn)
                    .update(claimed_until=lease)
                )
                if taken:
                    row.claimed_until = lease
                    claimed.append(row)
            return claimed

    def _ours(self, row: OutboxEmail) -> QuerySet[OutboxEmail]:
        """The row while this worker still holds its lease (no other worker took it over)."""
        return OutboxEmail.filter(
            id=row.id, status=OutboxStatus.PENDING, claimed_until=row.claimed_until
        )

    async def deliver(self, row: OutboxEmail) -> None:
        if row.claimed_until is None or row.claimed_until <= clock.now():
            return  # the lease ran out while waiting: another worker may have it now
        try:
            await self.transport.send(build_message(row, self.sender))
        except DeliveryError as exc:
            await self._failed(row, exc)
            return
        metrics.EMAILS_SENT.inc()
        await self._ours(row).update(
            status=OutboxStatus.SENT,
            sent_at=clock.now(),
            claimed_until=None,
            attempts=row.attempts + 1,
            last_error=None,
        )

    async def _failed(self, row: OutboxEmail, exc: DeliveryError) -> None:
        attempts = row.attempts + 1
        give_up = exc.permanent or attempts >= MAX_ATTEMPTS
        metrics.EMAIL_FAILURES.labels(str(exc.permanent).lower()).inc()
        if not give_up:
            metrics.EMAIL_RETRIES.inc()
        log.warning(
            "Email %s to %s failed (attempt %d, %s): %s",
            row.id,
            row.to,
            attempts,
            "giving up" if give_up else "will retry",
            exc,
        )
        await self._ours(row).update(
            status=OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
            attempts=attempts,
            last_error=str(exc)[:2000],
            next_attempt_at=clock.now() + backoff(attempts),
            claimed_until=None,
        )

    async def run_once(self) -> int:
        """Deliver what is due now; returns how many rows were attempted."""
        rows = await self.claim()
        slots = asyncio.Semaphore(self.concurrency)

        async def deliver(row: OutboxEmail) -> None:
            async with slots:
                await self.deliver(row)

        await asyncio.gather(*(deliver(row) for row in rows))
        return len(rows)

    async def run_forever(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("Outbox worker pass failed; retrying")
                busy = 0
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), idle)
                except TimeoutError:
                    pass


def worker_for(settings: Settings) -> OutboxWorker:
    return OutboxWorker(transport_for(settings), settings.mail_from)


async def _main() -> None:
    from core.db import open_database

    settings = get_settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)  # finish the current email, then exit
    async with open_database(settings):
        log.info("Outbox worker started")
        await worker_for(settings).run_forever(stop)
        log.info("Outbox worker stopped")


if __name__ == "__main__":
    from core.logs import configure

    configure(get_settings())
    asyncio.run(_main())
