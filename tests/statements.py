"""Counting the SQL statements Tortoise sends, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class _Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


_EXECUTE = ("execute_query", "execute_query_dict", "execute_insert", "execute_many")


def _clients() -> list[type[Any]]:
    from tortoise.backends.asyncpg.client import AsyncpgDBClient
    from tortoise.backends.asyncpg.client import TransactionWrapper as PgTransaction
    from tortoise.backends.sqlite.client import SqliteClient
    from tortoise.backends.sqlite.client import SqliteTransactionWrapper as SqliteTransaction

    return [AsyncpgDBClient, PgTransaction, SqliteClient, SqliteTransaction]


@contextmanager
def counting_statements() -> Iterator[_Counter]:
    """Counts the SQL statements sent through Tortoise's clients (SQLite or PostgreSQL, pooled
    or in a transaction), by wrapping their execute methods; nested calls count once."""
    counter = _Counter()
    inside: ContextVar[bool] = ContextVar("counting", default=False)
    originals: list[tuple[type[Any], str, Any]] = []

    def wrap(method: Any) -> Any:
        async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            if inside.get():
                return await method(self, query, *args, **kwargs)
            counter.statements.append(query)
            token = inside.set(True)
            try:
                return await method(self, query, *args, **kwargs)
            finally:
                inside.reset(token)

        return counted

    for cls in _clients():
        for name in _EXECUTE:
            if name in vars(cls):
                originals.append((cls, name, vars(cls)[name]))
                setattr(cls, name, wrap(vars(cls)[name]))
    try:
        yield counter
    finally:
        for cls, name, original in reversed(originals):
            setattr(cls, name, original)
