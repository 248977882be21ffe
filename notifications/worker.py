"""Delivers outbox emails: claims due rows, sends them, retries with backoff (R-NOT-4).

Claiming is a compare-and-set on `claimed_until`, so several workers (threads, processes or
hosts) never send one row at the same time. On PostgreSQL the candidates are read with
`FOR UPDATE SKIP LOCKED`, so workers do not even wait for each other.
A message is marked sent right after the server accepts it: accepted messages are marked in
groups (one UPDATE for all that were accepted while the previous UPDATE ran), so the window
for a duplicate is a crash between the server's acceptance and that UPDATE; the resend keeps
its Message-ID so mail clients can fold it. Claims take a whole batch in one UPDATE, and the
next batch is claimed while the last emails of the previous one are in flight, so up to
`concurrency` emails are always in flight while any are due.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core import metrics
from core.clock import Clock
from core.settings import Settings, get_settings
from models.outbox import OutboxEmail, OutboxStatus
from notifications.delivery import DeliveryError, Transport, build_message, transport_for

log = logging.getLogger("portal.mail")

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 12
PIPELINE = 20  # batches one pass of the running worker claims back to back
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 2 h, with up to 10 % jitter."""
    delay: timedelta = min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return delay * (1 + random.random() / 10)  # noqa: S311 - jitter, not security


