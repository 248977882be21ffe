from __future__ import annotations

import asyncio
import io
import re
import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from documents.invoice_pdf import (
    Buyer,
    InvoiceDocument,
    LineItem,
    PaymentEntry,
    Seller,
    card_label,
    printable,
    render_invoice_pdf,
)
from resolvers.invoices import invoice_pdf
from resolvers.tax import REVERSE_CHARGE_NOTE_EU
from tests.billing_support import make_invoice
from tests.conftest import make_account

SELLER = Seller(
    name="GitLab B.V.",
    address_lines=("Herengracht 282", "1016 BX Amsterdam", "Netherlands"),
    tax_id="NL853740965B01",
)

BUYER = Buyer(
    company_name="Acme Analytics GmbH",
    address_lines=("Friedrichstrasse 68", "10117 Berlin"),
    country="DE",
    tax_id="DE136695976",
    contact_name="Jane Doe",
    contact_email="billing@acme.example",
)

REVERSE_CHARGE_INVOICE = InvoiceDocument(
    seller=SELLER,
    buyer=BUYER,
    number="2026-000042",
    issued_date=date(2026, 11, 1),
    due_date=date(2026, 12, 1),
    currency="EUR",
    lines=(
        LineItem("GitLab Premium, 10 seats, 12 months", 10, 34_800, 348_000),
        LineItem("Additional compute minutes (10,000)", 1, 1_000, 1_000),
    ),
    subtotal_minor=349_000,
    tax_minor=0,
    tax_treatment="REVERSE_CHARGE",
    tax_rate_percent=None,
    tax_note=REVERSE_CHARGE_NOTE_EU,
    total_minor=349_000,
    amount_due_minor=0,
    status="PAID",
    payments=(
        PaymentEntry(
            date(2026, 11, 2),
            349_000,
            "FAILED",
            card_label("VISA", "0002"),
            "Your card was declined.",
        ),
        PaymentEntry(date(2026, 11, 3), 349_000, "SUCCEEDED", card_label("VISA", "4242")),
    ),
)


def pdf_text(document: InvoiceDocument) -> str:
    data = render_invoice_pdf(document)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_shows_parties_lines_totals_and_payments() -> None:
    """R-BILL-2: the PDF carries seller, buyer, tax IDs, lines, tax treatment, totals, payments."""
    text = pdf_text(REVERSE_CHARGE_INVOICE)
    for expected in [
        "INVOICE",
        "2026-000042",
        "1 November 2026",
        "1 December 2026",
        "GitLab B.V.",
        "Herengracht 282",
        "NL853740965B01",
        "Acme Analytics GmbH",
        "10117 Berlin",
        "DE136695976",
        "Jane Doe",
        "billing@acme.example",
        "GitLab Premium, 10 seats, 12 months",
        "€348.00",
        "€3,480.00",
        "Additional compute minutes",
        "€3,490.00",
        "Netherlands",
        "Germany",
        "reverse charge",
        "Article 196 of Council Directive 2006/112/EC",
        "PAID",
        "VISA **** 4242",
        "SUCCEEDED",
        "Your card was declined.",
    ]:
        assert expected in " ".join(text.split()), expected  # wrapping may break a phrase


def test_standard_rate_invoice_shows_the_rate_and_tax() -> None:
    """R-BILL-2, R-TAX-2: a standard-rate invoice prints the rate, the tax and the amount due."""
    document = replace(
        REVERSE_CHARGE_INVOICE,
        buyer=replace(BUYER, tax_id=None),
        lines=(LineItem("GitLab Premium, 1 seat, 12 months", 1, 34_800, 34_800),),
        subtotal_minor=34_800,
        tax_minor=6_612,
        tax_treatment="STANDARD_RATE",
        tax_rate_percent=Decimal("19"),
        tax_note=None,
        total_minor=41_412,
        amount_due_minor=41_412,
        status="OPEN",
        payments=(),
    )
    text = pdf_text(document)
    assert "VAT/GST (19.00%)" in text
    assert "€66.12" in text
    assert "€414.12" in text
    assert "OPEN" in text
    assert "Tax ID" not in text
    assert "Payments" not in text


def test_zero_decimal_currency_prints_whole_units() -> None:
    """R-BILL-5: JPY amounts are printed without decimals."""
    document = replace(
        REVERSE_CHARGE_INVOICE,
        currency="JPY",
        lines=(LineItem("GitLab Premium", 1, 50_000, 50_000),),
        subtotal_minor=50_000,
        tax_minor=5_000,
        tax_treatment="STANDARD_RATE",
        tax_rate_percent=Decimal("10"),
        tax_note=None,
        total_minor=55_000,
        amount_due_minor=55_000,
        status="VOID",
        payments=(),
    )
    text = pdf_text(document)
    assert "¥55,000" in text
    assert "55,000.00" not in text
    assert "VOID" in text


def test_names_beyond_latin1_print_as_they_are() -> None:
    """R-BILL-2: buyers across the EU and beyond see their names spelled right."""
    name = "Zoë Ørsted \u2013 \u201cŁódź\u201d Gdańsk Ostrów Пётр Ελλάδα \u20ac"
    document = replace(
        REVERSE_CHARGE_INVOICE,
        buyer=replace(BUYER, company_name=name, contact_name="Zoë Ørsted"),
        lines=(LineItem(f"Seats for {name}", 1, 100, 100),),
    )
    text = pdf_text(document)
    for word in ("Ørsted", "Łódź", "Gdańsk", "Пётр", "Ελλάδα"):
        assert word in text
    assert printable(name) == name


