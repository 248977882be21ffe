"""Batch reads behind the per-request DataLoaders: one query for many keys, in key order.

They fetch rows by their own keys only: a loader is reached from an object the viewer was
already allowed to see (`resolvers/access.py`), never from a client-given id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from resolvers import statements

M = TypeVar("M", bound=Model)


async def _rows_where_in(
    model: type[M], key: str, keys: Sequence[Any], order_by: Sequence[str] = ()
) -> list[M]:
    """`model` rows whose `key` is one of `keys`, in `order_by` order."""

    def build() -> QuerySet[M]:
        query = model.filter(**{f"{key}__in": list(keys)})
        return query.order_by(*order_by) if order_by else query

    return await statements.models(
        model, ("where in", key, tuple(order_by), len(keys)), list(keys), build
    )


async def rows_by_key(model: type[M], key: str, keys: Sequence[Any]) -> list[M | None]:
    rows = await _rows_where_in(model, key, keys)
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
    if len(related) == 1:
        rows = await statements.models(
            model,
            ("groups", key, tuple(order_by), len(keys)),
            list(keys),
            lambda: (
                model.filter(**{f"{key}__in": list(keys)})
                .order_by(*order_by)
                .select_related(*related)
            ),
            related=related[0],
        )
    elif related:
        query = model.filter(**{f"{key}__in": list(keys)}).order_by(*order_by)
        rows = await query.select_related(*related)
    else:
        rows = await _rows_where_in(model, key, keys, order_by)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return [grouped.get(k, []) for k in keys]
