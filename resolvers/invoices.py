"""Invoices: sequential numbers, frozen tax, access, the PDF (R-BILL-1/2/5, R-TAX-2).

An invoice freezes at issue what it must keep showing later: the tax treatment, rate and note
decided from the company's country and tax ID at that moment (R-TAX-2), and a snapshot of the
buyer. Numbers are `<year>-<six digits>`, taken from `InvoiceSequence` under a row lock, so
concurrent issuing never repeats or skips a number.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from core.clock import Clock
from core.money import ensure_minor, format_amount, format_money
from core.settings import get_settings
from documents.invoice_pdf import (
    Buyer,
    InvoiceDocument,
    LineItem,
    PaymentEntry,
    Seller,
    card_label,
    locale_for,
    render_invoice_pdf,
)
from models.accounts import BillingAccount, Contact
from models.invoices import Invoice, InvoiceLine, InvoiceSequence, InvoiceStatus
from models.notifications import EventKind
from models.payments import Payment, PaymentMethod, PaymentStatus
from models.subscriptions import SalesChannel, Subscription
from models.users import User
from notifications.events import invoice_page_path, record_event
from notifications.live import Live
from notifications.outbox import Attachment
from resolvers import statements
from resolvers.access import manager_of
from resolvers.accounts import treatment_of
from resolvers.activity import log_activity
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid
from resolvers.paging import Page, newest_first
from resolvers.tax import TaxTreatment, compute_tax

PAYMENT_TERMS_DAYS = 30
MAX_LINES = 100
MAX_TOTAL_MINOR = 10**15  # far beyond any real invoice, far within the 64-bit columns


@dataclass(frozen=True)
class LineValue:
    description: str
    quantity: int
    unit_price_minor: int


def amount_due(invoice: Invoice) -> int:
    if invoice.status is InvoiceStatus.VOID:
        return 0
    return max(int(invoice.total_minor) - int(invoice.amount_paid_minor), 0)


def reseller_error(subscription: Subscription) -> DomainError:
    """R-SUB-2: what a reseller's customer is told when asking for something only it can do."""
    return DomainError(
        ErrorCode.MANAGED_BY_RESELLER,
        f"Subscription {subscription.name} was bought through {subscription.reseller_name}: "
        f"changes, purchases and invoices go through {subscription.reseller_name}.",
    )


async def invoice_for_viewer(user: User, invoice_pk: int, *field: str) -> Invoice:
    """The invoice if `user` manages its account; else NOT_FOUND (R-ERR-2)."""
    invoice = await Invoice.get_or_none(id=invoice_pk)
    if invoice is None:
        raise NotFound("Invoice", list(field) or None)
    try:
        await manager_of(user, invoice.account_id)  # type: ignore[attr-defined]
    except NotFound:
        raise NotFound("Invoice", list(field) or None) from None
    return invoice


def clean_lines(lines: Sequence[LineValue]) -> list[LineValue]:
    if not lines:
        raise invalid("An invoice needs at least one line.", "input", "lines")
    if len(lines) > MAX_LINES:
        raise invalid(f"At most {MAX_LINES} lines.", "input", "lines")
    cleaned = []
    for index, line in enumerate(lines):
        path = ("input", "lines", str(index))
        description = " ".join(line.description.split())
        if not description or len(description) > 300:
            raise invalid("A description needs 1 to 300 characters.", *path, "description")
        if ensure_minor(line.quantity) < 1:
            raise invalid("Quantity must be at least 1.", *path, "quantity")
        if ensure_minor(line.unit_price_minor) < 0:
            raise invalid("A unit price cannot be negative.", *path, "unitPriceMinor")
        cleaned.append(LineValue(description, line.quantity, line.unit_price_minor))
    return cleaned


async def next_invoice_number(year: int) -> str:
    """Take the next number of `year` under a row lock; call inside a transaction."""
    await InvoiceSequence._meta.db.execute_query(  # the year is an int: nothing to inject
        f"INSERT INTO invoice_sequences (year, last_value) VALUES ({int(year)}, 0) "  # noqa: S608
        "ON CONFLICT DO NOTHING"
    )
    sequence = await InvoiceSequence.filter(year=year).select_for_update().get()
    sequence.last_value += 1
    await sequence.save(update_fields=["last_value"])
    return f"{year}-{sequence.last_value:06d}"


async def buyer_snapshot(account: BillingAccount) -> dict[str, Any]:
    contact = await Contact.get_or_none(
        account_id=account.id, role=account.billing_contact_role
    ).select_related("user")
    first, last, email = contact.shown_as(contact.user) if contact else ("", "", None)
    return {
        "company_name": account.company_name,
        "address": account.address,
        "country": account.country,
        "tax_id": account.tax_id,
        "contact_name": f"{first} {last}".strip() or None,
        "contact_email": email,
    }


