"""The portal's graphql-core executor: plain leaves completed without per-field machinery,
and subscription events executed once per event and shape, not once per socket (R-NOT-3).

Plain leaves: a field with no resolver of its own (Strawberry's "basic" field: it reads an
attribute of its parent), no arguments and a scalar or enum type is completed in one step,
`coerce_output_value(getattr(parent, name))`, without the resolve info, argument coercion and
awaitable checks graphql-core spends on every field. Anything unusual (a null for a non-null
type, a value the scalar refuses, field middleware such as tracing) takes graphql-core's own
path, which reports it exactly as before.

One live event reaches every open stream of a process. When several streams get the same
payload (the same notification: one user's sessions) and run the same document with the same
variables, the selection is executed once and the result reused for TTL seconds (the fan-out
of one event; a later replay of the same notification runs again). A payload opts in by
offering `shared_key()`; a result with errors is never reused.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Protocol, runtime_checkable

import orjson
from graphql import (
    ExecutionResult,
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationType,
    get_nullable_type,
)
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

CACHE_SIZE = 256
TTL = 2.0
ENCODED_SIZE = 64


@runtime_checkable
class SharedPayload(Protocol):
    def shared_key(self) -> Hashable:
        """Equal for payloads that any selection renders identically."""
        ...


_Entry = tuple[float, "asyncio.Future[ExecutionResult] | ExecutionResult"]
_results: OrderedDict[Hashable, _Entry] = OrderedDict()


_Leaf = tuple[Callable[..., Any], GraphQLLeafType, bool]
"""A plain leaf: the field's attribute reader, its scalar or enum type, whether null is allowed."""


def _plain_leaf(field: GraphQLField) -> _Leaf | None:
    if field.args or not getattr(field.resolve, "_is_default", False):
        return None
    leaf_type = get_nullable_type(field.type)
    if not isinstance(leaf_type, GraphQLScalarType | GraphQLEnumType) or field.resolve is None:
        return None
    return field.resolve, leaf_type, not isinstance(field.type, GraphQLNonNull)


def _plain_leaves(parent_type: GraphQLObjectType) -> dict[str, _Leaf | None]:
    """The plain leaves of a type, by field name (worked out once per schema type)."""
    found: dict[str, _Leaf | None] | None = parent_type.__dict__.get("_portal_plain_leaves")
    if found is None:
        found = {name: _plain_leaf(field) for name, field in parent_type.fields.items()}
        parent_type.__dict__["_portal_plain_leaves"] = found
    return found


class PortalExecutor(StrawberryGraphQLCoreExecutionContext):
    def _has_middleware(self) -> bool:
        """Whether field middleware (a schema extension's `resolve`, e.g. tracing) wraps fields."""
        manager = self.middleware_manager
        return manager is not None and bool(manager.middlewares)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        leaf = _plain_leaves(parent_type).get(node.name.value)
        if leaf is not None and not node.arguments and not self._has_middleware():
            resolve, leaf_type, nullable = leaf
            try:
                value = resolve(source, None)
                if value is None:
                    if nullable:
                        return None
                elif not isinstance(value, Exception) and not self.is_awaitable(value):
                    coerced = leaf_type.coerce_output_value(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:  # noqa: S110 - graphql-core's path below reports it
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def execute_operation(self, serially: bool | None = None) -> Any:
        key = self._shared_key()
        if key is None:
            return super().execute_operation(serially)
        entry = _results.get(key)
        if entry is not None and entry[0] > asyncio.get_running_loop().time():
            found = entry[1]
            return found if isinstance(found, ExecutionResult) else _wait(found)
        result = super().execute_operation(serially)
        if isinstance(result, ExecutionResult):
            _remember(key, result)
            return result
        return self._compute(key, result)

    async def _compute(self, key: Hashable, pending: Any) -> ExecutionResult:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ExecutionResult] = loop.create_future()
        _results[key] = (loop.time() + TTL, future)
        try:
            result: ExecutionResult = await pending
        except BaseException as error:
            _results.pop(key, None)
            future.set_exception(error)
            future.exception()  # retrieved: later waiters re-raise it
            raise
        _remember(key, result)
        future.set_result(result)
        return result

    def _shared_key(self) -> Hashable | None:
        if self.operation.operation is not OperationType.SUBSCRIPTION:
            return None
        payload = self.root_value
        if not isinstance(payload, SharedPayload) or self.operation.loc is None:
            return None
        coerced = getattr(self.variable_values, "coerced", self.variable_values)
        variables = json.dumps(coerced, sort_keys=True, default=str)
        document = self.operation.loc.source.body
        loop = id(asyncio.get_running_loop())
        return (loop, payload.shared_key(), document, self.operation.loc.start, variables)


async def _wait(future: asyncio.Future[ExecutionResult]) -> ExecutionResult:
    return await asyncio.shield(future)


def _remember(key: Hashable, result: ExecutionResult) -> None:
    if result.errors:
        _results.pop(key, None)
        return
    if result.data is not None:
        _shared[id(result.data)] = (result.data, None)
        while len(_shared) > ENCODED_SIZE:
            _shared.popitem(last=False)
    _results[key] = (asyncio.get_running_loop().time() + TTL, result)
    _results.move_to_end(key)
    while len(_results) > CACHE_SIZE:
        _results.popitem(last=False)


# The data of shared results (by id, held so the id stays theirs) and their JSON once encoded.
_shared: OrderedDict[int, tuple[object, str | None]] = OrderedDict()


def encode_message(message: Mapping[str, Any]) -> str:
    """A websocket message as compact JSON; the `next` payload of a shared result is encoded
    once per event, not once per socket."""
    payload = message.get("payload")
    if message.get("type") == "next" and isinstance(payload, dict) and payload.keys() == {"data"}:
        data = payload["data"]
        entry = _shared.get(id(data))
        if entry is not None and entry[0] is data:
            encoded = entry[1]
            if encoded is None:
                encoded = _dumps(payload)
                _shared[id(data)] = (data, encoded)
            return f'{{"id":{_dumps(message["id"])},"type":"next","payload":{encoded}}}'
    return _dumps(message)


def _dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
