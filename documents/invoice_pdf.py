"""Invoice PDF (R-BILL-2), rendered with fpdf2 from plain values.

The caller (the `/invoices/{id}.pdf` route) builds an `InvoiceDocument` from the
stored invoice; nothing here touches the database. Amounts are printed exactly
with the currency's decimals (R-BILL-5), written as the invoice's locale writes them
(Babel: "171.252,90 €" for a German buyer, "€171,252.90" in plain English); countries
by name; payment terms and how to pay (the portal's invoice page) on every open invoice.

The PDF embeds DejaVu Sans (shipped in `fonts/`, with its licence), which covers
the Latin, Greek and Cyrillic scripts, so "Łódź", "Ørsted" or "Пётр" print as they
are. A character the font lacks first loses its accent if that makes it printable,
and otherwise becomes "?": CJK names, for one, need a CJK font this module does not
ship yet. Rendering never fails on a name.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.table import Row

from core.money import format_money

# fontTools reports every font subset at INFO (~100 lines per PDF): an implementation detail.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).parent / "fonts"
FONT = "dejavu"
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}

_TAX_LABELS = {
    "REVERSE_CHARGE": "VAT/GST (reverse charge)",
    "NOT_APPLICABLE": "VAT/GST (not applicable)",
}

_PAGE_WIDTH = 170.0  # A4 minus 20 mm margins


@dataclass(frozen=True, slots=True)
class Seller:
    name: str
    address_lines: tuple[str, ...]
    tax_id: str | None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    company_name: str
    address_lines: tuple[str, ...]
    country: str
    tax_id: str | None
    contact_name: str | None
    contact_email: str | None


@dataclass(frozen=True, slots=True)
class LineItem:
    description: str
    quantity: int
    unit_price_minor: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    date: date
    amount_minor: int
    status: str  # SUCCEEDED / FAILED
    card: str | None  # e.g. card_label("VISA", "4242")
    failure_message: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    seller: Seller
    buyer: Buyer
    number: str
    issued_date: date
    due_date: date
    currency: str
    lines: tuple[LineItem, ...]
    subtotal_minor: int
    tax_minor: int
    tax_treatment: str  # STANDARD_RATE / REVERSE_CHARGE / NOT_APPLICABLE
    tax_rate_percent: Decimal | None
    tax_note: str | None
    total_minor: int
    amount_due_minor: int
    status: str  # OPEN / PAID / VOID
    payments: tuple[PaymentEntry, ...] = ()
    locale: str = "en"  # how amounts and dates are written: see `locale_for`
    payment_url: str | None = None  # the invoice's page in the portal, where it is paid


def locale_for(country: str) -> str:
    """English as written in the buyer's country ("en_DE": 1.234,56 €), or plain "en"."""
    candidate = f"en_{country.upper()}"
    try:
        Locale.parse(candidate)
    except (UnknownLocaleError, ValueError):
        return "en"
    return candidate


def country_name(code: str) -> str:
    """ "DE" -> "Germany"; an unknown code stays as it is."""
    return str(Locale("en").territories.get(code.upper(), code))


def card_label(brand: str, last4: str) -> str:
    """How a card is printed: "VISA **** 4242"."""
    return f"{brand} **** {last4}"


def printable(text: str) -> str:
    """`text` with what the font cannot draw replaced (see the module docstring)."""
    covered = _covered()
    return "".join(_printable_char(char, covered) for char in text)


def render_invoice_pdf(doc: InvoiceDocument) -> bytes:
    pdf = _new_pdf(doc)
    _header(pdf, doc)
    _parties(pdf, doc)
    _lines(pdf, doc)
    _totals(pdf, doc)
    _payments(pdf, doc)
    return bytes(pdf.output())


@functools.cache
def _covered() -> frozenset[int]:
    """The code points every face (regular, bold, oblique) can draw."""
    faces = [TTFont(FONTS / name, lazy=True) for name in FACES.values()]
    try:
        return frozenset.intersection(*(frozenset(face.getBestCmap()) for face in faces))
    finally:
        for face in faces:
            face.close()


def _printable_char(char: str, covered: frozenset[int]) -> str:
    if char == "\n":
        return char
    if not char.isprintable():
        return " "
    if ord(char) in covered:
        return char
    stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) in covered)
    return stripped or "?"


