"""Invoices: R-BILL-1 (list and open), R-BILL-2 (PDF), R-BILL-5 (exact money), R-TAX-2 (tax frozen
at issue), sequential numbers under concurrency, R-NOT-1 (INVOICE_ISSUED with the PDF)."""

from __future__ import annotations

import asyncio
import base64
import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from models.accounts import BillingAccount
from models.invoices import Invoice
from models.notifications import Event, EventKind
from models.outbox import OutboxEmail
from resolvers.tax import REVERSE_CHARGE_NOTE_EU
from tests.billing_support import gid, make_invoice, make_subscription
from tests.conftest import gql, make_account, make_user, operator_gql, owner_of, sign_in

ISSUE = """
mutation($input: IssueInvoiceInput!) {
  issueInvoice(input: $input) {
    invoice {
      id number status taxTreatment taxRatePercent taxNote
      subtotal { amount currency minorUnits } tax { amount minorUnits }
      total { amount minorUnits } amountDue { amount }
      lines { description quantity unitPrice { amount } amount { amount } }
      pdfUrl
    }
    userErrors { field code message }
  }
}"""

LIST = """
query($a: ID!, $first: Int, $after: String, $status: InvoiceStatus) {
  billingAccount(id: $a) {
    invoices(first: $first, after: $after, status: $status) {
      totalCount
      edges { cursor node { id number status } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""

ONE = "query($id: ID!) { invoice(id: $id) { id number total { amount } payments { id } } }"


def _lines(*pairs: tuple[int, int]) -> list[dict[str, object]]:
    return [
        {"description": f"Line {i}", "quantity": q, "unitPriceMinor": p}
        for i, (q, p) in enumerate(pairs)
    ]


async def _issue(account: BillingAccount, *pairs: tuple[int, int]) -> Any:
    result = await operator_gql(
        ISSUE,
        {"input": {"billingAccountId": gid("BillingAccount", account.id), "lines": _lines(*pairs)}},
    )
    return result["issueInvoice"]


async def test_r_tax_2_standard_rate_without_tax_id(db: None) -> None:
    """R-TAX-2: a German company without a tax ID pays German VAT, rounded half up."""
    account = await make_account(country="DE")
    issued = (await _issue(account, (3, 3_350)))["invoice"]  # 100.50 EUR... in USD account
    assert issued["taxTreatment"] == "STANDARD_RATE"
    assert issued["taxRatePercent"] == "19.00"
    assert issued["subtotal"] == {"amount": "100.50", "currency": "USD", "minorUnits": 10_050}
    assert issued["tax"] == {"amount": "19.10", "minorUnits": 1_910}  # 19.095 -> 19.10
    assert issued["total"] == {"amount": "119.60", "minorUnits": 11_960}
    assert issued["amountDue"] == {"amount": "119.60"}
    assert issued["lines"][0] == {
        "description": "Line 0",
        "quantity": 3,
        "unitPrice": {"amount": "33.50"},
        "amount": {"amount": "100.50"},
    }


async def test_r_tax_2_reverse_charge_with_valid_tax_id_and_frozen_at_issue(db: None) -> None:
    """R-TAX-2: a valid non-US tax ID means reverse charge with its note; later company changes
    do not alter an issued invoice."""
    account = await make_account(country="DE", tax_id="DE136695976")
    issued = (await _issue(account, (1, 100_000)))["invoice"]
    assert issued["taxTreatment"] == "REVERSE_CHARGE"
    assert issued["taxRatePercent"] is None
    assert issued["taxNote"] == REVERSE_CHARGE_NOTE_EU
    assert issued["tax"]["minorUnits"] == 0

    await BillingAccount.filter(id=account.id).update(tax_id=None, company_name="Renamed")
    owner = await owner_of(account)
    again = (await gql(ONE, {"id": issued["id"]}, as_=owner))["invoice"]
    assert again["total"] == {"amount": "1000.00"}
    stored = await Invoice.get(number=issued["number"])
    assert stored.buyer["company_name"] == "Acme GmbH"


async def test_r_tax_2_us_company_no_vat(db: None) -> None:
    """R-TAX-2: US companies pay no VAT."""
    account = await make_account(country="US")
    issued = (await _issue(account, (2, 5_000)))["invoice"]
    assert (issued["taxTreatment"], issued["tax"]["minorUnits"]) == ("NOT_APPLICABLE", 0)


async def test_r_bill_5_invalid_lines_are_refused_and_nothing_is_issued(db: None) -> None:
    """R-BILL-5 / R-ERR-1: a bad line is a userError naming it; nothing is stored."""
    account = await make_account()
    refused = await _issue(account, (0, 100))
    assert refused["userErrors"][0]["field"] == ["input", "lines", "0", "quantity"]
    float_price = await operator_gql(
        ISSUE,
        {
            "input": {
                "billingAccountId": gid("BillingAccount", account.id),
                "lines": [{"description": "x", "quantity": 1, "unitPriceMinor": 1.5}],
            }
        },
    )
    assert float_price.errors is not None  # Int! refuses a float
    assert await Invoice.all().count() == 0


async def test_invoice_numbers_are_sequential(db: None) -> None:
    """R-BILL-1: numbers are <year>-<000001...> in issue order."""
    account = await make_account()
    numbers = [(await make_invoice(account)).number for _ in range(3)]
    suffixes = [int(n.split("-")[1]) for n in numbers]
    assert suffixes == [1, 2, 3]


@pytest.mark.postgres
async def test_invoice_numbers_unique_under_concurrent_issuing(pg_db: None) -> None:
    """R-BILL-1: 15 invoices issued at once get 15 distinct consecutive numbers."""
    account = await make_account()
    invoices = await asyncio.gather(*(make_invoice(account) for _ in range(15)))
    suffixes = sorted(int(i.number.split("-")[1]) for i in invoices)
    assert suffixes == list(range(1, 16))


async def test_r_bill_1_list_newest_first_paged_with_status_filter(db: None) -> None:
    """R-BILL-1: newest first, `first` at a time with signed cursors, filtered by status."""
    account = await make_account()
    owner = await owner_of(account)
    issued = [await make_invoice(account, 1_000 + i) for i in range(5)]
    await Invoice.filter(id=issued[0].id).update(status="PAID")
    account_id = gid("BillingAccount", account.id)

    page1 = (await gql(LIST, {"a": account_id, "first": 2}, as_=owner))["billingAccount"]
    conn = page1["invoices"]
    assert conn["totalCount"] == 5
    assert [e["node"]["number"] for e in conn["edges"]] == [issued[4].number, issued[3].number]
    assert conn["pageInfo"]["hasNextPage"] is True
    page2 = await gql(
        LIST, {"a": account_id, "first": 10, "after": conn["pageInfo"]["endCursor"]}, as_=owner
    )
    rest = page2["billingAccount"]["invoices"]
    assert [e["node"]["number"] for e in rest["edges"]] == [i.number for i in issued[2::-1]]
    assert rest["pageInfo"]["hasNextPage"] is False

    paid = await gql(LIST, {"a": account_id, "status": "PAID"}, as_=owner)
    assert [e["node"]["number"] for e in paid["billingAccount"]["invoices"]["edges"]] == [
        issued[0].number
    ]
    forged = await gql(LIST, {"a": account_id, "after": "Zm9vfGJhcg"}, as_=owner)
    assert forged.errors is not None


async def test_r_err_2_invoice_of_another_account_is_null(db: None) -> None:
    """R-ERR-2: `invoice(id)` is null for an invoice of an account you don't manage."""
    account = await make_account()
    invoice = await make_invoice(account)
    stranger = await sign_in(await make_user("eve@example.com"))
    assert (await gql(ONE, {"id": gid("Invoice", invoice.id)}, as_=stranger))["invoice"] is None
    owner = await owner_of(account)
    mine = (await gql(ONE, {"id": gid("Invoice", invoice.id)}, as_=owner))["invoice"]
    assert mine["number"] == invoice.number


