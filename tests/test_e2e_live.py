"""Live notifications end to end, as a front end sees them: a standard graphql-transport-ws
client on the real server receives invoices, payments and contact changes as they happen,
and after a reconnect catches up on what it missed.

R-NOT-2 (the billing contact gets invoice and payment events), R-NOT-5 (resume after the
last id seen), R-AUTH-5 (the session token in `connection_init`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Hashable
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from schema import shared_events
from tests.conftest import LiveServer
from tests.test_e2e_managers import owner_session
from tests.test_server import post

STREAM = """
subscription($after: ID) {
  notifications(after: $after) { id event title invoice { number } }
}"""
FEED = "{ me { notifications(first: 1) { edges { node { id event } } } } }"
ISSUE = """
mutation($a: ID!, $what: String!) {
  issueInvoice(input: {billingAccountId: $a,
                       lines: [{description: $what, quantity: 1, unitPriceMinor: 5000}]}) {
    invoice { id number } userErrors { code }
  }
}"""
ADD_CARD = """
mutation($a: ID!) {
  addPaymentMethod(billingAccountId: $a, paymentToken: "tok_mastercard") {
    paymentMethod { id } userErrors { code }
  }
}"""
PAY = """
mutation($i: ID!, $m: ID!) {
  payInvoice(input: {invoiceId: $i, paymentMethodId: $m, idempotencyKey: "live-1"}) {
    userErrors { code }
  }
}"""
CUSTOM_BILLING = """
mutation($a: ID!) {
  setBillingContact(input: {billingAccountId: $a, customContact: {
    firstName: "Carla", lastName: "Custom", email: "carla@acme.example"}}) { userErrors { code } }
}"""
SAME_BILLING = """
mutation($a: ID!) {
  setBillingContact(input: {billingAccountId: $a, sameAsSubscriptionContact: true}) {
    userErrors { code }
  }
}"""


async def open_stream(
    live: LiveServer, token: str, after: str | None, op: str = "1"
) -> ClientConnection:
    ws = await connect(
        live.url.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    assert (await next_message(ws))["type"] == "connection_ack"
    subscribe = {"query": STREAM, "variables": {"after": after}}
    await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": subscribe}))
    return ws


async def next_message(ws: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] not in {"ping", "pong"}:
            return dict(message)


async def next_frame(ws: ClientConnection, timeout: float = 10) -> str:
    """The next message as the server wrote it (not a ping or pong)."""
    while True:
        frame = str(await asyncio.wait_for(ws.recv(), timeout))
        if json.loads(frame)["type"] not in {"ping", "pong"}:
            return frame


async def next_notification(ws: ClientConnection) -> dict[str, Any]:
    message = await next_message(ws)
    assert message["type"] == "next", message
    return dict(message["payload"]["data"]["notifications"])


async def test_stream_shows_invoices_payments_contacts_and_catches_up_after_reconnect(
    live_server: LiveServer,
) -> None:
    live = live_server
    operator = {"Authorization": "Bearer op-token"}
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
        account, token = await owner_session(client, live)

        async def issue(what: str) -> dict[str, str]:
            response = await client.post(
                "/operator/graphql",
                headers=operator,
                json={"query": ISSUE, "variables": {"a": account, "what": what}},
            )
            return dict(response.json()["data"]["issueInvoice"]["invoice"])

        await issue("Setup fee")  # something in the feed to resume after
        feed = (await post(client, "/graphql", FEED, token=token))["me"]["notifications"]
        first = feed["edges"][0]["node"]
        assert first["event"] == "INVOICE_ISSUED"

        ws = await open_stream(live, token, after=first["id"])
        invoice = await issue("Premium, 1 seat")
        seen = await next_notification(ws)
        assert (seen["event"], seen["invoice"]) == ("INVOICE_ISSUED", {"number": invoice["number"]})

        card = await post(client, "/graphql", ADD_CARD, {"a": account}, token)
        method = card["addPaymentMethod"]["paymentMethod"]["id"]
        paid = await post(client, "/graphql", PAY, {"i": invoice["id"], "m": method}, token)
        assert paid["payInvoice"]["userErrors"] == []
        seen = await next_notification(ws)
        assert seen["event"] == "PAYMENT_SUCCEEDED"

        changed = await post(client, "/graphql", CUSTOM_BILLING, {"a": account}, token)
        assert changed["setBillingContact"]["userErrors"] == []
        seen = await next_notification(ws)
        assert seen["event"] == "BILLING_CONTACT_CHANGED"
        last_seen = seen["id"]

        # the client drops; meanwhile the billing contact changes back
        await ws.close()
        back = await post(client, "/graphql", SAME_BILLING, {"a": account}, token)
        assert back["setBillingContact"]["userErrors"] == []

        ws = await open_stream(live, token, after=last_seen)
        missed = await next_notification(ws)
        assert missed["event"] == "BILLING_CONTACT_CHANGED" and missed["id"] != last_seen
        later = await issue("Storage add-on")  # and the stream goes on live after the replay
        seen = await next_notification(ws)
        assert (seen["event"], seen["invoice"]) == ("INVOICE_ISSUED", {"number": later["number"]})
        await ws.close()


SIGN_OUT = "mutation { signOut { userErrors { code } } }"


async def refused_with(live: LiveServer, payload: dict[str, Any]) -> int | None:
    """The close code the server answers a `connection_init` with."""
    ws = await connect(
        live.url.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    with contextlib.suppress(ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 10)
    await ws.wait_closed()
    return ws.close_code


async def test_r_auth_5_stream_needs_a_live_session_in_connection_init(
    live_server: LiveServer,
) -> None:
    """R-AUTH-5: no token, an unknown token or a signed-out session: the protocol's 4403."""
    live = live_server
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
        _, token = await owner_session(client, live)
        assert await refused_with(live, {}) == 4403
        assert await refused_with(live, {"authorization": "Bearer not-a-session"}) == 4403
        await post(client, "/graphql", SIGN_OUT, token=token)
        assert await refused_with(live, {"authorization": f"Bearer {token}"}) == 4403


