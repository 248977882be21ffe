"""The portal's graphql-core executor: plain leaves completed without per-field machinery,
and subscription events executed once per event and shape, not once per socket (R-NOT-3).

Plain fields: a field with no resolver of its own (Strawberry's "basic" field: it reads an
attribute of its parent) and no arguments is completed in one step when its value needs no
resolver either: a scalar or enum (`coerce_output_value`), a list of such values, or an object
whose selected fields are all plain (`Money { amount currency }`), recursively. That skips the
resolve info, argument coercion, awaitable checks and per-field bookkeeping graphql-core spends
on every field. Anything unusual (a null for a non-null type, a value the scalar refuses, an
object type with `is_type_of`, a directive on a selected field, field middleware such as
tracing) gives up and takes graphql-core's own path, which reports it exactly as before.

One live event reaches every open stream of a process. When several streams get the same
payload (the same notification: one user's sessions) and run the same document with the same
variables, the selection is executed once and the result reused for TTL seconds (the fan-out
of one event; a later replay of the same notification runs again). A payload opts in by
offering `shared_key()`; a result with errors is never reused.

The `next` payload of a shared result is JSON-encoded once (`encode_message`), when the first
socket sends it. From then on the other streams of that event take a fast path, if their
transport offers one (`send_payloads_with`, set per operation by `routes.graphql`): the
subscription resolver asks its `SharedDelivery` to send the payload already encoded for the
same document, variables and shared key, and yields nothing for that event, so neither
graphql-core's per-event executor nor Strawberry's per-result extension hooks run again for
it. Only a payload some socket actually sent (data alone: no errors, no extensions) is reused;
anything else takes the normal path.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import operator
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from contextvars import ContextVar
from typing import Any

import orjson
from graphql import (
    ExecutionResult,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

CACHE_SIZE = 256
TTL = 2.0
ENCODED_SIZE = 64


_Entry = tuple[float, "asyncio.Future[ExecutionResult] | ExecutionResult"]
_results: OrderedDict[Hashable, _Entry] = OrderedDict()


_MISS: Any = object()
"""A plain completion gave up: graphql-core's own path completes the field instead."""


def _attribute_reader(field: GraphQLField) -> Callable[..., Any] | None:
    """How to read a field that only reads its parent's attribute (Strawberry's "basic"
    field): `getattr(parent, python_name)` when that is all Strawberry would do, else its
    resolver (called without resolve info, as Strawberry calls it)."""
    if field.args or field.resolve is None or not getattr(field.resolve, "_is_default", False):
        return None
    definition = field.extensions.get("strawberry-definition")
    if definition is not None and definition.default_resolver is getattr:
        return operator.attrgetter(definition.python_name)
    resolve = field.resolve
    return lambda source: resolve(source, None)


def _attribute_readers(parent_type: GraphQLObjectType) -> dict[str, Callable[..., Any] | None]:
    """The attribute readers of a type, by field name (worked out once per schema type)."""
    found: dict[str, Callable[..., Any] | None] | None = parent_type.__dict__.get(
        "_portal_attribute_readers"
    )
    if found is None:
        found = {name: _attribute_reader(field) for name, field in parent_type.fields.items()}
        parent_type.__dict__["_portal_attribute_readers"] = found
    return found


_Plan = list[tuple[str, Callable[..., Any], GraphQLOutputType, Any]]
"""How to complete an object plainly: (response name, attribute reader, type, its field nodes)
for every selected field."""


