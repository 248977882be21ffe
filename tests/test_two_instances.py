"""Two server processes on one PostgreSQL database and one Redis (R-NOT-3, R-AUTH-5, R-NOT-5):
a stream on one instance receives events caused through the other, ends within a second of a
sign-out on the other, and recovers after a Redis restart with the missed events replayed.

Real processes (`python -m uvicorn server:app`) and a real websocket client speaking
graphql-transport-ws.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from tortoise import Tortoise
from websockets.asyncio.client import ClientConnection, connect

from core import ids
from core.db import tortoise_config
from models.notifications import Notification
from models.users import User
from resolvers.auth import start_session
from tests.conftest import POSTGRES_URL, REDIS_URL, current_services

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
OPERATOR_TOKEN = "operator-test-token"
STREAM = "subscription { notifications { id event title } }"
CREATE_ACCOUNT = """
mutation {
  createBillingAccount(input: {
    companyName: "Acme", country: "DE",
    owner: {email: "olga@acme.example", firstName: "Olga", lastName: "Owner"}
  }) { billingAccount { id } userErrors { code message } }
}
"""
ISSUE_INVOICE = """
mutation Issue($account: ID!, $what: String!) {
  issueInvoice(input: {billingAccountId: $account,
                       lines: [{description: $what, quantity: 1, unitPriceMinor: 1000}]}) {
    invoice { id number } userErrors { code message }
  }
}
"""
SIGN_OUT = "mutation { signOut { userErrors { code } } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


@pytest_asyncio.fixture
async def database() -> AsyncIterator[str]:
    """A fresh, empty database: both servers migrate it on start, at the same moment, as
    replicas of one deployment do (they take turns under the migration lock)."""
    assert POSTGRES_URL
    name = f"portal_two_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


class Server:
    """`python -m uvicorn server:app` on a free port."""

    def __init__(self, database_url: str, broadcast_url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update(
            PORTAL_DATABASE_URL=database_url,
            PORTAL_BROADCAST_URL=broadcast_url,
            PORTAL_OPERATOR_TOKEN=OPERATOR_TOKEN,
            PORTAL_SECRET_KEY="two-instances-secret",
            PORTAL_RUN_WORKER="false",
            PORTAL_APP_URL="http://app.test",
            PORTAL_SELLER_NAME="Example Software GmbH",
            PORTAL_SELLER_ADDRESS="Musterstraße 1, 10115 Berlin",
            PORTAL_SELLER_COUNTRY="DE",
            PORTAL_SELLER_TAX_ID="DE129273398",
        )
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "server:app", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    async def ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, self.log.read_text()
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise AssertionError(f"server did not get ready: {self.log.read_text()}")

    async def operator(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{self.url}/operator/graphql",
                json={"query": query, "variables": variables or {}},
                headers={"authorization": f"Bearer {OPERATOR_TOKEN}"},
            )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def customer(self, query: str, token: str) -> Any:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{self.url}/graphql",
                json={"query": query},
                headers={"authorization": f"Bearer {token}"},
            )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@contextlib.asynccontextmanager
async def servers(database_url: str, broadcast_url: str, tmp: Path) -> AsyncIterator[list[Server]]:
    started = [Server(database_url, broadcast_url, tmp / f"server{n}.log") for n in range(2)]
    try:
        for server in started:
            await server.ready()
        await Tortoise.init(config=tortoise_config(database_url))  # the servers migrated it
        yield started
    finally:
        for server in started:
            server.stop()


class RedisServer:
    """Our own redis-server, so the test may stop and restart it."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock, contextlib.suppress(OSError):
                sock.connect(("127.0.0.1", self.port))
                return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    redis = RedisServer(tmp_path)
    redis.start()
    yield redis
    redis.stop()


async def signed_in_owner() -> str:
    user = await User.get(email="olga@acme.example")
    return (await start_session(current_services().clock, user)).token


