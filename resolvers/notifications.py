"""The notification feed and the live stream (R-NOT-2, R-NOT-5, R-AUTH-5, R-MGR-2).

A user sees their own `Notification` rows, and only of accounts they still manage.

The stream subscribes to the live channel FIRST, then replays from the database what came
after `after`, then forwards live messages, skipping ids already sent, so the seam has no gap
and no duplicate. Whenever it may have missed something (the hub reconnected after the
backend was down, its queue overflowed, the backend is unreachable) it replays from the
database since the last id it sent. Every CHECK_INTERVAL one process-wide `Watch` re-reads the
sessions and memberships of all open streams (two queries, whatever their number) and wakes
the streams that must end, so sign-out and manager removal end them within a second on every
instance, even without the announcement message (which ends them at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import clock, metrics
from models.accounts import Manager
from models.auth import Session
from models.notifications import EventKind, Notification
from models.users import User
from notifications import live
from notifications.broadcast import HubUnavailable
from notifications.broadcast import Listener as HubListener
from notifications.broadcast import Message as HubMessage
from resolvers.access import managed_account_ids, manager_of
from resolvers.auth import session_active
from resolvers.errors import NotFound

log = logging.getLogger("portal.live")

CHECK_INTERVAL = 0.5  # the Watch re-reads sessions and memberships of all streams
REPLAY_BATCH = 100
QUEUE_SIZE = 256


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Page:
    items: list[NotificationItem]
    has_next_page: bool
    unread_count: int


async def unread_count(user: User) -> int:
    accounts = await managed_account_ids(user)
    return await Notification.filter(
        user_id=user.id, account_id__in=accounts, read_at__isnull=True
    ).count()


async def feed(user: User, first: int, before_id: int | None, unread_only: bool) -> Page:
    """Newest first; `before_id` is the position after which the page continues."""
    query = Notification.filter(user_id=user.id, account_id__in=await managed_account_ids(user))
    if unread_only:
        query = query.filter(read_at__isnull=True)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1).select_related("event")
    return Page(
        items=[NotificationItem.from_row(r) for r in rows[:first]],
        has_next_page=len(rows) > first,
        unread_count=await unread_count(user),
    )


async def notification_for(user: User, notification_id: int) -> NotificationItem | None:
    row = await Notification.get_or_none(id=notification_id, user_id=user.id).select_related(
        "event"
    )
    if row is None or row.account_id not in await managed_account_ids(user):  # type: ignore[attr-defined]
        return None
    return NotificationItem.from_row(row)


async def mark_read(user: User, ids: list[int] | None, all_: bool) -> int:
    """Mark some (all of them mine, or NOT_FOUND and nothing changes) or all as read."""
    mine = Notification.filter(user_id=user.id, account_id__in=await managed_account_ids(user))
    if not all_:
        wanted = set(ids or [])
        found: set[int] = set(
            await mine.filter(id__in=list(wanted)).values_list("id", flat=True)  # type: ignore[arg-type]
        )
        if found != wanted:
            raise NotFound("Notification", ["ids"])
        mine = mine.filter(id__in=list(wanted))
    await mine.filter(read_at__isnull=True).update(read_at=clock.now())
    return await unread_count(user)


class Ended(Exception):
    """The stream must end: session revoked or membership lost."""


_WAKE = HubMessage(channel="", message="")  # the Watch found a reason to end this stream


class NotificationStream:
    """One open `notifications` subscription of one session."""

    def __init__(self, user: User, session_id: int, account_id: int | None) -> None:
        self.user = user
        self.session_id = session_id
        self.account_id = account_id
        self.allowed: set[int] = set()
        self.last = 0  # the highest id sent (or the resume point)
        self.floor = 0  # nothing at or below this is sent
        self.sent: set[int] = set()
        self.queue: asyncio.Queue[HubMessage | None] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.end_reason: str | None = None
        self.registered_at = float("inf")  # when the Watch started covering this stream

    async def start(self, after: int | None) -> None:
        if self.account_id is not None:
            await manager_of(self.user, self.account_id)
        await self.check()
        if after is not None:
            self.last = after
        else:
            newest = await Notification.filter(user_id=self.user.id).order_by("-id").first()
            self.last = newest.id if newest else 0
        self.floor = self.last

    async def check(self) -> None:
        """Read the session and memberships from the database; raise `Ended` if gone."""
        self.judge(await session_active(self.session_id), set(await managed_account_ids(self.user)))
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
        with contextlib.suppress(asyncio.QueueFull):  # a full queue is read soon anyway
            self.queue.put_nowait(_WAKE)

    async def replay(self) -> AsyncIterator[NotificationItem]:
        while True:
            rows = await (
                Notification.filter(
                    user_id=self.user.id, id__gt=self.last, account_id__in=list(self.allowed)
                )
                .order_by("id")
                .limit(REPLAY_BATCH)
                .select_related("event")
            )
            for row in rows:
                self.ensure_open()
                item = self.remember(NotificationItem.from_row(row))
                if item is not None:
                    yield item
            if len(rows) < REPLAY_BATCH:
                return

    def remember(self, item: NotificationItem) -> NotificationItem | None:
        if item.id <= self.floor or item.id in self.sent:
            return None
        self.sent.add(item.id)
        self.last = max(self.last, item.id)
        if len(self.sent) > 4096:
            self.floor, self.sent = self.last, set()
        return item

    async def handle(self, message: str) -> NotificationItem | None:
        """A live message: the notification for this stream, or None. May raise `Ended`."""
        data: dict[str, Any] = json.loads(message)
        kind = data.get("t")
        if kind == "s" and data.get("s") == self.session_id:
            raise Ended("session revoked")
        if kind == "m" and data.get("u") == self.user.id:
            await self.check()
        if kind != "n" or data["a"] not in self.allowed:
            return None
        for user_id, notification_id in data["r"]:
            if user_id == self.user.id:
                if "p" in data:
                    metrics.BROADCAST_LAG.observe(max(time.time() - float(data["p"]), 0.0))
                return self.remember(
                    NotificationItem(
                        id=notification_id,
                        kind=EventKind(data["k"]),
                        title=data["ti"],
                        message=data["m"],
                        created_at=datetime.fromisoformat(data["c"]),
                        read_at=None,
                        account_id=data["a"],
                        subscription_id=data["s"],
                        invoice_id=data["i"],
                    )
                )
        return None


class Watch:
    """Process-wide: ONE query for the sessions and ONE for the memberships of every open
    stream per CHECK_INTERVAL, whatever the number of streams; streams to end are woken."""

    def __init__(self) -> None:
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
        sessions = {s.session_id for s in streams}
        users = {s.user.id for s in streams}
        active: set[int] = set(
            await Session.filter(
                id__in=list(sessions), revoked_at__isnull=True, expires_at__gt=clock.now()
            ).values_list("id", flat=True)  # type: ignore[arg-type]
        )
        memberships: dict[int, set[int]] = defaultdict(set)
        for user_id, account_id in await Manager.filter(user_id__in=list(users)).values_list(
            "user_id", "account_id"
        ):
            memberships[user_id].add(account_id)
        for stream in streams:
            if stream.registered_at >= taken_at:
                continue  # checked itself on start, after this snapshot began
            stream.judge(stream.session_id in active, memberships.get(stream.user.id, set()))
            if stream.end_reason is not None:
                stream.wake()


_watches: dict[asyncio.AbstractEventLoop, Watch] = {}


def _watch_for_loop() -> Watch:
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        for stale in [k for k in _watches if k.is_closed()]:
            del _watches[stale]
        watch = _watches[loop] = Watch()
    return watch


async def stream(
    user: User, session_id: int, account_id: int | None, after: int | None
) -> AsyncGenerator[NotificationItem, None]:
    """The live notifications of `user`'s session; ends when the session or membership ends."""
    state = NotificationStream(user, session_id, account_id)
    watch = _watch_for_loop()
    watch.add(state)  # before the start check: no change between the two goes unseen
    metrics.SUBSCRIPTIONS_OPEN.inc()
    try:
        await state.start(after)
        while True:
            hub = live.current_hub()
            try:
                if hub is None:
                    raise HubUnavailable("no live channel in this process")
                async with hub.subscribe(live.CHANNEL) as subscription:
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
        metrics.SUBSCRIPTIONS_OPEN.dec()
        watch.discard(state)


async def _forward(
    state: NotificationStream, subscription: HubListener
) -> AsyncIterator[NotificationItem]:
    """Live messages until the subscription ends; replays after a resync."""
    pump = asyncio.create_task(_pump(subscription, state.queue))
    try:
        while True:
            event = await state.queue.get()
            state.ensure_open()
            if event is None:
                return
            if event is _WAKE:
                continue
            if event.kind == "resync":
                async for item in state.replay():
                    yield item
                continue
            live_item = await state.handle(event.message)
            if live_item is not None:
                yield live_item
    finally:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump


async def _pump(subscription: HubListener, queue: asyncio.Queue[HubMessage | None]) -> None:
    async for event in subscription:
        await queue.put(event)  # back pressure: the hub queue overflows, we resync
    await queue.put(None)


async def _poll(state: NotificationStream) -> AsyncIterator[NotificationItem]:
    """The live channel is down: read the database for a while, then try it again."""
    for _ in range(4):
        state.ensure_open()
        async for item in state.replay():
            yield item
        await asyncio.sleep(CHECK_INTERVAL)
