"""What operators see of GraphQL requests: operation names for the access log, metrics, and
a clear refusal of subscriptions sent over plain HTTP.

Metrics are counted per root field (`me`, `updateProfile`, …: a bounded set, unlike the
operation names clients choose); the access log names the client's operation.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from core import metrics
from resolvers.errors import DomainError
from schema.errors import log_errors
from schema.gate import GatedSchema

OPERATION_KEY = "portal.operations"  # request scope: the GraphQL operation names it ran

SUBSCRIPTION_OVER_HTTP = (
    "Subscriptions are served over websockets only: open WS /graphql with the "
    "graphql-transport-ws (or graphql-ws) protocol, send the session token in connection_init "
    'as {"authorization": "Bearer <token>"}, then send this document in a subscribe message.'
)


# True while `Schema.execute` runs: one result is wanted, which a subscription cannot give.
_SINGLE_RESULT: ContextVar[bool] = ContextVar("single_result", default=False)


class Schema(GatedSchema):
    """The gated schema (`schema.gate`), logging each error once at a level that means something
    (`schema.errors.log_errors`), and knowing when an operation runs for one result."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        token = _SINGLE_RESULT.set(True)
        try:
            return await super().execute(*args, **kwargs)
        finally:
            _SINGLE_RESULT.reset(token)


class Observe(SchemaExtension):
    """Names the operation on the request (for `routes.access`) and counts its outcome."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        request = getattr(context.context, "request", None)
        if request is not None:
            names = request.scope.setdefault(OPERATION_KEY, [])
            names.append(context.operation_name or "anonymous")
        try:
            kind = context.operation_type.value
        except (RuntimeError, GraphQLError):
            kind = "unknown"  # not parsed, or no such operation in the document
        _count(kind, _root_fields(context), context.result, time.perf_counter() - started)

    def on_execute(self) -> Iterator[None]:
        """A subscription sent as a plain request (POST /graphql) is refused, clearly: run
        once, it used to fail deep in execution with a masked "Unexpected error"."""
        if (
            _SINGLE_RESULT.get()
            and self.execution_context.operation_type is OperationType.SUBSCRIPTION
        ):
            raise GraphQLError(SUBSCRIPTION_OVER_HTTP, extensions={"code": "BAD_REQUEST"})
        yield


def _root_fields(context: Any) -> list[tuple[str, str]]:
    """(field name, response key) of each root field of the executed operation."""
    document = context.graphql_document
    if document is None:
        return []
    wanted = context.operation_name
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if wanted is None or (definition.name and definition.name.value == wanted):
            return [
                (node.name.value, (node.alias or node.name).value)
                for node in definition.selection_set.selections
                if isinstance(node, FieldNode)
            ]
    return []


def _outcome(errors: list[GraphQLError] | None) -> str | None:
    if not errors:
        return None
    for error in errors:
        original = error.original_error
        while isinstance(original, GraphQLError):
            original = original.original_error
        if original is not None and not isinstance(original, DomainError):
            return "error"
    return "client_error"


def _count(kind: str, fields: list[tuple[str, str]], result: Any, seconds: float) -> None:
    errors = getattr(result, "errors", None)
    data = getattr(result, "data", None) or {}
    failed = _outcome(errors)
    for name, key in fields or [("-", "-")]:
        payload = data.get(key) if isinstance(data, dict) else None
        codes = _user_error_codes(payload)
        for code in codes:
            metrics.USER_ERRORS.labels(code).inc()
        outcome = failed or ("user_error" if codes else "ok")
        metrics.GRAPHQL_OPERATIONS.labels(kind, name, outcome).inc()
        metrics.GRAPHQL_DURATION.labels(kind, name).observe(seconds)


def _user_error_codes(payload: object) -> list[str]:
    if not isinstance(payload, dict):
        return []
    found = payload.get("userErrors")
    if not isinstance(found, list):
        return []
    return [str(e.get("code")) for e in found if isinstance(e, dict) and e.get("code")]