def test_characters_the_font_lacks_do_not_break_the_pdf() -> None:
    """R-BILL-2: what the embedded font cannot draw (CJK) becomes "?"; the PDF still renders."""
    name = "山田 Trading Zoë"
    document = replace(REVERSE_CHARGE_INVOICE, buyer=replace(BUYER, company_name=name))
    assert "?? Trading Zoë" in pdf_text(document)
    assert printable("tab\there") == "tab here"


def test_many_lines_flow_onto_further_pages() -> None:
    """R-BILL-2: long invoices page-break instead of losing lines."""
    lines = tuple(LineItem(f"Line {n}", 1, 100, 100) for n in range(80))
    document = replace(REVERSE_CHARGE_INVOICE, lines=lines)
    reader = PdfReader(io.BytesIO(render_invoice_pdf(document)))
    assert len(reader.pages) > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Line 0" in text
    assert "Line 79" in text


OPEN_INVOICE = replace(
    REVERSE_CHARGE_INVOICE,
    lines=(LineItem("GitLab Ultimate, 12 months", 1, 17_125_290, 17_125_290),),
    subtotal_minor=17_125_290,
    total_minor=17_125_290,
    amount_due_minor=17_125_290,
    status="OPEN",
    payments=(),
    locale="en_DE",
    payment_url="https://portal.example/billing/invoices/SW52b2ljZTo0Mg",
)


def test_amounts_follow_the_invoices_locale_and_currency() -> None:
    """Amounts used to print as "171252.90 EUR": now as the buyer's country writes them."""
    text = pdf_text(OPEN_INVOICE)
    assert "171.252,90 €" in text
    assert "171252.90" not in text
    assert "$171,252.90" in pdf_text(replace(OPEN_INVOICE, currency="USD", locale="en"))


def test_open_invoice_states_payment_terms_and_how_to_pay() -> None:
    text = " ".join(pdf_text(OPEN_INVOICE).split())
    assert (
        "Payment terms: 171.252,90 € due within 30 days of issue, by 1 December 2026. "
        "Please quote invoice number 2026-000042." in text
    )
    assert (
        "How to pay: by card in the Customers Portal at "
        "https://portal.example/billing/invoices/SW52b2ljZTo0Mg" in text
    )
    paid = " ".join(pdf_text(replace(OPEN_INVOICE, amount_due_minor=0, status="PAID")).split())
    assert "Paid in full" in paid and "How to pay" not in paid
    assert "void: nothing is due" in pdf_text(replace(OPEN_INVOICE, status="VOID"))


def test_seller_and_buyer_countries_print_by_name() -> None:
    seller = replace(SELLER, address_lines=("Herengracht 282", "1016 BX Amsterdam"), country="NL")
    text = pdf_text(replace(OPEN_INVOICE, seller=seller, buyer=replace(BUYER, country="AT")))
    assert "Netherlands" in text and "Austria" in text
    assert "Country: AT" not in text


def test_a_wrapped_attn_line_is_not_justified() -> None:
    """fpdf2 justifies multi_cell text by default: a wrapped "Attn:" line was stretched
    across its column with wide gaps (TJ arrays with spacing)."""
    buyer = replace(
        BUYER,
        contact_name="Maximiliane Alexandra von Hohenzollern-Sigmaringen",
        contact_email="ap@example.com",
    )
    data = render_invoice_pdf(replace(OPEN_INVOICE, buyer=buyer))
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents()
    assert content is not None
    assert re.findall(rb"\[[^\]]*\] ?TJ", content.get_data()) == []
    assert "Attn: Maximiliane Alexandra von" in pdf_text(replace(OPEN_INVOICE, buyer=buyer))


async def test_r_bill_2_rendering_a_pdf_leaves_the_event_loop_free(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-BILL-2: the renderer (a noticeable share of a second of CPU) runs off the event loop,
    which keeps serving others meanwhile: the render waits for a step only the loop can take,
    and finishes. On the loop it would wait forever (a deadlock, caught by the timeout)."""
    from resolvers import invoices

    account = await make_account()
    invoice = await make_invoice(account)
    loop_thread = threading.get_ident()
    loop_ran, rendering = threading.Event(), threading.Event()
    threads: list[int] = []
    real = invoices.render_invoice_pdf  # type: ignore[attr-defined]

    def render(document: Any) -> bytes:
        threads.append(threading.get_ident())
        rendering.set()
        assert loop_ran.wait(timeout=10), "the event loop did not run during the render"
        return real(document)

    async def other_request() -> None:
        while not rendering.is_set():  # only once the render has begun
            await asyncio.sleep(0.001)
        loop_ran.set()

    monkeypatch.setattr(invoices, "render_invoice_pdf", render)
    pdf, _ = await asyncio.wait_for(asyncio.gather(invoice_pdf(invoice), other_request()), 30)
    assert pdf.startswith(b"%PDF")
    assert threads and threads[0] != loop_thread