class OutboxWorker:
    def __init__(
        self,
        transport: Transport,
        sender: str,
        clock: Clock,
        batch_size: int = 20,
        concurrency: int = 8,
    ) -> None:
        self.transport = transport
        self.sender = sender
        self.clock = clock  # leases and retry times follow the process's clock
        self.batch_size = batch_size
        self.concurrency = concurrency  # emails of one batch in flight at once

    async def claim(self) -> list[OutboxEmail]:
        now = self.clock.now()
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
            lease = now + LEASE
            claimed = [
                *await self._take(conn, candidates, lease, claimed_until__isnull=True),
                *await self._take(conn, expired, lease, claimed_until__lt=now),
            ]
            return claimed

    async def _take(
        self, conn: Any, rows: list[OutboxEmail], lease: datetime, **unclaimed: Any
    ) -> list[OutboxEmail]:
        """Compare-and-set the lease of `rows`, all in one UPDATE; the rows it took.

        On PostgreSQL the rows are locked (FOR UPDATE) so the UPDATE takes them all; without
        row locks, a row another worker took meanwhile no longer matches `unclaimed`, and
        the rows that now carry this claim's lease are read back.
        """
        if not rows:
            return []
        ids = [row.id for row in rows]
        taken = await (
            OutboxEmail.filter(id__in=ids, status=OutboxStatus.PENDING, **unclaimed)
            .using_db(conn)
            .update(claimed_until=lease)
        )
        if taken != len(rows):
            mine = set(
                await OutboxEmail.filter(id__in=ids, claimed_until=lease)
                .using_db(conn)
                .values_list("id", flat=True)
            )
            rows = [row for row in rows if row.id in mine]
        for row in rows:
            row.claimed_until = lease
        return rows

    def _ours(self, row: OutboxEmail) -> QuerySet[OutboxEmail]:
        """The row while this worker still holds its lease (no other worker took it over)."""
        return OutboxEmail.filter(
            id=row.id, status=OutboxStatus.PENDING, claimed_until=row.claimed_until
        )

    async def deliver(self, row: OutboxEmail) -> None:
        """Send one claimed row and mark it."""
        if await self._send(row):
            await self._mark_sent([row])

    async def _send(self, row: OutboxEmail) -> bool:
        """Send one claimed row; True if the server accepted it (not marked yet)."""
        if row.claimed_until is None or row.claimed_until <= self.clock.now():
            return False  # the lease ran out while waiting: another worker may have it now
        try:
            await self.transport.send(build_message(row, self.sender))
        except DeliveryError as exc:
            await self._failed(row, exc)
            return False
        metrics.EMAILS_SENT.inc()
        return True

    async def _mark_sent(self, rows: list[OutboxEmail]) -> None:
        """Mark accepted rows sent, one UPDATE per lease, only while still ours."""
        by_lease: dict[datetime | None, list[int]] = defaultdict(list)
        for row in rows:
            by_lease[row.claimed_until].append(row.id)
        for lease, ids in by_lease.items():
            await OutboxEmail.filter(
                id__in=ids, status=OutboxStatus.PENDING, claimed_until=lease
            ).update(
                status=OutboxStatus.SENT,
                sent_at=self.clock.now(),
                claimed_until=None,
                attempts=F("attempts") + 1,
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
            next_attempt_at=self.clock.now() + backoff(attempts),
            claimed_until=None,
        )

    async def run_once(self, batches: int = 1) -> int:
        """Deliver up to `batches` batches of what is due now (the next claimed while the last
        emails of the previous are in flight); returns how many rows were attempted."""
        slots = asyncio.Semaphore(self.concurrency)
        marks = _GroupMarker(self._mark_sent)
        sending: list[asyncio.Task[None]] = []

        async def deliver(row: OutboxEmail) -> None:
            try:
                if await self._send(row):
                    await marks.add(row)
            finally:
                slots.release()

        attempted = 0
        try:
            while True:
                rows = await self.claim()
                attempted += len(rows)
                for row in rows:
                    await slots.acquire()  # the window: at most `concurrency` in flight
                    sending.append(asyncio.create_task(deliver(row)))
                batches -= 1
                if len(rows) < self.batch_size or batches <= 0:
                    break
        finally:
            if sending:
                await asyncio.gather(*sending, return_exceptions=True)
            await marks.close()
        for task in sending:
            task.result()  # a crash while sending surfaces here
        return attempted

    async def run_forever(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        try:
            while not stop.is_set():
                try:
                    busy = await self.run_once(batches=PIPELINE)
                except Exception:
                    log.exception("Outbox worker pass failed; retrying")
                    busy = 0
                if not busy:
                    try:
                        await asyncio.wait_for(stop.wait(), idle)
                    except TimeoutError:
                        pass
        finally:
            close = getattr(self.transport, "close", None)  # pooled SMTP connections
            if close is not None:
                await close()


class _GroupMarker:
    """Marks accepted rows sent in groups: one UPDATE for the rows accepted within `delay`
    (or `size` of them), not one per email. A crash loses at most one group's marks; those
    emails are sent again, with their Message-ID, after their lease."""

    def __init__(
        self,
        mark: Callable[[list[OutboxEmail]], Awaitable[None]],
        delay: float = 0.02,
        size: int = 50,
    ) -> None:
        self.mark = mark
        self.delay = delay
        self.size = size
        self.waiting: list[OutboxEmail] = []
        self.lock = asyncio.Lock()
        self.timer: asyncio.Task[None] | None = None

    async def add(self, row: OutboxEmail) -> None:
        self.waiting.append(row)
        if len(self.waiting) >= self.size:
            await self.flush()
        elif self.timer is None:
            self.timer = asyncio.create_task(self._later())

    async def _later(self) -> None:
        await asyncio.sleep(self.delay)
        self.timer = None
        await self.flush()

    async def flush(self) -> None:
        async with self.lock:  # the rows that arrive meanwhile go in the next group
            rows, self.waiting = self.waiting, []
            if rows:
                await self.mark(rows)

    async def close(self) -> None:
        """Mark what is waiting (a timer is awaited, never cancelled mid-UPDATE)."""
        if self.timer is not None:
            await self.timer
        await self.flush()


def worker_for(settings: Settings, clock: Clock) -> OutboxWorker:
    return OutboxWorker(transport_for(settings), settings.mail_from, clock)


async def _main() -> None:
    from core.db import open_database

    settings = get_settings()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)  # finish the current email, then exit
    async with open_database(settings):
        log.info("Outbox worker started")
        await worker_for(settings, Clock()).run_forever(stop)  # this process's one clock
        log.info("Outbox worker stopped")


if __name__ == "__main__":
    from core.logs import configure

    configure(get_settings())
    asyncio.run(_main())