async def test_r_not_1_invoice_issued_event_with_pdf_attachment(db: None) -> None:
    """R-NOT-1 / R-NOT-6: issuing records INVOICE_ISSUED once and emails the PDF."""
    account = await make_account()
    invoice = await make_invoice(account)
    events = await Event.filter(account_id=account.id, kind=EventKind.INVOICE_ISSUED)
    assert [e.invoice_id for e in events] == [invoice.id]  # type: ignore[attr-defined]
    email = (await OutboxEmail.filter(to="owner@example.com").order_by("-id"))[0]
    attachment = email.attachments[0]
    assert attachment["filename"] == f"invoice-{invoice.number}.pdf"
    text = _pdf_text(base64.b64decode(attachment["content"]))
    assert invoice.number in text


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_r_bill_2_pdf_route_for_managers_only(db: None) -> None:
    """R-BILL-2: GET pdfUrl with the session token returns the PDF; others get 404."""
    from server import create_app

    account = await make_account(country="DE", tax_id="DE136695976")
    subscription = await make_subscription(account, issue=False)
    owner = await owner_of(account)
    issued = await operator_gql(
        ISSUE,
        {
            "input": {
                "billingAccountId": gid("BillingAccount", account.id),
                "subscriptionId": gid("ProductSubscription", subscription.id),
                "lines": _lines((10, 34_800)),
            }
        },
    )
    invoice = issued["issueInvoice"]["invoice"]
    assert invoice["pdfUrl"] == f"http://localhost:8000/invoices/{invoice['id']}.pdf"
    path = invoice["pdfUrl"].removeprefix("http://localhost:8000")
    stranger = await sign_in(await make_user("eve@example.com"))
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        ok = await client.get(path, headers={"Authorization": f"Bearer {owner.token}"})
        other = await client.get(path, headers={"Authorization": f"Bearer {stranger.token}"})
        anonymous = await client.get(path)
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "application/pdf"
    text = _pdf_text(ok.content)
    assert invoice["number"] in text and "3.480,00\xa0US$" in text and "Reverse charge" in text
    assert "Example Software GmbH" in text and "VAT ID: DE129273398" in text
    assert other.status_code == 404
    assert anonymous.status_code == 401