async def issue_invoice(
    live: Live,
    clock: Clock,
    account: BillingAccount,
    lines: Sequence[LineValue],
    *,
    subscription: Subscription | None = None,
    due_date: date | None = None,
    actor: User | None = None,
    renewal_for: date | None = None,
) -> Invoice:
    """Issue an invoice with tax frozen now (R-TAX-2); records INVOICE_ISSUED with the PDF."""
    cleaned = clean_lines(lines)
    if subscription is not None and subscription.channel is SalesChannel.RESELLER:
        raise reseller_error(subscription)
    now = clock.now()
    due = due_date or (now.date() + timedelta(days=PAYMENT_TERMS_DAYS))
    if due < now.date():
        raise invalid("The due date cannot be in the past.", "input", "dueDate")
    decision = treatment_of(account)
    require_seller_tax_id(decision.treatment)
    subtotal = sum(line.quantity * line.unit_price_minor for line in cleaned)
    tax = compute_tax(subtotal, decision)
    if subtotal + tax > MAX_TOTAL_MINOR:
        raise invalid(
            f"The invoice total is too large: at most {MAX_TOTAL_MINOR} minor units.",
            "input",
            "lines",
        )
    async with in_transaction():
        invoice = await Invoice.create(
            account=account,
            subscription=subscription,
            number=await next_invoice_number(now.year),
            status=InvoiceStatus.OPEN,
            issued_at=now,
            due_date=due,
            currency=account.currency,
            subtotal_minor=subtotal,
            tax_minor=tax,
            total_minor=subtotal + tax,
            amount_paid_minor=0,
            tax_treatment=decision.treatment.value,
            tax_rate_percent=decision.rate_percent,
            tax_note=decision.note,
            buyer=await buyer_snapshot(account),
            renewal_key=f"{subscription.id}:{renewal_for}"
            if subscription and renewal_for
            else None,
            renewal_for=renewal_for,
        )
        rows = [
            InvoiceLine(
                invoice=invoice,
                position=index,
                description=line.description,
                quantity=line.quantity,
                unit_price_minor=line.unit_price_minor,
                amount_minor=line.quantity * line.unit_price_minor,
            )
            for index, line in enumerate(cleaned)
        ]
        await InvoiceLine.bulk_create(rows)
        total = format_amount(invoice.total_minor, invoice.currency)
        await record_event(
            live,
            clock,
            account,
            EventKind.INVOICE_ISSUED,
            f"Invoice {invoice.number} issued",
            f"Invoice {invoice.number} for {total} {invoice.currency} is due on {due}.",
            subscription=subscription,
            invoice=invoice,
            attachments=(await invoice_attachment(invoice),),
            link_path=invoice_page_path(invoice),
            email_template="invoice_issued",
            email_context=invoice_email_context(invoice),
        )
        await log_activity(
            clock, account.id, actor, "invoice_issued", f"Invoice {invoice.number} issued"
        )
    return invoice


def require_seller_tax_id(treatment: TaxTreatment) -> None:
    """An invoice that charges VAT/GST or applies the reverse charge must name the seller's
    VAT/tax ID (EU VAT Directive, Article 226): refuse to issue one without it."""
    if treatment is TaxTreatment.NOT_APPLICABLE or get_settings().seller_tax_id:
        return
    raise DomainError(
        ErrorCode.INVALID,
        "Cannot issue this invoice: it charges VAT/GST or applies the reverse charge, so it "
        "must show the seller's VAT/tax ID, and none is set. Set PORTAL_SELLER_TAX_ID (with "
        "PORTAL_SELLER_NAME, PORTAL_SELLER_ADDRESS and PORTAL_SELLER_COUNTRY) and retry.",
    )


def invoice_email_context(invoice: Invoice) -> dict[str, Any]:
    country = str(invoice.buyer.get("country") or "")
    return {
        "number": invoice.number,
        "seller": get_settings().seller_name,
        "amount": format_money(invoice.total_minor, invoice.currency, locale_for(country)),
        "due": invoice.due_date,
        "terms_days": (invoice.due_date - invoice.issued_at.date()).days,
    }


async def invoice_attachment(invoice: Invoice) -> Attachment:
    return Attachment(
        f"invoice-{invoice.number}.pdf", "application/pdf", await invoice_pdf(invoice)
    )


