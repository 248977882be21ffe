"""Global ids, the Node interface and paged connections with signed cursors."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from core import ids
from core.secrets import secret_key
from core.tokens import sign
from resolvers.errors import NotFound, invalid

T = TypeVar("T")
E = TypeVar("E")

MAX_PAGE_SIZE = 100


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(ids.encode(type_name, pk))


def pk_of(value: str, type_name: str, *field: str) -> int:
    """The database id behind a global id of `type_name`; anything else is NOT_FOUND."""
    try:
        return ids.decode_as(value, type_name)
    except ids.InvalidId as exc:
        raise NotFound(type_name, list(field) or None) from exc


def page_size(first: int | None, *field: str) -> int:
    size = 20 if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise invalid(f"`first` must be between 0 and {MAX_PAGE_SIZE}.", *(field or ("first",)))
    return size


def after_id(after: str | None, *field: str) -> int | None:
    """The id a signed cursor names: newest-first pages continue below it."""
    if not after:
        return None
    value = decode_cursor(after, *field)
    return int(value) if value.isdigit() else 0


def edges(
    items: Sequence[T], has_next_page: bool, edge: Callable[[str, T], E], key: Callable[[T], int]
) -> tuple[list[E], PageInfo]:
    """The one connection builder: an edge per item with a signed cursor, and the page info."""
    built = [edge(encode_cursor(str(key(item))), item) for item in items]
    end = encode_cursor(str(key(items[-1]))) if items else None
    return built, PageInfo(has_next_page=has_next_page, end_cursor=end)


def encode_cursor(value: str) -> str:
    raw = f"{value}|{sign(secret_key(), value)}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *field: str) -> str:
    """A cursor this server signed, or INVALID: clients cannot forge positions."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, signature = raw.rsplit("|", 1)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("This cursor is not valid.", *(field or ("after",))) from exc
    if sign(secret_key(), value) != signature:
        raise invalid("This cursor is not valid.", *(field or ("after",)))
    return value


def selected(info: strawberry.Info, *path: str) -> set[str]:
    """The names of the fields the query selects at `path` below the current field (through
    fragments too): what a connection should read along with its page."""
    level: list[Selection] = [c for f in _fields(info.selected_fields) for c in f.selections]
    for name in path:
        level = [
            child for field in _fields(level) if field.name == name for child in field.selections
        ]
    return {field.name for field in _fields(level)}


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)