class PortalExecutor(StrawberryGraphQLCoreExecutionContext):
    def _has_middleware(self) -> bool:
        """Whether field middleware (a schema extension's `resolve`, e.g. tracing) wraps fields."""
        manager = self.middleware_manager
        return manager is not None and bool(manager.middlewares)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's `execute_fields`, completing plain fields first (they need no path,
        resolve info or awaitable bookkeeping)."""
        if self._has_middleware():
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        readers = _attribute_readers(parent_type)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                name = node.name.value
                read = readers.get(name)
                if read is not None and not node.arguments:
                    done = self._try_plain(
                        parent_type, name, field_details_list, read, source_value
                    )
                    if done is not _MISS:
                        results[response_name] = done
                        continue
                result = super().execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A resolver's value that needs no further resolvers (a list of `InvoiceLine`s, a
        `ProductSubscription { name }`) is completed plainly too."""
        if not self._has_middleware() and self._may_be_plain(return_type, field_details_list):
            try:
                done = self._plain(return_type, field_details_list, result)
            except Exception:
                done = _MISS
            if done is not _MISS:
                return done
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _try_plain(
        self,
        parent_type: GraphQLObjectType,
        name: str,
        field_details_list: Any,
        read: Callable[[Any], Any],
        source: Any,
    ) -> Any:
        try:
            return self._plain(parent_type.fields[name].type, field_details_list, read(source))
        except Exception:
            return _MISS  # graphql-core's path reports it

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        name = node.name.value
        read = _attribute_readers(parent_type).get(name)
        if read is not None and not node.arguments and not self._has_middleware():
            done = self._try_plain(parent_type, name, field_details_list, read, source)
            if done is not _MISS:
                return done
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _plain(self, type_: GraphQLOutputType, field_details_list: Any, value: Any) -> Any:
        """`value` completed as `type_` without resolvers of its own, or _MISS."""
        if isinstance(type_, GraphQLNonNull):
            if value is None:
                return _MISS
            type_ = type_.of_type
        elif value is None:
            return None
        if isinstance(value, Exception) or self.is_awaitable(value):
            return _MISS
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            coerced = type_.coerce_output_value(value)
            return _MISS if coerced is None or coerced is Undefined else coerced
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list | tuple):
                return _MISS
            items = []
            for item in value:
                done = self._plain(type_.of_type, field_details_list, item)
                if done is _MISS:
                    return _MISS
                items.append(done)
            return items
        if isinstance(type_, GraphQLObjectType) and type_.is_type_of is None:
            plan = self._plan(type_, field_details_list)
            if plan is None:
                return _MISS
            result = {}
            for response_name, read, field_type, sub_fields in plan:
                done = self._plain(field_type, sub_fields, read(value))
                if done is _MISS:
                    return _MISS
                result[response_name] = done
            return result
        return _MISS

    def _plan(self, type_: GraphQLObjectType, field_details_list: Any) -> _Plan | None:
        """The plain plan of an object's selection, if every selected field is an attribute
        read without arguments (memoized like graphql-core's `collect_subfields`)."""
        plans: dict[tuple[GraphQLObjectType, int], tuple[Any, _Plan | None]] = (
            self.__dict__.setdefault("_portal_plans", {})
        )
        key = (type_, id(field_details_list))
        cached = plans.get(key)
        if cached is not None:
            return cached[1]
        grouped, deferred, _ = self.collect_subfields(type_, field_details_list)
        plan: _Plan | None = [] if not deferred else None
        readers = _attribute_readers(type_)
        for response_name, sub_fields in grouped.items():
            if plan is None:
                break
            name = sub_fields[0].node.name.value
            read = readers.get(name)
            field_type = type_.fields[name].type if read is not None else None
            if (
                read is None
                or field_type is None
                or any(d.node.arguments or d.node.directives for d in sub_fields)
                or not self._may_be_plain(field_type, sub_fields)
            ):
                plan = None
            else:
                plan.append((response_name, read, field_type, sub_fields))
        plans[key] = (field_details_list, plan)
        return plan

    def _may_be_plain(self, type_: GraphQLOutputType, field_details_list: Any) -> bool:
        """Whether values of `type_` can be completed plainly at all (what the schema and the
        selection decide; the values themselves may still fail)."""
        named = get_named_type(type_)
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            return True
        if isinstance(named, GraphQLObjectType) and named.is_type_of is None:
            return self._plan(named, field_details_list) is not None
        return False

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
        # `shared_key()`: equal for payloads that any selection renders identically
        shared_key = getattr(self.root_value, "shared_key", None)
        if shared_key is None:
            return None
        given: Any = self.variable_values  # a plain dict here; graphql-core's own: `.coerced`
        coerced: Mapping[str, Any] = getattr(given, "coerced", given)
        operation = operation_key(self.operation, coerced)
        return None if operation is None else _key(shared_key(), operation)


def operation_key(
    operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> tuple[str, int, str] | None:
    """What a subscription runs per event, apart from the payload: document, operation and
    variables (None if the document's text is unknown)."""
    if operation.loc is None:
        return None
    encoded = json.dumps(variables, sort_keys=True, default=str)
    return (operation.loc.source.body, operation.loc.start, encoded)


def _key(shared_key: Hashable, operation: tuple[str, int, str]) -> Hashable:
    return (id(asyncio.get_running_loop()), shared_key, *operation)


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
            return next_message(message["id"], encoded)
    return _dumps(message)


def next_message(operation_id: str, encoded_payload: str) -> str:
    """A graphql-transport-ws `next` message around an encoded payload, as `_dumps` writes it."""
    return f'{{"id":{_dumps(operation_id)},"type":"next","payload":{encoded_payload}}}'


# ------------------------------------------------------------ the fast path for shared events

SendPayload = Callable[[str], Awaitable[None]]
_send_payload: ContextVar[SendPayload | None] = ContextVar("portal_send_payload", default=None)


def send_payloads_with(send: SendPayload) -> None:
    """For the current task, which runs ONE subscription operation: `send` writes an encoded
    `next` payload to that operation's client (a transport sets it; see `SharedDelivery`)."""
    _send_payload.set(send)


class SharedDelivery:
    """One subscription operation's fast path for events whose payload is already encoded."""

    def __init__(self, send: SendPayload, operation: tuple[str, int, str]) -> None:
        self.send = send
        self.operation = operation

    @classmethod
    def of(
        cls, operation: OperationDefinitionNode, variables: Mapping[str, Any]
    ) -> SharedDelivery | None:
        """The fast path of the subscription running in this task, if its transport has one."""
        send = _send_payload.get()
        key = operation_key(operation, variables) if send is not None else None
        return None if send is None or key is None else cls(send, key)

    async def sent(self, shared_key: Hashable) -> bool:
        """Send the payload this process already encoded for this document, these variables
        and `shared_key` (a payload's `shared_key()`); False if there is none to reuse.

        While another socket's execution of it is under way (a selection that reads the
        database), wait for it: that socket sends, and so encodes, as soon as it is done."""
        key = _key(shared_key, self.operation)
        entry = _live_entry(key)
        if entry is not None and not isinstance(entry, ExecutionResult):
            with contextlib.suppress(Exception):  # it failed: the normal path says how
                await asyncio.shield(entry)
        encoded = _encoded_payload(key)
        if encoded is None:
            return False
        await self.send(encoded)
        return True


def _live_entry(key: Hashable) -> asyncio.Future[ExecutionResult] | ExecutionResult | None:
    entry = _results.get(key)
    if entry is None or entry[0] <= asyncio.get_running_loop().time():
        return None
    return entry[1]


def _encoded_payload(key: Hashable) -> str | None:
    result = _live_entry(key)
    if not isinstance(result, ExecutionResult) or result.data is None:
        return None
    kept = _shared.get(id(result.data))
    return kept[1] if kept is not None and kept[0] is result.data else None


def _dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