async def open_stream(server: Server, token: str) -> ClientConnection:
    ws = await connect(
        f"ws://127.0.0.1:{server.port}/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    )
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": STREAM}}))
    await asyncio.sleep(1.0)  # the stream subscribes to the channel (no ack in the protocol)
    return ws


async def open_legacy_stream(server: Server, token: str) -> ClientConnection:
    """The same stream over the older graphql-ws protocol."""
    ws = await connect(
        f"ws://127.0.0.1:{server.port}/graphql",
        subprotocols=["graphql-ws"],  # type: ignore[list-item]
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    assert (await next_message(ws, 5))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "start", "payload": {"query": STREAM}}))
    await asyncio.sleep(1.0)
    return ws


async def next_message(ws: ClientConnection, timeout: float) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] not in {"ping", "pong", "ka"}:
            return dict(message)


async def issue(server: Server, account: str, what: str) -> None:
    result = await server.operator(ISSUE_INVOICE, {"account": account, "what": what})
    assert result["issueInvoice"]["userErrors"] == [], result


async def test_r_not_3_an_event_caused_on_one_instance_reaches_a_stream_on_the_other(
    database: str, tmp_path: Path
) -> None:
    """Given a stream on instance B, when an invoice is issued through instance A, then B's
    stream receives it; when the session signs out on A, B's stream ends within a second."""
    assert REDIS_URL
    async with servers(database, REDIS_URL, tmp_path) as (a, b):
        created = await a.operator(CREATE_ACCOUNT)
        account = created["createBillingAccount"]["billingAccount"]["id"]
        token = await signed_in_owner()
        ws = await open_stream(b, token)
        legacy = await open_legacy_stream(a, token)
        async with ws, legacy:
            started = time.monotonic()
            await issue(a, account, "Seats")
            message = await next_message(ws, 5)
            on_a = await next_message(legacy, 5)
            assert on_a["type"] == "data", on_a
            assert on_a["payload"]["data"]["notifications"]["event"] == "INVOICE_ISSUED"
            assert message["type"] == "next", message
            got = message["payload"]["data"]["notifications"]
            assert got["event"] == "INVOICE_ISSUED"
            assert time.monotonic() - started < 2.0
            assert ids.decode(got["id"])[0] == "Notification"

            await a.customer(SIGN_OUT, token)
            signed_out = time.monotonic()
            ended = await next_message(ws, 2)
            assert ended == {"id": "1", "type": "complete"}
            assert time.monotonic() - signed_out < 1.0
            assert await next_message(legacy, 1) == {"id": "1", "type": "complete"}


async def test_r_not_5_a_stream_recovers_after_a_redis_restart_and_replays_what_it_missed(
    database: str, own_redis: RedisServer, tmp_path: Path
) -> None:
    """Given a stream on B, when Redis goes down, an event is caused through A, and Redis comes
    back, then the stream receives the missed event once and later events live."""
    async with servers(database, own_redis.url, tmp_path) as (a, b):
        created = await a.operator(CREATE_ACCOUNT)
        account = created["createBillingAccount"]["billingAccount"]["id"]
        token = await signed_in_owner()
        ws = await open_stream(b, token)
        async with ws:
            await issue(a, account, "Before")
            assert (await next_message(ws, 5))["type"] == "next"

            own_redis.stop()
            await asyncio.sleep(0.5)
            await issue(a, account, "While Redis is down")
            own_redis.start()
            missed = await next_message(ws, 20)
            assert missed["type"] == "next", missed
            mine = await Notification.filter(user__email="olga@acme.example").order_by("id")
            missed_id = ids.decode(missed["payload"]["data"]["notifications"]["id"])[1]
            assert missed_id == mine[1].id  # the one caused while Redis was down

            await issue(a, account, "After")
            after = await next_message(ws, 5)
            assert after["type"] == "next"
            assert ids.decode(after["payload"]["data"]["notifications"]["id"])[1] > missed_id
            with pytest.raises(TimeoutError):
                await next_message(ws, 1.0)  # nothing twice