async def invoice_pdf(invoice: Invoice) -> bytes:
    lines = await InvoiceLine.filter(invoice_id=invoice.id).order_by("position", "id")
    payments = await Payment.filter(invoice_id=invoice.id).exclude(status=PaymentStatus.PENDING)
    method_ids = {p.payment_method_id for p in payments if p.payment_method_id}  # type: ignore[attr-defined]
    methods = {m.id: m for m in await PaymentMethod.filter(id__in=list(method_ids))}
    document = invoice_document(invoice, lines, payments, methods)
    # ~0.3 s of CPU: in a worker thread, so this process's other requests and live streams
    # keep being served meanwhile (fpdf2 is pure Python: the thread shares the GIL, which
    # hands the event loop a turn every few milliseconds)
    return await asyncio.to_thread(render_invoice_pdf, document)


def invoice_document(
    invoice: Invoice,
    lines: Sequence[InvoiceLine],
    payments: Sequence[Payment],
    methods: dict[int, PaymentMethod],
) -> InvoiceDocument:
    settings = get_settings()
    buyer = invoice.buyer
    return InvoiceDocument(
        seller=Seller(
            name=settings.seller_name,
            address_lines=tuple(
                part.strip() for part in settings.seller_address.split(",") if part.strip()
            ),
            tax_id=settings.seller_tax_id,
            country=settings.seller_country,
        ),
        buyer=Buyer(
            company_name=buyer["company_name"],
            address_lines=_address_lines(buyer.get("address")),
            country=buyer["country"],
            tax_id=buyer.get("tax_id"),
            contact_name=buyer.get("contact_name"),
            contact_email=buyer.get("contact_email"),
        ),
        number=invoice.number,
        issued_date=invoice.issued_at.date(),
        due_date=invoice.due_date,
        currency=invoice.currency,
        lines=tuple(
            LineItem(line.description, line.quantity, line.unit_price_minor, line.amount_minor)
            for line in lines
        ),
        subtotal_minor=invoice.subtotal_minor,
        tax_minor=invoice.tax_minor,
        tax_treatment=invoice.tax_treatment,
        tax_rate_percent=invoice.tax_rate_percent,
        tax_note=invoice.tax_note,
        total_minor=invoice.total_minor,
        amount_due_minor=amount_due(invoice),
        status=invoice.status.value,
        payments=tuple(_payment_entry(p, methods) for p in payments),
        locale=locale_for(buyer["country"]),
        payment_url=settings.app_base_url + invoice_page_path(invoice),
    )


def _payment_entry(payment: Payment, methods: dict[int, PaymentMethod]) -> PaymentEntry:
    method = methods.get(payment.payment_method_id)  # type: ignore[attr-defined]
    brand = method.brand if method else payment.card_brand
    last4 = method.last4 if method else payment.card_last4
    return PaymentEntry(
        payment.created_at.date(),
        payment.amount_minor,
        payment.status.value,
        card_label(brand, last4) if brand and last4 else None,
        payment.failure_message,
    )


def _address_lines(address: dict[str, Any] | None) -> tuple[str, ...]:
    if not address:
        return ()
    city = " ".join(p for p in (address.get("postal_code"), address.get("city")) if p)
    parts = (address.get("line1"), address.get("line2"), city, address.get("region"))
    return tuple(p for p in parts if p)


async def line_values(invoice_ids: list[int]) -> list[tuple[int, str, int, int, int]]:
    """The lines of these invoices as plain values (invoice id, description, quantity, unit
    price, amount), in their order: one statement, no model instances."""
    rows = await statements.values(
        InvoiceLine,
        ("line values", len(invoice_ids)),
        invoice_ids,
        lambda: (
            InvoiceLine.filter(invoice_id__in=invoice_ids)
            .order_by("position", "id")
            .values_list(
                "invoice_id", "description", "quantity", "unit_price_minor", "amount_minor"
            )
        ),
    )
    return [(int(i), str(d), int(q), int(u), int(a)) for i, d, q, u, a in rows]


async def invoice_page(
    account_id: int, first: int, before_id: int | None, status: InvoiceStatus | None
) -> tuple[Page[Invoice], int]:
    """R-BILL-1: newest first, by status; and how many there are in all."""
    if status is not None or before_id is not None:
        query = Invoice.filter(account_id=account_id)
        if status is not None:
            query = query.filter(status=status)
        return await newest_first(query, first, before_id), await query.count()
    # the first page of all invoices: what every dashboard request reads
    rows = await statements.models(
        Invoice,
        "first page",
        [account_id, first + 1],
        lambda: Invoice.filter(account_id=account_id).order_by("-id").limit(first + 1),
    )
    [(total,)] = await statements.values(
        Invoice, "count", [account_id], lambda: Invoice.filter(account_id=account_id).count()
    )
    return Page(items=rows[:first], has_next_page=len(rows) > first), int(total)
