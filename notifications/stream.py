"""The live notification stream's machinery (R-NOT-2, R-NOT-5, R-AUTH-5, R-MGR-2).

The rules (who may subscribe, which notifications a user sees, whether a session is still
active) are not decided here: they come from an `Audience`, which `resolvers.notifications`
provides.

A stream subscribes to the live channel FIRST, then replays from the database what came after
`after`, then forwards live messages, skipping ids already sent, so the seam has no gap and no
duplicate. Whenever it may have missed something (the hub reconnected after the backend was
down, its queue overflowed, the backend is unreachable) it replays since the last id it sent.
Every CHECK_INTERVAL one process-wide `Watch` re-reads the sessions and memberships of all
open streams (one call of the audience, whatever their number) and wakes the streams that must
end, so sign-out and manager removal end them within a second on every instance, even without
the announcement message (which ends them at once).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core import metrics
from models.notifications import EventKind, Notification
from notifications.broadcast import HubUnavailable
from notifications.broadcast import Listener as HubListener
from notifications.broadcast import Message as HubMessage
from notifications.live import CHANNEL, Live
from notifications.messages import EventPublished, MembershipChanged, SessionRevoked, decode

log = logging.getLogger("portal.live")

CHECK_INTERVAL = 0.5  # the Watch re-reads sessions and memberships of all streams
REPLAY_BATCH = 100


@dataclass(frozen=True, slots=True)
class NotificationItem:
    """A notification as the API shows it, from a row or from a live message."""

    id: int
    kind: EventKind
    title: str
    message: str
    created_at: datetime
    read_at: datetime | None
    account_id: int
    subscription_id: int | None
    invoice_id: int | None

    @classmethod
    def from_row(cls, row: Notification) -> NotificationItem:
        event = row.event
        return cls(
            id=row.id,
            kind=EventKind(event.kind),
            title=event.title,
            message=event.message,
            created_at=row.created_at,
            read_at=row.read_at,
            account_id=row.account_id,  # type: ignore[attr-defined]
            subscription_id=event.subscription_id,  # type: ignore[attr-defined]
            invoice_id=event.invoice_id,  # type: ignore[attr-defined]
        )

    @classmethod
    def from_event(cls, event: EventPublished, notification_id: int) -> NotificationItem:
        return cls(
            id=notification_id,
            kind=event.kind,
            title=event.title,
            message=event.message,
            created_at=event.created_at,
            read_at=None,
            account_id=event.account_id,
            subscription_id=event.subscription_id,
            invoice_id=event.invoice_id,
        )


class Audience(Protocol):
    """The rules a stream obeys; each call answers for many streams at once."""

    async def active_sessions(self, session_ids: Collection[int]) -> set[int]:
        """The sessions among `session_ids` that are still signed in."""
        ...

    async def accounts(self, user_ids: Collection[int]) -> dict[int, set[int]]:
        """Per user, the accounts whose notifications they may see now."""
        ...

    async def replay(
        self, user_id: int, after_id: int, accounts: Collection[int], limit: int
    ) -> list[NotificationItem]:
        """The user's notifications of `accounts` after `after_id`, oldest first."""
        ...

    async def newest_id(self, user_id: int) -> int:
        """The id of the user's newest notification (0 if none)."""
        ...


class Ended(Exception):
    """The stream must end: session revoked or membership lost."""


_WAKE = HubMessage(channel="", message="")  # the Watch found a reason to end this stream


class NotificationStream:
    """One open `notifications` subscription of one session."""

    def __init__(
        self, audience: Audience, user_id: int, session_id: int, account_id: int | None
    ) -> None:
        self.audience = audience
        self.user_id = user_id
        self.session_id = session_id
        self.account_id = account_id
        self.allowed: set[int] = set()
        self.last = 0  # the highest id sent (or the resume point)
        self.floor = 0  # nothing at or below this is sent
        self.sent: set[int] = set()
        self.listening: HubListener | None = None  # the hub subscription it reads, if any
        self.end_reason: str | None = None
        self.registered_at = float("inf")  # when the Watch started covering this stream

    async def start(self, after: int | None) -> None:
        await self.check()
        self.last = after if after is not None else await self.audience.newest_id(self.user_id)
        self.floor = self.last

    async def check(self) -> None:
        """Ask the audience about this session and user; raise `Ended` if gone."""
        active = self.session_id in await self.audience.active_sessions([self.session_id])
        accounts = await self.audience.accounts([self.user_id])
        self.judge(active, accounts.get(self.user_id, set()))
        self.ensure_open()

    def judge(self, active: bool, current: set[int]) -> None:
        """Record why the stream must end, if it must; else update the accounts it covers."""
        watched = {self.account_id} if self.account_id is not None else self.allowed
        if not active:
            self.end_reason = "session revoked"
        elif watched - current:
            self.end_reason = "membership lost"
        else:
            self.allowed = current if self.account_id is None else {self.account_id}

    def ensure_open(self) -> None:
        if self.end_reason is not None:
            raise Ended(self.end_reason)

    def wake(self) -> None:
        if self.listening is not None:
            self.listening.wake(_WAKE)

    async def replay(self) -> AsyncIterator[NotificationItem]:
        while True:
            items = await self.audience.replay(self.user_id, self.last, self.allowed, REPLAY_BATCH)
            for found in items:
                self.ensure_open()
                item = self.remember(found)
                if item is not None:
                    yield item
            if len(items) < REPLAY_BATCH:
                return

    def remember(self, item: NotificationItem) -> NotificationItem | None:
        if item.id <= self.floor or item.id in self.sent:
            return None
        self.sent.add(item.id)
        self.last = max(self.last, item.id)
        if len(self.sent) > 4096:
            self.floor, self.sent = self.last, set()
        return item

    async def handle(self, text: str) -> NotificationItem | None:
        """A live message: the notification for this stream, or None. May raise `Ended`."""
        match decode(text):
            case SessionRevoked(session_id=session_id) if session_id == self.session_id:
                raise Ended("session revoked")
            case MembershipChanged(user_id=user_id) if user_id == self.user_id:
                await self.check()
            case EventPublished() as event if event.account_id in self.allowed:
                notification_id = event.recipients.get(self.user_id)
                if notification_id is not None:
                    if event.published is not None:
                        metrics.BROADCAST_LAG.observe(max(time.time() - event.published, 0.0))
                    return self.remember(NotificationItem.from_event(event, notification_id))
        return None