async def test_r_tax_2_taxed_invoice_refused_without_a_seller_tax_id(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-TAX-2: an invoice charging VAT (or reverse-charging it) must name the seller's VAT
    ID; without PORTAL_SELLER_TAX_ID it is refused, saying so, and nothing is issued. An
    invoice with no VAT (a US buyer) needs none."""
    from core.settings import get_settings

    monkeypatch.delenv("PORTAL_SELLER_TAX_ID")
    get_settings.cache_clear()
    german = await make_account(country="DE", owner_email="de@example.com")
    refused = await _issue(german, (1, 10_000))
    assert refused["invoice"] is None
    [error] = refused["userErrors"]
    assert error["code"] == "INVALID"
    assert "seller's VAT/tax ID" in error["message"]
    assert "PORTAL_SELLER_TAX_ID" in error["message"]
    assert await Invoice.all().count() == 0
    american = await make_account(country="US", owner_email="us@example.com")
    assert (await _issue(american, (1, 10_000)))["userErrors"] == []


async def test_r_bill_2_invoice_email_states_number_amount_due_date_and_how_to_pay(
    db: None,
) -> None:
    """The invoice email used to be one sentence and a button."""
    account = await make_account(country="DE", owner_email="olga@acme.example")
    account.currency = "EUR"
    await account.save()
    issued = (await _issue(account, (3, 5_708_430)))["invoice"]
    [mail] = [m for m in await OutboxEmail.filter(to="olga@acme.example") if "Invoice" in m.subject]
    total = "203.790,95\xa0€"  # 171,252.90 + 19 % VAT, as a German reader writes it
    invoice = await Invoice.get(number=issued["number"])
    due = f"{invoice.due_date.day} {invoice.due_date:%B %Y}"
    assert (
        mail.subject == f"Invoice {issued['number']} from Example Software GmbH: {total} due {due}"
    )
    text = mail.text_body
    assert f"Invoice number: {issued['number']}" in text
    assert f"Amount due:     {total}" in text
    assert f"Due date:       {due} (30 days from issue)" in text
    page = f"http://app.test/accounts/{gid('BillingAccount', account.id)}/invoices/{issued['id']}"
    assert page in text
    assert "How to pay" in text
    assert [a["filename"] for a in mail.attachments] == [f"invoice-{issued['number']}.pdf"]
