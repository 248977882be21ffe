"""Errors as data (R-ERR-1): `userErrors` in payloads, domain errors in queries, masking."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar, cast

import strawberry
from graphql import GraphQLError
from strawberry.permission import BasePermission

from core.request_context import current_request_id
from resolvers import errors
from resolvers.errors import DomainError

log = logging.getLogger("portal.graphql")

ErrorCode = strawberry.enum(errors.ErrorCode, name="ErrorCode")


@strawberry.type(description="Expected failure of a mutation (R-ERR-1).")
class UserError:
    field: list[str] | None
    code: ErrorCode  # type: ignore[valid-type]
    message: str

    @classmethod
    def from_error(cls, error: DomainError) -> UserError:
        return cls(field=error.field, code=error.code, message=error.message)


P = ParamSpec("P")
R = TypeVar("R")


def payload(
    payload_type: type[R], *, requires: type[BasePermission] | None = None
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Turn a DomainError raised by a mutation into `payload_type(user_errors=[...])`.

    `requires` is the permission the mutation declares (`schema/permissions.py`): checked
    first, its refusal is a userError too.
    """

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(fn)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                if requires is not None:
                    requires().has_permission(None, cast(Any, kwargs["info"]))
                return await fn(*args, **kwargs)
            except DomainError as error:
                return payload_type(user_errors=[UserError.from_error(error)])  # type: ignore[call-arg]

        run.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
        return run

    return decorate


def unexpected(error: GraphQLError) -> BaseException | None:
    """The exception behind `error` unless it was raised on purpose (DomainError, GraphQLError)."""
    original = error.original_error
    while isinstance(original, GraphQLError):  # raised on purpose (`query_error`)
        original = original.original_error
    if original is None or isinstance(original, DomainError):
        return None
    return original


def should_mask_error(error: GraphQLError) -> bool:
    """Show domain errors and validation messages. Mask everything unexpected (R-ERR-1)."""
    return unexpected(error) is not None


def log_errors(errors: list[GraphQLError]) -> None:
    """Each error once: the client's mistakes at INFO, unexpected ones at ERROR with their
    traceback (the response shows them masked, with the request id)."""
    for error in errors:
        original = unexpected(error)
        if original is None:
            log.info("GraphQL error at %s: %s", error.path or "-", error.message)
        else:
            log.error(
                "Unexpected error in request %s at %s: %s",
                current_request_id.get(),
                error.path,
                original,
                exc_info=original,
            )


def query_error(error: DomainError) -> GraphQLError:
    return GraphQLError(error.message, extensions={"code": str(error.code)}, original_error=error)


async def raise_as_graphql(fn: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await fn()
    except DomainError as error:
        raise query_error(error) from error
