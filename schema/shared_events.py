"""Subscription events executed once per event and shape, not once per socket (R-NOT-3).

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
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from contextvars import ContextVar
from typing import Any

import orjson
from graphql import ExecutionResult, OperationDefinitionNode, OperationType

CACHE_SIZE = 256
TTL = 2.0
ENCODED_SIZE = 64


_Entry = tuple[float, "asyncio.Future[ExecutionResult] | ExecutionResult"]
_results: OrderedDict[Hashable, _Entry] = OrderedDict()


def key_of(
    operation: OperationDefinitionNode, root_value: Any, variable_values: Any
) -> Hashable | None:
    """The key an event's result is shared under; None for anything but a subscription event
    whose payload offers `shared_key()` (equal for payloads any selection renders alike)."""
    if operation.operation is not OperationType.SUBSCRIPTION:
        return None
    shared_key = getattr(root_value, "shared_key", None)
    if shared_key is None:
        return None
    # a plain dict from Strawberry's executor; graphql-core's own has `.coerced`
    coerced: Mapping[str, Any] = getattr(variable_values, "coerced", variable_values)
    found = operation_key(operation, coerced)
    return None if found is None else _key(shared_key(), found)


def cached(key: Hashable) -> ExecutionResult | Awaitable[ExecutionResult] | None:
    """The result under `key`, or the execution of it under way, if not expired."""
    found = _live_entry(key)
    if found is None or isinstance(found, ExecutionResult):
        return found
    return _wait(found)


def keep(key: Hashable, result: Any) -> Any:
    """`result` (of executing the event under `key`: a result or an awaitable of one), kept
    for the other sockets of that event."""
    if isinstance(result, ExecutionResult):
        _remember(key, result)
        return result
    return _compute(key, result)


async def _compute(key: Hashable, pending: Any) -> ExecutionResult:
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
