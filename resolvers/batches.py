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


# Tortoise builds the SQL of a query anew each time (about 0.3 ms of CPU); these batch reads
# have few shapes, so each shape's SQL is built once and reused with new parameters.
_templates: dict[tuple[Any, ...], str] = {}


async def _rows_where_in(
    model: type[M], key: str, keys: Sequence[Any], order_by: Sequence[str] = ()
) -> list[M]:
    """`model` rows whose `key` is one of `keys`, in `order_by` order."""
    db = model._meta.db
    shape = (model, key, tuple(order_by), len(keys), db.connection_name, type(db))
    sql = _templates.get(shape)
    if sql is None:
        query = model.filter(**{f"{key}__in": list(keys)})
        query = query.order_by(*order_by) if order_by else query
        query._make_query()
        built, params = query.query.get_parameterized_sql()
        if list(params) == list(keys):  # the keys are its only parameters, in order
            _templates[shape] = built
        return list(await query)
    _, rows = await db.execute_query(sql, list(keys))
    return [model._init_from_db(**row) for row in rows]


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
    if related:
        query = model.filter(**{f"{key}__in": list(keys)}).order_by(*order_by)
        rows = await query.select_related(*related)
    else:
        rows = await _rows_where_in(model, key, keys, order_by)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return [grouped.get(k, []) for k in keys]
