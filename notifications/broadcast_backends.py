"""Broadcast backends for `notifications.broadcast.Hub`, fixing broadcaster 0.3.1's own.

They keep broadcaster's `BroadcastBackend` contract (connect, disconnect, subscribe,
unsubscribe, publish, next_published) and tighten it:

- `subscribe()` returns only once the server has confirmed the subscription;
- `next_published()` raises `BackendDisconnected` when the connection is lost, instead
  of waiting forever behind a dead listener task;
- `connect()` may be called again after `disconnect()`, which is how the hub reconnects;
- `ping()` tells whether the server answers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar
from urllib.parse import urlparse

import asyncpg
from broadcaster import BroadcastBackend
from broadcaster import Event as RawEvent
from broadcaster._backends.memory import MemoryBackend as _UpstreamMemoryBackend
from redis import asyncio as aredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff

DEFAULT_TIMEOUT = 5.0
PING_TIMEOUT = 1.0

_T = TypeVar("_T")


class BackendDisconnected(ConnectionError):
    """The backend connection was lost: reconnect, then subscribe again."""


class Backend(Protocol):
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def subscribe(self, channel: str) -> None: ...
    async def unsubscribe(self, channel: str) -> None: ...
    async def publish(self, channel: str, message: str) -> None: ...
    async def next_published(self) -> RawEvent: ...
    async def ping(self) -> bool: ...


def backend_for_url(url: str) -> Backend:
    scheme = urlparse(url).scheme
    if scheme == "memory":
        return MemoryBackend(url)
    if scheme in ("redis", "rediss"):
        return RedisBackend(url)
    if scheme in ("postgres", "postgresql"):
        return PostgresBackend(url)
    raise ValueError(f"unsupported broadcast URL scheme: {scheme!r}")


_Inbox = asyncio.Queue[RawEvent | BackendDisconnected]


async def _next(inbox: _Inbox) -> RawEvent:
    item = await inbox.get()
    if isinstance(item, BackendDisconnected):
        raise item
    return item


class MemoryBackend(_UpstreamMemoryBackend):
    """broadcaster's in-process backend (it has no connection to lose)."""

    async def ping(self) -> bool:
        return True


class RedisBackend(BroadcastBackend):
    """Redis pub/sub on one dedicated connection, plus a client for PUBLISH and PING.

    Replaces broadcaster's RedisBackend. Its `subscribe()` sets `_ready` and then sends
    SUBSCRIBE; redis-py 8 records the channel in `pubsub.channels` only after sending,
    and with its default `socket_timeout` (5 s) the send runs under `asyncio.wait_for`,
    which yields to the event loop. The listener task wakes in that window, finds
    `pubsub.subscribed` false, so `listen()` ends at once and `_ready` is cleared again:
    nothing reads the connection and the first subscriber never receives (until some
    other subscribe() sets `_ready`). Its subscribe() also returns before the server
    confirms, and a connection error kills the listener task without telling anyone.

    Here one reader task reads the connection from `connect()` on, subscribed or not;
    `subscribe()` waits for the server's confirmation, read by that task; a lost
    connection is raised from `next_published()`.
    """

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._url = url
        self._timeout = timeout
        self._client: aredis.Redis | None = None
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._inbox: _Inbox = asyncio.Queue()
        self._confirmations: dict[str, deque[asyncio.Future[None]]] = {}

    async def connect(self) -> None:
        client = self._redis(Retry(ExponentialBackoff(cap=0.2, base=0.05), 2))
        # No redis-py retries on the pub/sub connection: they would reconnect and
        # resubscribe silently, hiding the gap from the hub, which must send a resync.
        pubsub = self._redis(Retry(NoBackoff(), 0)).pubsub()
        try:
            async with asyncio.timeout(self._timeout):
                await pubsub.connect()  # type: ignore[no-untyped-call]
                await client.ping()
        except BaseException:
            await _close_redis(client, pubsub)
            raise
        self._client, self._pubsub, self._inbox = client, pubsub, asyncio.Queue()
        self._reader = asyncio.create_task(self._read(pubsub, self._inbox))

    def _redis(self, retry: Retry) -> aredis.Redis:
        return aredis.Redis.from_url(
            self._url, retry=retry, socket_connect_timeout=self._timeout, socket_keepalive=True
        )

    async def disconnect(self) -> None:
        reader, client, pubsub = self._reader, self._client, self._pubsub
        self._reader = self._client = self._pubsub = None
        if reader is not None:
            reader.cancel()
            await asyncio.wait([reader])
        self._fail_confirmations(BackendDisconnected("disconnected"))
        if client is not None and pubsub is not None:
            await _close_redis(client, pubsub)

    async def subscribe(self, channel: str) -> None:
        pubsub = self._connected(self._pubsub)
        confirmed = asyncio.get_running_loop().create_future()
        waiters = self._confirmations.setdefault(channel, deque())
        waiters.append(confirmed)
        try:
            async with asyncio.timeout(self._timeout):
                await pubsub.subscribe(channel)
                await confirmed
        finally:
            waiters.remove(confirmed)
            if not waiters and self._confirmations.get(channel) is waiters:
                del self._confirmations[channel]

    async def unsubscribe(self, channel: str) -> None:
        await self._connected(self._pubsub).unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        await self._connected(self._client).publish(channel, message)

    async def next_published(self) -> RawEvent:
        return await _next(self._inbox)

    async def ping(self) -> bool:
        if self._client is None:
            return False
        try:
            async with asyncio.timeout(PING_TIMEOUT):
                return bool(await self._client.ping())
        except Exception:
            return False

    async def _read(self, pubsub: PubSub, inbox: _Inbox) -> None:
        try:
            while True:
                message = await pubsub.get_message(timeout=None)
                if message is not None:
                    self._dispatch(message, inbox)
        except Exception as exc:
            lost = BackendDisconnected(f"redis pub/sub connection lost: {exc!r}")
            self._fail_confirmations(lost)
            inbox.put_nowait(lost)

    def _dispatch(self, message: dict[str, Any], inbox: _Inbox) -> None:
        if message["type"] == "message":
            channel, data = _text(message["channel"]), _text(message["data"])
            inbox.put_nowait(RawEvent(channel=channel, message=data))
        elif message["type"] == "subscribe":
            waiters = self._confirmations.get(_text(message["channel"]), ())
            pending = next((waiter for waiter in waiters if not waiter.done()), None)
            if pending is not None:
                pending.set_result(None)

    def _fail_confirmations(self, exc: BaseException) -> None:
        for waiters in self._confirmations.values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)

    @staticmethod
    def _connected(resource: _T | None) -> _T:
        if resource is None:
            raise BackendDisconnected("redis backend is not connected")
        return resource


