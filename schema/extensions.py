"""The extensions every request runs through: cost limits (R-ERR-3), text checks, masking."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from schema.errors import should_mask_error

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 3000
MAX_BATCH = 10


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


def limits() -> list[Callable[[], SchemaExtension]]:
    """Bounded query cost (R-ERR-3); unexpected errors masked (R-ERR-1). Fresh per request."""
    return [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        RejectNulText,
        lambda: MaskErrors(should_mask_error=should_mask_error),
    ]