class Watch:
    """Process-wide: ONE audience call for the sessions and ONE for the memberships of every
    open stream per CHECK_INTERVAL, whatever the number of streams; streams to end are woken."""

    def __init__(self, audience: Audience) -> None:
        self.audience = audience
        self.loop = asyncio.get_running_loop()
        self.streams: set[NotificationStream] = set()
        self.task: asyncio.Task[None] | None = None

    def add(self, stream: NotificationStream) -> None:
        stream.registered_at = self.loop.time()
        self.streams.add(stream)
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._run(), name="notification-watch")

    def discard(self, stream: NotificationStream) -> None:
        self.streams.discard(stream)

    async def _run(self) -> None:
        while self.streams:
            await asyncio.sleep(CHECK_INTERVAL)
            try:
                await self.refresh()
            except Exception:
                log.warning("Notification watch refresh failed", exc_info=True)

    async def refresh(self) -> None:
        taken_at = self.loop.time()
        streams = list(self.streams)
        active = await self.audience.active_sessions({s.session_id for s in streams})
        memberships = await self.audience.accounts({s.user_id for s in streams})
        for stream in streams:
            if stream.registered_at >= taken_at:
                continue  # checked itself on start, after this snapshot began
            stream.judge(stream.session_id in active, memberships.get(stream.user_id, set()))
            if stream.end_reason is not None:
                stream.wake()


# one Watch per event loop and audience: a process has one audience (its rules, its clock)
_watches: dict[tuple[asyncio.AbstractEventLoop, Audience], Watch] = {}


def _watch_for_loop(audience: Audience) -> Watch:
    loop = asyncio.get_running_loop()
    watch = _watches.get((loop, audience))
    if watch is None:
        for stale in [k for k in _watches if k[0].is_closed()]:
            del _watches[stale]
        watch = _watches[loop, audience] = Watch(audience)
    return watch


async def stream(
    live: Live,
    audience: Audience,
    user_id: int,
    session_id: int,
    account_id: int | None,
    after: int | None,
) -> AsyncGenerator[NotificationItem, None]:
    """The live notifications of a user's session, read from `live`'s hub (from the database
    while there is none), as `audience` allows them; ends when the session or membership
    ends."""
    state = NotificationStream(audience, user_id, session_id, account_id)
    watch = _watch_for_loop(audience)
    watch.add(state)  # before the start check: no change between the two goes unseen
    try:
        await state.start(after)
        while True:
            hub = live.hub
            try:
                if hub is None:
                    raise HubUnavailable("no live channel in this process")
                async with hub.subscribe(CHANNEL) as subscription:
                    async for item in state.replay():
                        yield item
                    async for item in _forward(state, subscription):
                        yield item
                    if not subscription.overflowed:
                        return  # the hub stopped: the server is shutting down
            except HubUnavailable:
                async for item in _poll(state):
                    yield item
    except Ended as reason:
        log.info("Notification stream of session %s ended: %s", session_id, reason)
    finally:
        watch.discard(state)


async def _forward(
    state: NotificationStream, subscription: HubListener
) -> AsyncIterator[NotificationItem]:
    """Live messages until the subscription ends; replays after a resync. The stream reads
    the hub's queue itself (no task in between); the Watch wakes it through that queue."""
    state.listening = subscription
    try:
        state.ensure_open()  # woken before it listened here
        async for event in subscription:
            state.ensure_open()
            if event is _WAKE:
                continue
            if event.kind == "resync":
                async for item in state.replay():
                    yield item
                continue
            live_item = await state.handle(event.message)
            if live_item is not None:
                yield live_item
        state.ensure_open()
    finally:
        state.listening = None


async def _poll(state: NotificationStream) -> AsyncIterator[NotificationItem]:
    """The live channel is down: read the database for a while, then try it again."""
    for _ in range(4):
        state.ensure_open()
        async for item in state.replay():
            yield item
        await asyncio.sleep(CHECK_INTERVAL)
