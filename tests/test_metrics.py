"""Metrics in Prometheus' format at /metrics (routes/metrics.py, core/metrics.py): who may
read them, and that each one counts what it says, read back by parsing a scrape.

Counters are per process and tests share one: every check compares two scrapes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.settings import get_settings
from models.outbox import OutboxEmail
from notifications.delivery import DeliveryError
from notifications.worker import OutboxWorker
from resolvers.services import Services
from tests.conftest import LiveServer, serve_app
from tests.test_e2e_live import ADD_CARD, ISSUE, PAY, next_notification, open_stream
from tests.test_e2e_managers import owner_session
from tests.test_server import post

OPERATOR = {"Authorization": "Bearer op-token"}
BAD_TAX_ID = """
mutation($a: ID!) {
  updateCompanyDetails(input: {billingAccountId: $a, taxId: "DE123456789"}) {
    userErrors { code }
  }
}"""

ASK = 'mutation { requestSignInLink(email: "wait@example.com") { userErrors { code } } }'
NEW_ACCOUNT = {
    "query": """mutation { createBillingAccount(input: {companyName: "Wait AG", country: "DE",
      owner: {email: "wait@example.com", firstName: "W", lastName: "A"}}) {
      userErrors { code } } }"""
}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of `name` over the samples whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics", headers=OPERATOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


async def until(check: Callable[[], object]) -> None:
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(0.05)  # waits for server tasks, not for time to pass
    raise AssertionError("condition not reached")


async def test_metrics_need_the_operator_token_by_default(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = await client.get("/metrics", headers=OPERATOR)
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert wrong.json()["detail"] == "Wrong operator token."
    assert right.status_code == 200
    assert "portal_http_requests_total" in right.text


async def test_metrics_off_or_open_as_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with (
        serve_app(monkeypatch, tmp_path, env={"PORTAL_METRICS": "off"}) as live,
        httpx.AsyncClient(base_url=live.url) as client,
    ):
        assert (await client.get("/metrics", headers=OPERATOR)).status_code == 404
    async with (
        serve_app(monkeypatch, tmp_path, env={"PORTAL_METRICS": "open"}) as live,
        httpx.AsyncClient(base_url=live.url) as client,
    ):
        assert (await client.get("/metrics")).status_code == 200


async def test_requests_operations_user_errors_websockets_lag_and_payments(
    live_server: LiveServer,
) -> None:
    """Given a customer who streams notifications, when an invoice is issued and paid and a
    bad tax id is sent, then the scrape shows each of those."""
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
        account, token = await owner_session(client, live_server)
        before = await scrape(client)
        ws = await open_stream(live_server, token, after="")
        refused = await post(client, "/graphql", BAD_TAX_ID, {"a": account}, token)
        assert refused["updateCompanyDetails"]["userErrors"] == [{"code": "TAX_ID_INVALID"}]
        issued = await client.post(
            "/operator/graphql",
            headers=OPERATOR,
            json={"query": ISSUE, "variables": {"a": account, "what": "Seats"}},
        )
        invoice = issued.json()["data"]["issueInvoice"]["invoice"]
        assert (await next_notification(ws))["event"] == "INVOICE_ISSUED"
        card = await post(client, "/graphql", ADD_CARD, {"a": account}, token)
        method = card["addPaymentMethod"]["paymentMethod"]["id"]
        await post(client, "/graphql", PAY, {"i": invoice["id"], "m": method}, token)
        during = await scrape(client)
        await ws.close()
        await until(lambda: True)
        after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(during, name, **labels) - value(before, name, **labels)

    assert grew("portal_http_requests_total", method="POST", route="/graphql", status="200") >= 3
    assert grew("portal_http_request_duration_seconds_count", route="/graphql") >= 3
    assert (
        grew(
            "portal_graphql_operations_total",
            type="mutation",
            operation="updateCompanyDetails",
            outcome="user_error",
        )
        == 1
    )
    assert grew("portal_graphql_operations_total", operation="issueInvoice", outcome="ok") == 1
    assert grew("portal_graphql_operation_duration_seconds_count", operation="payInvoice") == 1
    assert grew("portal_graphql_user_errors_total", code="TAX_ID_INVALID") == 1
    assert value(during, "portal_websockets_open") >= 1
    assert value(during, "portal_subscriptions_open") >= 1
    assert grew("portal_broadcast_delivery_lag_seconds_count") >= 1
    assert grew("portal_payments_total", outcome="succeeded") == 1
    assert grew("portal_gateway_request_duration_seconds_count", operation="charge") == 1
    assert grew("portal_gateway_request_duration_seconds_count", operation="attach_card") == 1
    assert value(after, "portal_websockets_open") <= value(during, "portal_websockets_open")


async def test_outbox_backlog_and_oldest_age(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With no worker delivering, the scrape shows the waiting emails and how old the oldest is."""
    env = {"PORTAL_RUN_WORKER": "false"}
    async with (
        serve_app(monkeypatch, tmp_path, env=env) as live,
        httpx.AsyncClient(base_url=live.url) as client,
    ):
        empty = await scrape(client)
        assert value(empty, "portal_outbox_pending") == 0
        assert value(empty, "portal_outbox_oldest_pending_age_seconds") == 0
        await post(client, "/graphql", ASK)
        assert value(await scrape(client), "portal_outbox_pending") == 0  # nobody: no email
        created = await client.post("/operator/graphql", headers=OPERATOR, json=NEW_ACCOUNT)
        assert created.json()["data"]["createBillingAccount"]["userErrors"] == []
        await post(client, "/graphql", ASK)
        live.services.clock.advance(timedelta(minutes=10))  # the served app's clock
        waiting = await scrape(client)
    assert value(waiting, "portal_outbox_pending") >= 1
    assert value(waiting, "portal_outbox_oldest_pending_age_seconds") >= 600


class Flaky:
    def __init__(self, permanent: bool) -> None:
        self.permanent = permanent

    async def send(self, message: object) -> None:
        raise DeliveryError("421 try later", permanent=self.permanent)


class Accepting:
    async def send(self, message: object) -> None:
        return None


async def test_email_sends_failures_and_retries_are_counted(db: None, services: Services) -> None:
    from prometheus_client import REGISTRY

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    sender = get_settings().mail_from
    base = {
        "sent": sample("portal_emails_sent_total"),
        "temporary": sample("portal_email_failures_total", permanent="false"),
        "permanent": sample("portal_email_failures_total", permanent="true"),
        "retries": sample("portal_email_retries_total"),
    }
    for address in ("a@example.com", "b@example.com", "c@example.com"):
        await OutboxEmail.create(
            to=address,
            subject="s",
            text_body=json.dumps({"to": address}),
            html_body="<p>x</p>",
            attachments=[],
            next_attempt_at=services.clock.now(),
            message_id=f"<{address}>",
            created_at=services.clock.now(),
        )
    assert (
        await OutboxWorker(Flaky(permanent=False), sender, services.clock, batch_size=1).run_once()
        == 1
    )
    assert (
        await OutboxWorker(Flaky(permanent=True), sender, services.clock, batch_size=1).run_once()
        == 1
    )
    assert await OutboxWorker(Accepting(), sender, services.clock, batch_size=1).run_once() == 1
    assert sample("portal_emails_sent_total") - base["sent"] == 1
    assert sample("portal_email_failures_total", permanent="false") - base["temporary"] == 1
    assert sample("portal_email_failures_total", permanent="true") - base["permanent"] == 1
    assert sample("portal_email_retries_total") - base["retries"] == 1