def _new_pdf(doc: InvoiceDocument) -> FPDF:
    pdf = FPDF(format="A4")
    for style, name in FACES.items():
        pdf.add_font(FONT, style, FONTS / name)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(f"Invoice {doc.number}")
    pdf.set_author(doc.seller.name)
    pdf.set_creation_date(datetime.combine(doc.issued_date, time(), tzinfo=UTC))
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, *, size: float = 10, style: str = "", align: str = "L") -> None:
    pdf.set_font(FONT, style=style, size=size)
    pdf.multi_cell(0, size * 0.5, printable(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _money(doc: InvoiceDocument, minor: int) -> str:
    return format_money(minor, doc.currency, doc.locale)


def _date(value: date) -> str:
    """ "1 December 2026": no day/month order to misread across countries."""
    return str(format_date(value, "d MMMM y", locale="en"))


def _header(pdf: FPDF, doc: InvoiceDocument) -> None:
    pdf.set_font(FONT, style="B", size=20)
    pdf.cell(_PAGE_WIDTH / 2, 10, "INVOICE")
    pdf.cell(_PAGE_WIDTH / 2, 10, printable(doc.status), align="R")
    pdf.ln(12)
    _text(pdf, f"Invoice number: {doc.number}", style="B")
    _text(pdf, f"Issued: {_date(doc.issued_date)}")
    _text(pdf, f"Due: {_date(doc.due_date)}")
    _text(pdf, f"Currency: {doc.currency}")
    pdf.ln(6)


def _parties(pdf: FPDF, doc: InvoiceDocument) -> None:
    top = pdf.get_y()
    _column(pdf, pdf.l_margin, top, "From", _seller_lines(doc.seller))
    seller_bottom = pdf.get_y()
    _column(pdf, pdf.l_margin + _PAGE_WIDTH / 2, top, "Bill to", _buyer_lines(doc.buyer))
    pdf.set_xy(pdf.l_margin, max(seller_bottom, pdf.get_y()) + 6)


def _column(pdf: FPDF, x: float, y: float, title: str, lines: list[str]) -> None:
    pdf.set_xy(x, y)
    pdf.set_font(FONT, style="B", size=10)
    pdf.multi_cell(_PAGE_WIDTH / 2 - 5, 5, title, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    text = "\n".join(printable(line) for line in lines)
    # Left-aligned: fpdf2 justifies by default, spreading a wrapped "Attn:" across the page.
    pdf.multi_cell(_PAGE_WIDTH / 2 - 5, 5, text, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _seller_lines(seller: Seller) -> list[str]:
    country = [country_name(seller.country)] if seller.country else []
    tax_id = [f"VAT ID: {seller.tax_id}"] if seller.tax_id else []
    return [seller.name, *seller.address_lines, *country, *tax_id]


def _buyer_lines(buyer: Buyer) -> list[str]:
    lines = [buyer.company_name, *buyer.address_lines, country_name(buyer.country)]
    if buyer.tax_id:
        lines.append(f"Tax ID: {buyer.tax_id}")
    email = f"<{buyer.contact_email}>" if buyer.contact_email else None
    contact = " ".join(part for part in (buyer.contact_name, email) if part)
    if contact:
        lines.append(f"Attn: {contact}")
    return lines


def _lines(pdf: FPDF, doc: InvoiceDocument) -> None:
    pdf.set_font(FONT, size=10)
    with pdf.table(col_widths=(78, 14, 39, 39), text_align="LEFT", line_height=6) as table:
        _row(table.row(), ["Description", "Qty", "Unit price", "Amount"], 1)
        for line in doc.lines:
            cells = [
                line.description,
                str(line.quantity),
                _money(doc, line.unit_price_minor),
                _money(doc, line.amount_minor),
            ]
            _row(table.row(), cells, 1)
    pdf.ln(4)


def _row(row: Row, cells: list[str], first_numeric: int) -> None:
    for index, text in enumerate(cells):
        row.cell(printable(text), align="RIGHT" if index >= first_numeric else "LEFT")


def _totals(pdf: FPDF, doc: InvoiceDocument) -> None:
    _total_row(pdf, "Subtotal", _money(doc, doc.subtotal_minor))
    _total_row(pdf, _tax_label(doc), _money(doc, doc.tax_minor))
    _total_row(pdf, "Total", _money(doc, doc.total_minor), bold=True)
    _total_row(pdf, "Amount due", _money(doc, doc.amount_due_minor), bold=True)
    if doc.tax_note:
        pdf.ln(3)
        _text(pdf, doc.tax_note, size=9, style="I")
    pdf.ln(6)
    _how_to_pay(pdf, doc)


def payment_lines(doc: InvoiceDocument) -> list[str]:
    """Payment terms and how to pay; for a paid or void invoice, that nothing is due."""
    if doc.status == "VOID":
        return ["This invoice is void: nothing is due."]
    if doc.amount_due_minor <= 0:
        return ["Paid in full. Thank you."]
    days = (doc.due_date - doc.issued_date).days
    lines = [
        f"Payment terms: {_money(doc, doc.amount_due_minor)} due within {days} days of issue, "
        f"by {_date(doc.due_date)}. Please quote invoice number {doc.number}."
    ]
    if doc.payment_url:
        lines.append(f"How to pay: by card in the Customers Portal at {doc.payment_url}")
    return lines


def _how_to_pay(pdf: FPDF, doc: InvoiceDocument) -> None:
    _text(pdf, "Payment", style="B", size=11)
    pdf.ln(1)
    for line in payment_lines(doc):
        _text(pdf, line)
    pdf.ln(6)


def _tax_label(doc: InvoiceDocument) -> str:
    if doc.tax_treatment == "STANDARD_RATE" and doc.tax_rate_percent is not None:
        rate = doc.tax_rate_percent.quantize(Decimal("0.01"))
        return f"VAT/GST ({rate}%)"
    return _TAX_LABELS.get(doc.tax_treatment, f"Tax ({doc.tax_treatment})")


def _total_row(pdf: FPDF, label: str, value: str, *, bold: bool = False) -> None:
    pdf.set_font(FONT, style="B" if bold else "", size=10)
    pdf.cell(_PAGE_WIDTH - 40, 6, printable(label), align="R")
    pdf.cell(40, 6, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _payments(pdf: FPDF, doc: InvoiceDocument) -> None:
    if not doc.payments:
        return
    _text(pdf, "Payments", style="B", size=11)
    pdf.ln(1)
    pdf.set_font(FONT, size=10)
    with pdf.table(col_widths=(25, 38, 67, 40), text_align="LEFT", line_height=6) as table:
        _row(table.row(), ["Date", "Card", "Status", "Amount"], 3)
        for payment in doc.payments:
            _row(table.row(), _payment_cells(payment, doc), 3)


def _payment_cells(payment: PaymentEntry, doc: InvoiceDocument) -> list[str]:
    status = payment.status
    if payment.failure_message:
        status = f"{status}: {payment.failure_message}"
    return [
        f"{payment.date:%Y-%m-%d}",
        payment.card or "-",
        status,
        _money(doc, payment.amount_minor),
    ]
