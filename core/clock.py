"""The one source of "now", so tests move time instead of sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

_offset = timedelta()
_frozen: datetime | None = None


def now() -> datetime:
    return (_frozen or datetime.now(UTC)) + _offset


def today() -> date:
    return now().date()


def advance(delta: timedelta) -> None:
    global _offset
    _offset += delta


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


def reset() -> None:
    global _offset, _frozen
    _offset, _frozen = timedelta(), None
