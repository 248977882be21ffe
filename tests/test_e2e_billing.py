"""Billing end to end over real HTTP, as a front end drives it: add a card, open an invoice,
download its PDF and pay it exactly once.

R-PAY-1 (a card on file, the first one default), R-BILL-1 (list and open), R-BILL-2 (PDF with
the session token), R-BILL-3 (one charge for retried and simultaneous requests under one key).
"""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import pytest_asyncio
from pypdf import PdfReader

from adapters.payments.sandbox import SandboxGateway
from tests.conftest import POSTGRES_URL, LiveServer, serve_app
from tests.test_e2e_managers import owner_session
from tests.test_server import post

ISSUE = """
mutation($a: ID!) {
  issueInvoice(input: {billingAccountId: $a, lines: [
    {description: "Premium, 10 seats, 1 year", quantity: 10, unitPriceMinor: 34800}]}) {
    invoice { number } userErrors { code message }
  }
}"""
ADD_CARD = """
mutation($a: ID!) {
  addPaymentMethod(billingAccountId: $a, paymentToken: "tok_visa") {
    paymentMethod { id brand last4 isDefault } userErrors { code }
  }
}"""
INVOICES = """
query($a: ID!) {
  billingAccount(id: $a) {
    invoices(first: 10, status: OPEN) {
      totalCount edges { node { id number status pdfUrl total { amount currency } } }
    }
  }
}"""
OPEN_INVOICE = """
query($i: ID!) {
  invoice(id: $i) { number status taxTreatment amountDue { amount } payments { status } }
}"""
PAY = """
mutation($i: ID!, $m: ID!, $k: String!) {
  payInvoice(input: {invoiceId: $i, paymentMethodId: $m, idempotencyKey: $k}) {
    payment { id status amount { amount } } invoice { status amountDue { amount } }
    userErrors { code message }
  }
}"""


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def live(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[LiveServer]:
    """The service over HTTP on SQLite, and on a fresh PostgreSQL database where concurrent
    payments really race."""
    if request.param == "sqlite":
        async with serve_app(monkeypatch, tmp_path) as server:
            yield server
        return
    assert POSTGRES_URL
    name = f"portal_e2e_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        async with serve_app(monkeypatch, tmp_path, url) as server:
            yield server
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_add_card_open_invoice_download_pdf_pay_once_over_http(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
        account, token = await owner_session(client, live)
        operator = {"Authorization": "Bearer op-token"}
        issued = await client.post(
            "/operator/graphql",
            headers=operator,
            json={"query": ISSUE, "variables": {"a": account}},
        )
        number = issued.json()["data"]["issueInvoice"]["invoice"]["number"]

        card = await post(client, "/graphql", ADD_CARD, {"a": account}, token)
        method = card["addPaymentMethod"]["paymentMethod"]
        assert (method["brand"], method["last4"], method["isDefault"]) == ("VISA", "4242", True)

        listed = await post(client, "/graphql", INVOICES, {"a": account}, token)
        invoices = listed["billingAccount"]["invoices"]
        assert invoices["totalCount"] == 1
        invoice = invoices["edges"][0]["node"]
        assert (invoice["number"], invoice["status"]) == (number, "OPEN")
        # A German company without a VAT id pays German VAT: 3480.00 + 19 %.
        assert invoice["total"] == {"amount": "4141.20", "currency": "USD"}
        opened = await post(client, "/graphql", OPEN_INVOICE, {"i": invoice["id"]}, token)
        assert opened["invoice"]["amountDue"] == {"amount": "4141.20"}

        pdf_path = httpx.URL(invoice["pdfUrl"]).path
        assert (await client.get(pdf_path)).status_code == 401
        pdf = await client.get(pdf_path, headers={"Authorization": f"Bearer {token}"})
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert number in text and "Acme GmbH" in text and "4.141,20\xa0US$" in text

        gateway = live.services.gateway
        assert isinstance(gateway, SandboxGateway)
        charges_before = len(gateway.charges)
        variables = {"i": invoice["id"], "m": method["id"], "k": "checkout-7f3a"}
        results = await asyncio.gather(
            *(post(client, "/graphql", PAY, variables, token) for _ in range(5))
        )
        payments = {r["payInvoice"]["payment"]["id"] for r in results}
        assert len(payments) == 1, results
        assert {r["payInvoice"]["payment"]["status"] for r in results} == {"SUCCEEDED"}
        assert len(gateway.charges) == charges_before + 1

        retried = await post(client, "/graphql", PAY, variables, token)
        assert retried["payInvoice"]["payment"]["id"] in payments
        again = await post(client, "/graphql", PAY, {**variables, "k": "checkout-8b1c"}, token)
        assert [e["code"] for e in again["payInvoice"]["userErrors"]] == ["INVOICE_NOT_PAYABLE"]
        paid = await post(client, "/graphql", OPEN_INVOICE, {"i": invoice["id"]}, token)
        assert paid["invoice"]["status"] == "PAID"
        assert paid["invoice"]["payments"] == [{"status": "SUCCEEDED"}]
        assert len(gateway.charges) == charges_before + 1
