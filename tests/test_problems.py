"""Errors that say what happened (routes/problems.py, routes/graphql.py, schema/observability):
RFC 9457 problems on the non-GraphQL routes, GraphQL's shape on the GraphQL ones; a dead
session token is told apart from none; the operator API switched off is told apart from a
wrong token; subscriptions over plain HTTP are refused clearly; websocket close reasons carry
the message.

R-ERR-1, R-AUTH-5 (bearer tokens over HTTP and websockets).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from core.settings import Settings, get_settings
from models.auth import Session
from tests.conftest import LiveServer, make_user, serve_app, sign_in
from tests.test_e2e_managers import owner_session

PROBLEM = "application/problem+json"
ME = "query { me { email } }"
STREAM = "subscription { notifications { id } }"


@pytest.fixture
async def client(db: None) -> AsyncIterator[httpx.AsyncClient]:
    from server import create_app

    transport = httpx.ASGITransport(app=create_app(get_settings()))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def revoked_token() -> str:
    viewer = await sign_in(await make_user())
    await Session.filter(user_id=viewer.user.id).update(revoked_at=viewer.user.created_at)
    return viewer.token


def assert_problem(response: httpx.Response, status: int, detail_part: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert detail_part in body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]


async def test_pdf_route_without_session_is_a_401_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/invoices/whatever.pdf")
    assert_problem(response, 401, "Authorization: Bearer")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_pdf_route_with_a_dead_session_says_so(client: httpx.AsyncClient) -> None:
    """R-AUTH-5: a revoked (or expired, or unknown) token is not "no token"."""
    token = await revoked_token()
    response = await client.get(
        "/invoices/whatever.pdf", headers={"Authorization": f"Bearer {token}"}
    )
    assert_problem(response, 401, "invalid or has expired")
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_unknown_document_and_unknown_route_are_404_problems(
    client: httpx.AsyncClient,
) -> None:
    viewer = await sign_in(await make_user())
    headers = {"Authorization": f"Bearer {viewer.token}"}
    assert_problem(await client.get("/invoices/nope.pdf", headers=headers), 404, "No invoice")
    assert_problem(
        await client.get("/subscriptions/nope/license", headers=headers), 404, "No subscription"
    )
    missing = await client.get("/no/such/page")
    assert_problem(missing, 404, "Nothing is served")
    assert missing.json()["instance"] == "/no/such/page"
    assert_problem(await client.delete("/healthz"), 405, "does not answer this method")


async def test_graphql_with_a_dead_session_is_unauthenticated(client: httpx.AsyncClient) -> None:
    """R-AUTH-5: a dead token used to answer like no token (`me: null`); now it says why,
    in GraphQL's shape, with HTTP 401."""
    token = await revoked_token()
    response = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "invalid or has expired" in error["message"]
    anonymous = await client.post("/graphql", json={"query": ME})
    assert anonymous.json() == {"data": {"me": None}}


async def test_operator_api_off_is_told_apart_from_a_wrong_token(db: None) -> None:
    from server import create_app

    off = create_app(Settings(operator_token=None))
    on = create_app(Settings(operator_token="right"))  # type: ignore[arg-type]
    query = {"query": "{ __typename }"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=off), base_url="http://t") as c:
        disabled = await c.post("/operator/graphql", json=query, headers={"Authorization": "x"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=on), base_url="http://t") as c:
        wrong = await c.post(
            "/operator/graphql", json=query, headers={"Authorization": "Bearer wrong"}
        )
        missing = await c.post("/operator/graphql", json=query)
        right = await c.post(
            "/operator/graphql", json=query, headers={"Authorization": "Bearer right"}
        )
    assert disabled.status_code == 403
    [error] = disabled.json()["errors"]
    assert error["extensions"]["code"] == "OPERATOR_API_DISABLED"
    assert "disabled" in error["message"] and "PORTAL_OPERATOR_TOKEN" in error["message"]
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["message"] == "Wrong operator token."
    assert missing.status_code == 401
    assert "Operator token required" in missing.json()["errors"][0]["message"]
    assert right.json() == {"data": {"__typename": "Query"}}


async def test_subscription_over_plain_http_is_refused_clearly(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A subscription POSTed as a query used to answer a masked "Unexpected error." and log
    two tracebacks; now it says to use the websocket, and logs no error."""
    viewer = await sign_in(await make_user())
    caplog.set_level(logging.INFO)
    response = await client.post(
        "/graphql", json={"query": STREAM}, headers={"Authorization": f"Bearer {viewer.token}"}
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "websockets only" in error["message"] and "WS /graphql" in error["message"]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("dead", [False, True])
async def test_websocket_close_reason_carries_the_message(
    live_server: LiveServer, dead: bool
) -> None:
    """R-AUTH-5: a refused websocket closes with 4403 and a reason a client can show."""
    token = f"Bearer {await revoked_token()}" if dead else ""
    async with connect(
        live_server.url.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": token}}))
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    reason = closed.value.rcvd.reason
    if dead:
        assert reason == "The session token is invalid or has expired: sign in again."
    else:
        assert reason == "Sign in: send a session token as authorization in connection_init."


async def test_websocket_refused_past_the_session_cap_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """R-ERR-3, R-AUTH-5: the connection cap's refusal reaches the client as the close reason."""
    env = {"PORTAL_MAX_WS_CONNECTIONS_PER_SESSION": "1"}
    async with serve_app(monkeypatch, tmp_path, env=env) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=20) as http:
            _, token = await owner_session(http, live)
        url = live.url.replace("http", "ws") + "/graphql"
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        async with connect(url, subprotocols=["graphql-transport-ws"]) as first:  # type: ignore[list-item]
            await first.send(json.dumps(init))
            assert json.loads(await first.recv())["type"] == "connection_ack"
            async with connect(url, subprotocols=["graphql-transport-ws"]) as second:  # type: ignore[list-item]
                await second.send(json.dumps(init))
                with pytest.raises(ConnectionClosed) as closed:
                    await second.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert closed.value.rcvd.reason == "At most 1 live connections per session; close one first."
