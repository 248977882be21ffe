"""Purchases over real HTTP, on SQLite and on PostgreSQL where simultaneous requests really
race: R-SUB-4 (one purchase, one charge, one subscription per idempotency key), R-SUB-2."""

from __future__ import annotations

import asyncio

import httpx

from adapters.payments.sandbox import SandboxGateway
from tests.conftest import LiveServer
from tests.test_e2e_billing import live
from tests.test_e2e_managers import owner_session
from tests.test_server import post

__all__ = ["live"]

SAVE_PLAN = """
mutation {
  saveCatalogPlan(input: {code: "premium", name: "Premium",
                          prices: [{currency: "USD", unitPriceMinor: 34800}]}) {
    plan { id } userErrors { code }
  }
}"""
ADD_CARD = """
mutation($a: ID!) {
  addPaymentMethod(billingAccountId: $a, paymentToken: "tok_visa") {
    paymentMethod { id } userErrors { code }
  }
}"""
BUY = """
mutation($a: ID!, $p: ID!, $k: String!) {
  purchaseSubscription(input: {billingAccountId: $a, planId: $p, deployment: SELF_MANAGED,
                               seats: 3, idempotencyKey: $k}) {
    purchase { id status } subscription { name } invoice { number status }
    payment { status } userErrors { code message }
  }
}"""
SUBSCRIPTIONS = "query($a: ID!) { billingAccount(id: $a) { subscriptions { name seats } } }"


async def test_r_sub_4_simultaneous_purchases_with_one_key_buy_once_over_http(
    live: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=60) as client:
        account, token = await owner_session(client, live)
        operator = {"Authorization": "Bearer op-token"}
        saved = await client.post("/operator/graphql", headers=operator, json={"query": SAVE_PLAN})
        plan = saved.json()["data"]["saveCatalogPlan"]["plan"]["id"]
        refused = await post(client, "/graphql", BUY, {"a": account, "p": plan, "k": "k0"}, token)
        assert [e["code"] for e in refused["purchaseSubscription"]["userErrors"]] == [
            "PAYMENT_METHOD_REQUIRED"
        ]
        await post(client, "/graphql", ADD_CARD, {"a": account}, token)
        gateway = live.services.gateway
        assert isinstance(gateway, SandboxGateway)
        before = len(gateway.charges)

        variables = {"a": account, "p": plan, "k": "checkout-42"}
        results = await asyncio.gather(
            *(post(client, "/graphql", BUY, variables, token) for _ in range(8))
        )

        bought = [r["purchaseSubscription"] for r in results]
        assert all(b["userErrors"] == [] for b in bought), bought
        assert len({b["purchase"]["id"] for b in bought}) == 1
        assert {b["invoice"]["status"] for b in bought} == {"PAID"}
        assert {b["payment"]["status"] for b in bought} == {"SUCCEEDED"}
        assert len(gateway.charges) == before + 1
        listed = await post(client, "/graphql", SUBSCRIPTIONS, {"a": account}, token)
        assert listed["billingAccount"]["subscriptions"] == [
            {"name": bought[0]["subscription"]["name"], "seats": 3}
        ]
