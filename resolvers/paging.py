"""Pages of rows, newest first, continuing below the last id a client saw (R-BILL-1, R-NOT-5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

T = TypeVar("T")
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_next_page: bool


async def newest_first(query: QuerySet[M], first: int, before_id: int | None) -> Page[M]:
    """Up to `first` rows of `query` with ids below `before_id`, and whether more follow."""
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1)
    return Page(items=list(rows[:first]), has_next_page=len(rows) > first)
