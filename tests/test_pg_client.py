"""`core.pg`: one pooled connection per request, no reset round trip per release (issue 11).
PostgreSQL only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from tortoise import connections

from core.pg import Connection, PortalAsyncpgClient, request_connection

pytestmark = pytest.mark.postgres

PID = "SELECT pg_backend_pid() AS pid"


@pytest_asyncio.fixture
async def client(pg_db: None) -> AsyncIterator[PortalAsyncpgClient]:
    """The service's PostgreSQL client on the test database, pool of 4."""
    test_db = connections.get("pg")
    portal = PortalAsyncpgClient(
        connection_name="portal_pg",
        user=test_db.user,
        password=test_db.password,
        database=test_db.database,
        host=test_db.host,
        port=test_db.port,
        minsize=1,
        maxsize=4,
    )
    await portal.create_connection(with_db=True)
    yield portal
    await portal.close()


async def pid(client: PortalAsyncpgClient) -> int:
    rows = await client.execute_query_dict(PID)
    return int(rows[0]["pid"])


async def test_one_request_runs_every_statement_and_transaction_on_one_connection(
    client: PortalAsyncpgClient,
) -> None:
    """Given a request, when its resolvers run statements concurrently and open a transaction,
    then all of them run on one backend connection, and nothing is left checked out after."""
    async with request_connection():
        concurrent = await asyncio.gather(*(pid(client) for _ in range(8)))
        async with client._in_transaction() as transaction:
            rows = await transaction.execute_query_dict(PID)
        assert len(set(concurrent)) == 1
        assert rows[0]["pid"] == concurrent[0]
    pool = client._pool
    assert pool is not None and pool.get_idle_size() == pool.get_size()


async def test_requests_run_side_by_side_on_their_own_connections(
    client: PortalAsyncpgClient,
) -> None:
    """Given two concurrent requests, each holds its own connection (they don't queue)."""
    seen: list[int] = []
    both_inside = asyncio.Barrier(2)

    async def request() -> None:
        async with request_connection():
            seen.append(await pid(client))
            await both_inside.wait()
            seen.append(await pid(client))

    await asyncio.wait_for(asyncio.gather(request(), request()), 10)
    assert len(set(seen)) == 2


async def test_a_failed_transaction_rolls_back_and_the_connection_stays_usable(
    client: PortalAsyncpgClient,
) -> None:
    """Given a transaction on the request's connection that fails, its writes are undone and
    the request's later statements still run (the pool's reset sends no query)."""
    await client.execute_script("CREATE TABLE pg_client_probe (n int)")
    async with request_connection():
        with pytest.raises(RuntimeError):
            async with client._in_transaction() as transaction:
                await transaction.execute_query("INSERT INTO pg_client_probe VALUES (1)")
                raise RuntimeError("boom")
        rows = await client.execute_query_dict("SELECT count(*) AS n FROM pg_client_probe")
        assert rows[0]["n"] == 0
    assert client._pool is not None
    async with client._pool.acquire() as connection:
        assert isinstance(connection, Connection) and connection.get_reset_query() == ""
