"""Batch reads behind the per-request DataLoaders: one query for many keys, in key order.

They fetch rows by their own keys only: a loader is reached from an object the viewer was
already allowed to see (`resolvers/access.py`), never from a client-given id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)


async def rows_by_key(model: type[M], key: str, keys: Sequence[Any]) -> list[M | None]:
    rows = await model.filter(**{f"{key}__in": list(keys)})
    found = {getattr(row, key): row for row in rows}
    return [found.get(k) for k in keys]


async def row_groups_by_key(
    model: type[M],
    key: str,
    keys: Sequence[Any],
    order_by: Sequence[str],
    related: Sequence[str] = (),
) -> list[list[M]]:
    """The rows of each key, with the `related` rows joined in the same statement."""
    grouped: dict[Any, list[M]] = defaultdict(list)
    query = model.filter(**{f"{key}__in": list(keys)}).order_by(*order_by)
    for row in await (query.select_related(*related) if related else query):
        grouped[getattr(row, key)].append(row)
    return [grouped.get(k, []) for k in keys]
