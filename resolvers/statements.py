"""Hot reads whose SQL is built once per shape and reused with new parameters (issue 11).

Tortoise builds a query's SQL anew on every call (filters resolved, pypika rendering: about
0.1-0.3 ms of CPU each). A read that runs on every request gives its *shape* (what varies only
in parameter values) and its parameters in SQL order; the first call builds the query, checks
that its parameters are exactly the ones given (so the SQL holds no inlined value), and keeps
the SQL for that shape, database connection and dialect. Later calls only execute it. A query
whose parameters differ from the ones given is never kept: it runs as Tortoise built it, with
its own parameters (and SQL is kept only from a call whose parameters all differ, so that their
order is proven too). Either way the rows are read the same way, from the raw result: a query
here may filter, order, limit and join one related row, nothing Tortoise does after the SQL
(prefetching, several related rows).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import AwaitableQuery, CountQuery, QuerySet, ValuesListQuery

M = TypeVar("M", bound=Model)

_sql: dict[tuple[Hashable, str, type], str] = {}


def _key(shape: Hashable, db: BaseDBAsyncClient) -> tuple[Hashable, str, type]:
    return shape, db.connection_name, type(db)


async def _rows(
    db: BaseDBAsyncClient,
    shape: Hashable,
    params: Sequence[Any],
    build: Callable[[], AwaitableQuery[Any]],
) -> list[Any]:
    """The raw rows: of the kept SQL for this shape, or else of the query `build` makes, built
    once (its SQL kept when it may be) and run as Tortoise built it."""
    key = _key(shape, db)
    sql = _sql.get(key)
    if sql is None:
        query = build()
        query._make_query()
        sql, built_params = query.query.get_parameterized_sql()
        if list(built_params) == list(params) and _distinct(params):
            _sql[key] = sql
        params = built_params
    _, rows = await db.execute_query(sql, list(params))
    return list(rows)


def _distinct(params: Sequence[Any]) -> bool:
    """Equal values could hide a caller that gives its parameters in another order than the
    SQL binds them: such SQL is kept only from a call whose parameters all differ."""
    shown = [repr(p) for p in params]
    return len(set(shown)) == len(shown)


async def models(
    model: type[M],
    shape: Hashable,
    params: Sequence[Any],
    build: Callable[[], QuerySet[M]],
    related: str | None = None,
) -> list[M]:
    """The model rows of a query on `model`; with `related`, the query selects that one
    foreign key's row too (`select_related(related)`) and each instance carries it."""
    rows = await _rows(model._meta.db, (model, shape, related), params, build)
    if related is None:
        return [model._init_from_db(**row) for row in rows]
    other: type[Model] = model._meta.fields_map[related].related_model  # type: ignore[attr-defined]
    found = []
    for row in rows:
        own: dict[str, Any] = {}
        joined: dict[str, Any] = {}
        for name, value in dict(row).items():
            if "." in name:
                joined[name.split(".", 1)[1]] = value
            else:
                own[name] = value
        instance = model._init_from_db(**own)
        linked = (
            other._init_from_db(**joined) if any(v is not None for v in joined.values()) else None
        )
        object.__setattr__(instance, f"_{related}", linked)
        found.append(instance)
    return found


async def values(
    model: type[Model],
    shape: Hashable,
    params: Sequence[Any],
    build: Callable[[], ValuesListQuery[Any] | CountQuery],
) -> list[tuple[Any, ...]]:
    """The rows of a `values_list(...)` or `count()` query on `model`, as plain tuples of
    database values (the caller converts them)."""
    rows = await _rows(model._meta.db, (model, shape), params, build)
    return [tuple(dict(row).values()) for row in rows]
