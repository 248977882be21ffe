"""Live delivery after commit (R-NOT-3, R-AUTH-5, R-MGR-2).

    record_event (in the change's transaction)  ->  events row, published_at NULL; nudges the
                                                    relay of this process
    Relay (one per server process)              ->  claims unpublished events, publishes ONE
                                                    JSON message per event on CHANNEL, marks them
    Hub (one backend subscription per process)  ->  every local stream reads CHANNEL and keeps
                                                    the notifications addressed to its user

`Live` holds the process's part of it, a service built once at start-up
(`resolvers.services.Services.live`) and handed down: the server starts the hub into it and
runs the relay through it, resolvers record events and announce sign-outs and manager
removals with it, streams read its hub.

The messages on CHANNEL are defined in `notifications.messages`; the streams that read them
are in `notifications.stream`.

Publishing never blocks the change that caused it: a failed publish leaves the event
unpublished and the relay retries it; streams also replay from the database whenever they
may have missed something (resync, overflow), and re-check session and membership on a timer.
"""

from __future__ import annotations

import asyncio
import logging
import time

from tortoise.transactions import in_transaction

from core.clock import Clock
from models.notifications import Event, EventKind, Notification
from notifications.broadcast import Hub, HubUnavailable
from notifications.messages import (
    EventPublished,
    LiveMessage,
    MembershipChanged,
    SessionRevoked,
    encode,
)

log = logging.getLogger("portal.live")

CHANNEL = "portal.live"
POLL_INTERVAL = 0.5
BATCH = 100
NUDGE_FIRST_STEP = 0.001  # after a nudge, look again after 1 ms, 2, 4, 8 ...
NUDGE_STEP = 0.01  # ... then every 10 ms ...
NUDGE_WINDOW = 1.0  # ... for at most this long (the nudging transaction commits meanwhile)


def event_message(event: Event, recipients: list[tuple[int, int]]) -> str:
    return encode(
        EventPublished(
            account_id=event.account_id,  # type: ignore[attr-defined]
            event_id=event.id,
            kind=EventKind(event.kind),
            title=event.title,
            message=event.message,
            created_at=event.created_at,
            subscription_id=event.subscription_id,  # type: ignore[attr-defined]
            invoice_id=event.invoice_id,  # type: ignore[attr-defined]
            recipients=dict(recipients),
            published=round(time.time(), 6),
        )
    )


class Live:
    """This process's live delivery, one per process (a service of `resolvers.services`): the
    broadcast hub, once the server has started it, and the relays running here. Elsewhere
    (the renewals job, the outbox worker, a test without one) there are none: announcements go
    nowhere, nudges wake nothing, and streams read the database."""

    def __init__(self) -> None:
        self.hub: Hub | None = None
        self._wakeups: set[asyncio.Event] = set()

    def nudge(self) -> None:
        """Wake the relays running here: an event was (or is about to be) committed."""
        for wakeup in list(self._wakeups):
            wakeup.set()

    async def run_relay(self, relay: Relay, stop: asyncio.Event) -> None:
        """Run `relay` until `stop`, woken by `nudge` as well as by its poll interval."""
        self._wakeups.add(relay.wakeup)
        try:
            await relay.run_forever(stop)
        finally:
            self._wakeups.discard(relay.wakeup)

    async def announce_session_revoked(self, session_id: int) -> None:
        """Call after the sign-out committed: open streams of that session end (R-AUTH-5)."""
        await self._announce(SessionRevoked(session_id))

    async def announce_membership_change(self, user_id: int, account_id: int) -> None:
        """Call after a manager removal committed: that user's streams re-check at once
        (R-MGR-2)."""
        await self._announce(MembershipChanged(user_id, account_id))

    async def _announce(self, message: LiveMessage) -> None:
        if self.hub is None:
            return
        try:
            await self.hub.publish(CHANNEL, encode(message))
        except HubUnavailable:
            log.warning("Could not announce %s; streams notice on their next check", message)


class Relay:
    """Publishes committed, unpublished events; one per server process."""

    def __init__(
        self, hub: Hub, clock: Clock, *, poll: float = POLL_INTERVAL, batch: int = BATCH
    ) -> None:
        self.hub = hub
        self.clock = clock
        self.poll = poll
        self.batch = batch
        self.wakeup = asyncio.Event()

    async def run_once(self) -> int:
        """Publish what is unpublished now; returns how many events were published.

        On PostgreSQL the rows stay locked (FOR UPDATE SKIP LOCKED) from claim to mark, so
        relays of other processes skip them; on SQLite (one process) the mark is a
        compare-and-set. A publish failure rolls back: the events stay unpublished.
        """
        async with in_transaction() as conn:
            events = await (
                Event.filter(published_at__isnull=True)
                .order_by("id")
                .limit(self.batch)
                .select_for_update(skip_locked=True)
                .using_db(conn)
            )
            if not events:
                return 0
            rows = await (
                Notification.filter(event_id__in=[e.id for e in events])
                .using_db(conn)
                .order_by("id")
                .values_list("event_id", "user_id", "id")
            )
            recipients: dict[int, list[tuple[int, int]]] = {e.id: [] for e in events}
            for event_id, user_id, notification_id in rows:
                recipients[event_id].append((user_id, notification_id))
            published = []
            for event in events:
                if recipients[event.id]:
                    await self.hub.publish(CHANNEL, event_message(event, recipients[event.id]))
                published.append(event.id)
            await (
                Event.filter(id__in=published, published_at__isnull=True)
                .using_db(conn)
                .update(published_at=self.clock.now())
            )
        return len(published)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Publish until `stop`; a set `wakeup` (see `Live.nudge`) cuts the wait short."""
        while not stop.is_set():
            await self._pass()
            if await self._wait(stop):
                await self._follow_up()

    async def _follow_up(self) -> None:
        """A nudge comes from inside the transaction, usually shortly before its commit: look
        again after 1 ms, 2, 4, 8, then every NUDGE_STEP until something was published (or
        NUDGE_WINDOW passed). A first look 10 ms later cost most events 8 ms of delivery."""
        loop = asyncio.get_running_loop()
        until = loop.time() + NUDGE_WINDOW
        step = NUDGE_FIRST_STEP
        while loop.time() < until:
            if await self._pass():
                return
            await asyncio.sleep(step)
            step = min(step * 2, NUDGE_STEP)

    async def _pass(self) -> int:
        published = 0
        try:
            while (done := await self.run_once()) > 0:
                published += done
                if done < self.batch:
                    break
        except HubUnavailable:
            log.debug("Broadcast unavailable; events stay unpublished and are retried")
        except Exception:
            log.exception("Live relay pass failed; retrying")
        return published

    async def _wait(self, stop: asyncio.Event) -> bool:
        """Sleep until the poll interval passes, a nudge, or stop; True after a nudge."""
        stopping = asyncio.ensure_future(stop.wait())
        nudged = asyncio.ensure_future(self.wakeup.wait())
        try:
            await asyncio.wait({stopping, nudged}, timeout=self.poll, return_when="FIRST_COMPLETED")
        finally:
            stopping.cancel()
            nudged.cancel()
        was_nudged = self.wakeup.is_set()
        self.wakeup.clear()
        return was_nudged and not stop.is_set()
