"""The account activity log: who changed what, and when, newest first."""

from __future__ import annotations

from core.clock import Clock
from models.activity import ActivityEntry
from models.users import User
from resolvers.paging import Page, newest_first


async def activity_page(
    account_id: int, first: int, before_id: int | None = None
) -> Page[ActivityEntry]:
    """Up to `first` entries older than `before_id`, and whether more follow."""
    return await newest_first(ActivityEntry.filter(account_id=account_id), first, before_id)


async def log_activity(
    clock: Clock, account_id: int, actor: User | None, action: str, summary: str
) -> None:
    """Record a change; `actor` None is the billing team (operator) or the renewal run."""
    label = actor.full_name or actor.email if actor else "Billing team"
    await ActivityEntry.create(
        account_id=account_id,
        actor=actor,
        actor_label=label,
        action=action,
        summary=summary,
        created_at=clock.now(),
    )
