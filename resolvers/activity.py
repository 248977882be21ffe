"""The account activity log: who changed what, and when, newest first."""

from __future__ import annotations

from models.activity import ActivityEntry


async def activity_page(
    account_id: int, first: int, before_id: int | None = None
) -> tuple[list[ActivityEntry], bool]:
    """Up to `first` entries older than `before_id`, and whether more follow."""
    query = ActivityEntry.filter(account_id=account_id)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1)
    return rows[:first], len(rows) > first
