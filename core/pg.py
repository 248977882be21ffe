"""PostgreSQL client: one pooled connection per request, no reset round trip per statement.

Tortoise 1.x's asyncpg client checks a connection out of the pool for every statement, and
asyncpg resets it on every release (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
RESET ALL;`): two round trips per statement. This client (the `engine` of `core.db`'s
PostgreSQL configuration) changes two things:

- Inside `request_connection()` (one HTTP request) the first statement checks a connection
  out and every later statement of the request, and its transactions, reuse it; statements of
  concurrent resolvers of that request take turns on it (a lock). It goes back at the end.
- Requests wait for their connection in arrival order (`_FairGate`): the pool lets a newcomer
  take a just-released connection before a woken waiter, which starved some requests for
  seconds once connections are held for a whole request.
- The pool's reset runs no query: nothing in this service leaves session state on a pooled
  connection (no LISTEN, no session `SET`, only transaction-scoped advisory locks; the
  migration lock uses its own connection). An open transaction is still rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import TransactionContext, TransactionContextPooled
from tortoise.connection import get_connections


class Connection(asyncpg.Connection):  # type: ignore[misc]
    def get_reset_query(self) -> str:
        return ""


class _FairGate:
    """First come, first served: a freed place goes straight to the longest waiter."""

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> None:
        if self.free > 0 and not self.waiters:
            self.free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave()  # handed a place just as it was cancelled: pass it on
            else:
                self.waiters.remove(waiter)
            raise

    def leave(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.free += 1


_gates: dict[tuple[int, asyncio.AbstractEventLoop], _FairGate] = {}


def _gate(client: AsyncpgDBClient) -> _FairGate:
    loop = asyncio.get_running_loop()
    gate = _gates.get((id(client), loop))
    if gate is None:
        for stale in [k for k in _gates if k[1].is_closed()]:
            del _gates[stale]
        # one connection stays for work outside requests (relay, watch, outbox worker)
        gate = _gates[(id(client), loop)] = _FairGate(max(1, client.pool_maxsize - 1))
    return gate


class _Held:
    """The connection of one request, checked out at its first statement."""

    def __init__(self) -> None:
        self.client: AsyncpgDBClient | None = None
        self.connection: Any = None
        self.lock = asyncio.Lock()
        self.transaction_task: asyncio.Task[Any] | None = None

    async def take(self, client: AsyncpgDBClient) -> Any:
        """Wait for the connection (held by another statement of the request) and lock it."""
        await self.lock.acquire()
        try:
            if self.connection is None:
                await _ensure_pool(client)
                gate = _gate(client)
                await gate.enter()
                try:
                    self.connection = await client._pool.acquire()  # type: ignore[union-attr]
                except BaseException:
                    gate.leave()
                    raise
                self.client = client
        except BaseException:
            self.lock.release()
            raise
        return self.connection

    def serves(self, client: AsyncpgDBClient) -> bool:
        """Whether statements of `client` in this task may use the held connection."""
        if self.client is not None and self.client is not client:
            return False
        # inside a transaction on the held connection, a statement that bypasses it would
        # wait for the lock forever: give such a statement its own connection
        return self.transaction_task is None or self.transaction_task is not _current_task()


_held: ContextVar[_Held | None] = ContextVar("portal_request_connection", default=None)


def _current_task() -> asyncio.Task[Any] | None:
    return asyncio.current_task()


async def _ensure_pool(client: AsyncpgDBClient) -> None:
    if not client._pool:
        async with client._pool_init_lock:
            if not client._pool:
                await client.create_connection(with_db=True)


@contextlib.asynccontextmanager
async def request_connection() -> AsyncIterator[None]:
    """Statements run inside share one pooled connection, returned at the end."""
    held = _Held()
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        if held.connection is not None and held.client is not None and held.client._pool:
            async with held.lock:
                try:
                    await held.client._pool.release(held.connection)
                finally:
                    held.connection = None
                    _gate(held.client).leave()


class _HeldConnection:
    def __init__(self, held: _Held, client: AsyncpgDBClient) -> None:
        self.held = held
        self.client = client

    async def __aenter__(self) -> Any:
        return await self.held.take(self.client)

    async def __aexit__(self, *exc: object) -> None:
        self.held.lock.release()


class _HeldTransaction(TransactionContextPooled):
    """A transaction on the request's connection (it is not released at its end)."""

    def __init__(self, client: TransactionWrapper, held: _Held, parent: AsyncpgDBClient) -> None:
        super().__init__(client, parent._pool_init_lock)
        self.held = held
        self.parent = parent

    async def __aenter__(self) -> Any:
        self.client._connection = await self.held.take(self.parent)
        self.held.transaction_task = _current_task()
        self.token = get_connections().set(self.connection_name, self.client)
        try:
            await self.client.begin()
        except BaseException:
            get_connections().reset(self.token)
            self._done()
            raise
        return self.client

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            if not self.client._finalized:
                if exc_type:
                    await self.client.rollback()
                else:
                    await self.client.commit()
        finally:
            get_connections().reset(self.token)
            self._done()

    def _done(self) -> None:
        self.held.transaction_task = None
        self.held.lock.release()


class PortalAsyncpgClient(AsyncpgDBClient):
    connection_class = Connection

    def acquire_connection(self) -> Any:
        held = _held.get()
        if held is not None and held.serves(self):
            return _HeldConnection(held, self)
        return super().acquire_connection()

    def _in_transaction(self) -> TransactionContext:
        held = _held.get()
        if held is not None and held.serves(self):
            return _HeldTransaction(TransactionWrapper(self), held, self)
        return super()._in_transaction()


client_class = PortalAsyncpgClient
