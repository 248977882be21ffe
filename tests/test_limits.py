"""R-ERR-3 on the wire: request bodies and websocket messages have a size limit, JSON a
nesting limit, and malformed input of any kind is a 4xx with a GraphQL-shaped error, never a
500. A session holds a bounded number of websockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import LiveServer, serve_app
from tests.test_e2e_managers import owner_session

TYPENAME = {"query": "{ __typename }"}


def graphql_error(response: httpx.Response, status: int) -> str:
    """The message of a GraphQL-shaped JSON error with `status`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}
    message = body["errors"][0]["message"]
    assert isinstance(message, str)
    return message


@pytest.fixture
async def small_limits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[LiveServer]:
    monkeypatch.setenv("PORTAL_MAX_BODY_BYTES", "20000")
    monkeypatch.setenv("PORTAL_MAX_WS_MESSAGE_BYTES", "2000")
    monkeypatch.setenv("PORTAL_MAX_WS_CONNECTIONS_PER_SESSION", "2")
    async with serve_app(monkeypatch, tmp_path) as live:
        yield live


async def test_r_err_3_a_body_over_the_limit_is_413_by_length_or_by_stream(
    small_limits: LiveServer,
) -> None:
    """R-ERR-3: a declared Content-Length over the limit is refused at once; a chunked body
    without one is refused as soon as it passes the limit; a body within it is served."""
    big = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 30_000}}).encode()

    async def chunked() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    async with httpx.AsyncClient(base_url=small_limits.url) as client:
        declared = await client.post(
            "/graphql", content=big, headers={"content-type": "application/json"}
        )
        streamed = await client.post(
            "/graphql", content=chunked(), headers={"content-type": "application/json"}
        )
        operator = await client.post(
            "/operator/graphql",
            content=big,
            headers={"content-type": "application/json", "authorization": "Bearer op-token"},
        )
        fine = await client.post("/graphql", json=TYPENAME)
    for response in (declared, streamed, operator):
        assert "larger than 20000 bytes" in graphql_error(response, 413)
    assert fine.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"query": "{ __typename \xff }"}', "not valid UTF-8"),
        ('{"query": "{ me { firstName } }", "x": "Café"}'.encode("latin-1"), "not valid UTF-8"),
        (b'"{ __typename }"', "must be a JSON object"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"query": 5}', "`query` must be a string"),
        (b'[{"query": "{ __typename }", "variables": "x"}]', "`variables` must be an object"),
        (
            b'{"query": "{ __typename }", "variables": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
            "nested more than 32 levels",
        ),
        (b"{not json", "not valid JSON"),
    ],
)
async def test_r_err_3_malformed_bodies_are_400_graphql_errors(
    live_server: LiveServer, body: bytes, reason: str
) -> None:
    """R-ERR-3: invalid UTF-8, Latin-1 bytes, a JSON string or list of non-objects, wrong
    member types in a batch, nesting 50,000 deep, broken JSON: 400 with a clear error."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    assert reason in graphql_error(response, 400)


async def _socket(live: LiveServer, token: str) -> ClientConnection:
    ws = await connect(
        live.url.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    return ws


async def _closed_with(ws: ClientConnection) -> int | None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    await ws.wait_closed()
    return ws.close_code


async def test_r_err_3_websocket_message_size_and_connections_per_session(
    small_limits: LiveServer,
) -> None:
    """R-ERR-3: a websocket message over the limit closes the socket (1009); a session can
    hold only PORTAL_MAX_WS_CONNECTIONS_PER_SESSION sockets; closing one frees its slot."""
    async with httpx.AsyncClient(base_url=small_limits.url, timeout=20) as client:
        _, token = await owner_session(client, small_limits)
    first = await _socket(small_limits, token)
    assert json.loads(await first.recv())["type"] == "connection_ack"
    second = await _socket(small_limits, token)
    assert json.loads(await second.recv())["type"] == "connection_ack"
    third = await _socket(small_limits, token)
    assert await _closed_with(third) == 4403

    big = {"id": "1", "type": "subscribe", "payload": {"query": "x" * 5000}}
    await second.send(json.dumps(big))
    assert await _closed_with(second) == 1009

    again = await _socket(small_limits, token)  # the closed one's slot is free again
    assert json.loads(await again.recv())["type"] == "connection_ack"
    await again.close()
    await first.close()