async def test_r_err_3_subscriptions_per_connection_are_capped(live_server: LiveServer) -> None:
    """R-ERR-3: one connection holds at most 10 streams; the 11th is refused with an error."""
    live = live_server
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
        _, token = await owner_session(client, live)
    ws = await connect(
        live.url.replace("http", "ws") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    assert (await next_message(ws))["type"] == "connection_ack"
    for n in range(1, 12):
        payload = {"query": STREAM, "variables": {"after": None}}
        await ws.send(json.dumps({"id": str(n), "type": "subscribe", "payload": payload}))
    refused = await next_message(ws)
    assert refused["type"] == "error" and refused["id"] == "11", refused
    assert refused["payload"][0]["message"] == "Subscription limit reached"
    await ws.close()


async def test_r_not_3_sockets_of_one_event_get_the_frame_the_normal_path_sends(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-NOT-3, the fast path of `schema.shared_events`: given four sockets of one user streaming
    the same document (one with another operation id), when an invoice is issued, then one
    socket executes and sends the event as usual and the others send that encoded payload
    without executing it again; every socket reads the same frame, byte for byte, apart from
    its own operation id."""
    live = live_server
    took: list[bool] = []
    fast_path = shared_events.SharedDelivery.sent

    async def spied(delivery: shared_events.SharedDelivery, key: Hashable) -> bool:
        took.append(await fast_path(delivery, key))
        return took[-1]

    monkeypatch.setattr(shared_events.SharedDelivery, "sent", spied)
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
        account, token = await owner_session(client, live)
        sockets = [await open_stream(live, token, after=None, op=op) for op in ("1", "1", "1")]
        sockets.append(await open_stream(live, token, after=None, op='x"y'))
        await asyncio.sleep(0.3)  # every stream listens
        response = await client.post(
            "/operator/graphql",
            headers={"Authorization": "Bearer op-token"},
            json={"query": ISSUE, "variables": {"a": account, "what": "Seats"}},
        )
        number = response.json()["data"]["issueInvoice"]["invoice"]["number"]
        frames = [await next_frame(ws) for ws in sockets]
    assert frames[0] == frames[1] == frames[2]
    first, other = json.loads(frames[0]), json.loads(frames[3])
    assert (first["id"], other["id"]) == ("1", 'x"y')
    assert first["type"] == other["type"] == "next"
    assert first["payload"] == other["payload"]
    assert first["payload"]["data"]["notifications"]["invoice"] == {"number": number}
    assert sorted(took) == [False, True, True, True], took  # one executed, three sent ready
    for ws in sockets:
        await ws.close()
