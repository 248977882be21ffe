"""The notification feed and who sees what live (R-NOT-2, R-NOT-5, R-AUTH-5, R-MGR-2).

A user sees their own `Notification` rows, and only of accounts they still manage, while their
session is signed in. The live stream's machinery is `notifications.stream`; the rules it obeys
are `LiveAudience` here.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncGenerator, Collection
from dataclasses import dataclass

from core import metrics
from core.clock import Clock
from models.accounts import Manager
from models.auth import Session
from models.notifications import Notification
from models.users import User
from notifications import stream as live_stream
from notifications.live import Live
from notifications.stream import NotificationItem
from resolvers.access import managed_account_ids, manager_of
from resolvers.errors import NotFound

__all__ = ["NotificationItem", "Page", "feed", "mark_read", "notification_for", "stream"]


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


async def mark_read(clock: Clock, user: User, ids: list[int] | None, all_: bool) -> int:
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


@dataclass(frozen=True)
class LiveAudience:
    """The rules of the live stream, for many streams at once (see `notifications.stream`)."""

    clock: Clock  # sessions expire by the process's clock

    async def active_sessions(self, session_ids: Collection[int]) -> set[int]:
        return set(
            await Session.filter(
                id__in=list(session_ids),
                revoked_at__isnull=True,
                expires_at__gt=self.clock.now(),
            ).values_list("id", flat=True)  # type: ignore[arg-type]
        )

    async def accounts(self, user_ids: Collection[int]) -> dict[int, set[int]]:
        memberships: dict[int, set[int]] = defaultdict(set)
        for user_id, account_id in await Manager.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "account_id"
        ):
            memberships[user_id].add(account_id)
        return memberships

    async def replay(
        self, user_id: int, after_id: int, accounts: Collection[int], limit: int
    ) -> list[NotificationItem]:
        rows = await (
            Notification.filter(user_id=user_id, id__gt=after_id, account_id__in=list(accounts))
            .order_by("id")
            .limit(limit)
            .select_related("event")
        )
        return [NotificationItem.from_row(row) for row in rows]

    async def newest_id(self, user_id: int) -> int:
        newest = await Notification.filter(user_id=user_id).order_by("-id").first()
        return newest.id if newest else 0


async def stream(
    live: Live, clock: Clock, user: User, session_id: int, account_id: int | None, after: int | None
) -> AsyncGenerator[NotificationItem, None]:
    """The live notifications of `user`'s session; NOT_FOUND for an account they don't manage;
    ends when the session or membership ends."""
    if account_id is not None:
        await manager_of(user, account_id)
    items = live_stream.stream(live, LiveAudience(clock), user.id, session_id, account_id, after)
    metrics.SUBSCRIPTIONS_OPEN.inc()
    try:
        async with contextlib.aclosing(items):
            async for item in items:
                yield item
    finally:
        metrics.SUBSCRIPTIONS_OPEN.dec()
