"""The account activity log: who changed what, and when, newest first."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models.activity import ActivityEntry as EntryModel
from resolvers import activity
from schema.relay import Node, PageInfo, after_id, edges, global_id, page_size


@strawberry.type
class ActivityEntry(Node):
    actor: str = strawberry.field(description='Who did it: a name, an email or "Billing team".')
    action: str = strawberry.field(description='Machine-readable, e.g. "manager_removed".')
    summary: str
    created_at: datetime

    @classmethod
    def from_model(cls, entry: EntryModel) -> ActivityEntry:
        return cls(
            id=global_id("ActivityEntry", entry.id),
            actor=entry.actor_label,
            action=entry.action,
            summary=entry.summary,
            created_at=entry.created_at,
        )


@strawberry.type
class ActivityEdge:
    cursor: str
    node: ActivityEntry


@strawberry.type
class ActivityConnection:
    edges: list[ActivityEdge]
    page_info: PageInfo


async def activity_connection(
    account_id: int, first: int | None, after: str | None
) -> ActivityConnection:
    page = await activity.activity_page(account_id, page_size(first), after_id(after))
    found, info = edges(
        page.items,
        page.has_next_page,
        lambda cursor, row: ActivityEdge(cursor=cursor, node=ActivityEntry.from_model(row)),
        lambda row: row.pk,
    )
    return ActivityConnection(edges=found, page_info=info)
