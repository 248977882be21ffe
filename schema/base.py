"""Shared GraphQL pieces: errors as data, the Node interface, Money, paging, limits."""

from __future__ import annotations

import base64
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

import strawberry
from graphql import GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from portal import ids
from portal.tokens import sign
from resolvers import errors
from resolvers.errors import DomainError, NotFound, invalid
from resolvers.money import format_amount

log = logging.getLogger("portal.graphql")

ErrorCode = strawberry.enum(errors.ErrorCode, name="ErrorCode")

MAX_PAGE_SIZE = 100

# The id of the request being executed: set by `Context`, written in every masked error's log line.
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")


@strawberry.type(description="Expected failure of a mutation (R-ERR-1).")
class UserError:
    field: list[str] | None
    code: ErrorCode  # type: ignore[valid-type]
    message: str

    @classmethod
    def from_error(cls, error: DomainError) -> UserError:
        return cls(field=error.field, code=error.code, message=error.message)


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Money:
    amount: str
    currency: str
    minor_units: int

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=format_amount(minor, currency), currency=currency, minor_units=minor)


def global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(ids.encode(type_name, pk))


def pk_of(value: str, type_name: str, *field: str) -> int:
    """The database id behind a global id of `type_name`; anything else is NOT_FOUND."""
    try:
        return ids.decode_as(value, type_name)
    except ids.InvalidId as exc:
        raise NotFound(type_name, list(field) or None) from exc


P = ParamSpec("P")
R = TypeVar("R")


def payload(
    payload_type: type[R],
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Turn a DomainError raised by a mutation into `payload_type(user_errors=[...])`."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await fn(*args, **kwargs)
            except DomainError as error:
                return payload_type(user_errors=[UserError.from_error(error)])  # type: ignore[call-arg]

        run.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
        return run

    return decorate


def page_size(first: int | None, *field: str) -> int:
    size = 20 if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise invalid(f"`first` must be between 0 and {MAX_PAGE_SIZE}.", *(field or ("first",)))
    return size


def _secret() -> str:
    from portal.secrets import secret_key

    return secret_key()


def encode_cursor(value: str) -> str:
    raw = f"{value}|{sign(_secret(), value)}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *field: str) -> str:
    """A cursor this server signed, or INVALID: clients cannot forge positions."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, signature = raw.rsplit("|", 1)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("This cursor is not valid.", *(field or ("after",))) from exc
    if sign(_secret(), value) != signature:
        raise invalid("This cursor is not valid.", *(field or ("after",)))
    return value


def should_mask_error(error: GraphQLError) -> bool:
    """Show domain errors and validation messages. Mask everything unexpected (R-ERR-1)."""
    original = error.original_error
    while isinstance(original, GraphQLError):  # raised on purpose (`query_error`)
        original = original.original_error
    if original is None or isinstance(original, DomainError):
        return False
    log.error(
        "Unexpected error in request %s at %s: %s",
        current_request_id.get(),
        error.path,
        original,
        exc_info=original,
    )
    return True


class _NulFinder(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value:
            self.found = True


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class RejectNulText(SchemaExtension):
    """Text with NUL characters is refused before execution: PostgreSQL cannot store it, and
    no field needs it (R-ERR-1: a clear error, never a server error)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        finder = _NulFinder()
        if context.graphql_document is not None:
            visit(context.graphql_document, finder)
        if finder.found or _has_nul(context.variables):
            raise GraphQLError(
                "Text must not contain NUL characters (\\u0000).",
                extensions={"code": "INVALID"},
            )
        yield


def query_error(error: DomainError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": str(error.code)}, original_error=error)


async def raise_as_graphql(fn: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await fn()
    except DomainError as error:
        raise query_error(error) from error