async def _close_redis(client: aredis.Redis, pubsub: PubSub) -> None:
    with contextlib.suppress(Exception):
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    with contextlib.suppress(Exception):
        await pubsub.connection_pool.disconnect()
    with contextlib.suppress(Exception):
        await client.aclose()


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


class PostgresBackend(BroadcastBackend):
    """LISTEN/NOTIFY: one connection for LISTEN, a small pool for NOTIFY and ping.

    broadcaster's PostgresBackend runs LISTEN and NOTIFY on one asyncpg connection
    (concurrent use raises "another operation is in progress") and never notices that the
    connection died. Here a termination listener reports the loss through
    `next_published()`.
    """

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._url = url
        self._timeout = timeout
        self._listen: Any = None  # asyncpg.Connection
        self._pool: Any = None  # asyncpg.Pool
        self._inbox: _Inbox = asyncio.Queue()
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        inbox: _Inbox = asyncio.Queue()
        listen = await asyncpg.connect(self._url, timeout=self._timeout)
        try:
            pool = await asyncpg.create_pool(
                self._url, min_size=1, max_size=4, timeout=self._timeout
            )
        except BaseException:
            listen.terminate()
            raise
        listen.add_termination_listener(self._on_terminated)
        self._listen, self._pool, self._inbox = listen, pool, inbox

    async def disconnect(self) -> None:
        listen, pool = self._listen, self._pool
        self._listen = self._pool = None
        if listen is not None:
            listen.remove_termination_listener(self._on_terminated)
            await _close_quietly(listen.close(timeout=self._timeout), listen.terminate)
        if pool is not None:
            await _close_quietly(asyncio.wait_for(pool.close(), self._timeout), pool.terminate)

    async def subscribe(self, channel: str) -> None:
        async with self._lock:
            await self._require_listen().add_listener(channel, self._on_notify)

    async def unsubscribe(self, channel: str) -> None:
        async with self._lock:
            await self._require_listen().remove_listener(channel, self._on_notify)

    async def publish(self, channel: str, message: Any) -> None:
        await self._require_pool().execute("SELECT pg_notify($1, $2)", channel, message)

    async def next_published(self) -> RawEvent:
        return await _next(self._inbox)

    async def ping(self) -> bool:
        if self._pool is None:
            return False
        try:
            async with asyncio.timeout(PING_TIMEOUT):
                return bool(await self._pool.fetchval("SELECT 1") == 1)
        except Exception:
            return False

    def _on_notify(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        if connection is self._listen:
            self._inbox.put_nowait(RawEvent(channel=channel, message=payload))

    def _on_terminated(self, connection: Any) -> None:
        if connection is self._listen:
            self._inbox.put_nowait(BackendDisconnected("postgres LISTEN connection lost"))

    def _require_listen(self) -> Any:
        if self._listen is None or self._listen.is_closed():
            raise BackendDisconnected("postgres backend is not connected")
        return self._listen

    def _require_pool(self) -> Any:
        if self._pool is None:
            raise BackendDisconnected("postgres backend is not connected")
        return self._pool


async def _close_quietly(closing: Awaitable[None], terminate: Callable[[], None]) -> None:
    try:
        await closing
    except Exception:
        terminate()
