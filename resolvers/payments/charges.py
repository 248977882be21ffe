"""Paying invoices once per idempotency key (R-BILL-3, R-BILL-4): see the package docstring."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.payments import (
    CardRejected,
    ChargeResult,
    GatewayUnavailable,
    IdempotencyKeyReused,
    PaymentGateway,
)
from core import metrics
from core.clock import Clock
from core.money import format_amount
from core.settings import get_settings
from models.accounts import BillingAccount
from models.invoices import Invoice, InvoiceStatus
from models.notifications import EventKind
from models.payments import Payment, PaymentStatus
from models.users import User
from notifications.events import record_event
from notifications.live import Live
from resolvers.activity import log_activity
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid
from resolvers.invoices import amount_due, invoice_for_viewer
from resolvers.payments.cards import attach, method_for_viewer
from resolvers.subscriptions import extend_renewed_term

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment
    invoice: Invoice
    recorded_now: bool = False  # this call recorded the outcome (not a replay)


@dataclass(frozen=True)
class ChargeCard:
    ref: str
    brand: str
    last4: str
    method_id: int | None


def fingerprint(invoice_id: int, method_id: int | None, token: str | None) -> str:
    """What makes two requests "the same" for one idempotency key."""
    source = f"invoice={invoice_id}|method={method_id or ''}|token={token or ''}"
    return hashlib.sha256(source.encode()).hexdigest()


def gateway_key(payment: Payment) -> str:
    return f"portal-payment-{payment.id}"


def key_reused() -> DomainError:
    return DomainError(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "This idempotency key was already used for a different payment; use a new key.",
        ["input", "idempotencyKey"],
    )


async def pay_invoice(
    gateway: PaymentGateway,
    live: Live,
    clock: Clock,
    actor: User,
    invoice_id: int,
    *,
    idempotency_key: str,
    payment_method_id: int | None = None,
    payment_token: str | None = None,
) -> PaymentOutcome:
    """R-BILL-3/4: pay an open invoice once per idempotency key; a decline leaves it open."""
    key = idempotency_key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise invalid(
            f"An idempotency key of 1 to {MAX_KEY_LENGTH} characters is required.",
            "input",
            "idempotencyKey",
        )
    if (payment_method_id is None) == (payment_token is None):
        raise invalid("Give either a card on file or a new card token.", "input")
    invoice = await invoice_for_viewer(actor, invoice_id, "input", "invoiceId")
    print_ = fingerprint(invoice.id, payment_method_id, payment_token)
    existing = await Payment.get_or_none(account_id=invoice.account_id, idempotency_key=key)  # type: ignore[attr-defined]
    if existing is None:
        # R-ERR-6: a crashed attempt blocks the invoice no more
        await settle_pending(gateway, live, clock, invoice_id=invoice.id)
        card = await _card_for(gateway, actor, invoice, payment_method_id, payment_token)
        payment = await start_payment(clock, invoice, card, key, print_, actor=actor)
    else:
        payment = existing
    if payment.request_fingerprint != print_:
        raise key_reused()
    return await complete_payment(gateway, live, clock, payment)


async def _card_for(
    gateway: PaymentGateway, actor: User, invoice: Invoice, method_id: int | None, token: str | None
) -> ChargeCard:
    if method_id is not None:
        method = await method_for_viewer(actor, method_id, "input", "paymentMethodId")
        if method.account_id != invoice.account_id:  # type: ignore[attr-defined]
            raise NotFound("Payment method", ["input", "paymentMethodId"])
        return ChargeCard(method.gateway_ref, method.brand, method.last4, method.id)
    card = await attach(gateway, token or "", "input", "paymentToken")
    return ChargeCard(card.gateway_ref, card.brand, card.last4, None)


async def start_payment(
    clock: Clock,
    invoice: Invoice,
    card: ChargeCard,
    key: str,
    print_: str,
    *,
    actor: User | None = None,
) -> Payment:
    """Step 1: a PENDING payment, unique per (account, key); a duplicate gets the first row."""
    account_id: int = invoice.account_id  # type: ignore[attr-defined]
    try:
        async with in_transaction():
            locked = await Invoice.filter(id=invoice.id).select_for_update().get()
            existing = await Payment.get_or_none(account_id=account_id, idempotency_key=key)
            if existing is not None:
                return existing
            due = amount_due(locked)
            if locked.status is not InvoiceStatus.OPEN or due <= 0:
                raise DomainError(
                    ErrorCode.INVOICE_NOT_PAYABLE,
                    f"Invoice {locked.number} is {locked.status.value.lower()}: "
                    "there is nothing to pay.",
                    ["input", "invoiceId"],
                )
            if await Payment.filter(invoice_id=locked.id, status=PaymentStatus.PENDING).exists():
                raise DomainError(
                    ErrorCode.INVOICE_NOT_PAYABLE,
                    f"A payment of invoice {locked.number} is in progress.",
                    ["input", "invoiceId"],
                )
            return await Payment.create(
                account_id=account_id,
                invoice=locked,
                payment_method_id=card.method_id,
                status=PaymentStatus.PENDING,
                amount_minor=due,
                currency=locked.currency,
                idempotency_key=key,
                request_fingerprint=print_,
                card_ref=card.ref,
                card_brand=card.brand,
                card_last4=card.last4,
                description=f"Invoice {locked.number}",
                created_by=actor,
                created_at=clock.now(),
            )
    except IntegrityError:
        return await Payment.get(account_id=account_id, idempotency_key=key)


async def complete_payment(
    gateway: PaymentGateway, live: Live, clock: Clock, payment: Payment
) -> PaymentOutcome:
    """Steps 2 and 3; also resumes a payment left PENDING by a crash or a concurrent request."""
    recorded = False
    if payment.status is PaymentStatus.PENDING:
        result = await charge(gateway, payment)
        payment, recorded = await record_outcome(live, clock, payment.id, result)
    invoice = await Invoice.get(id=payment.invoice_id)  # type: ignore[attr-defined]
    return PaymentOutcome(payment=payment, invoice=invoice, recorded_now=recorded)


async def charge(gateway: PaymentGateway, payment: Payment) -> ChargeResult:
    """Step 2, outside any transaction. The gateway key replays the first charge."""
    started = time.perf_counter()
    try:
        result = await gateway.charge(
            card_ref=payment.card_ref or "",
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            idempotency_key=gateway_key(payment),
            description=payment.description,
        )
    except CardRejected as exc:
        result = ChargeResult(False, "", "CARD_DECLINED", exc.message)
    except IdempotencyKeyReused as exc:
        metrics.PAYMENTS.labels("idempotency_key_reused").inc()
        raise key_reused() from exc
    except GatewayUnavailable as exc:
        metrics.PAYMENTS.labels("gateway_unavailable").inc()
        raise DomainError(
            ErrorCode.PROVIDER_UNAVAILABLE,
            f"{exc.message} Retry with the same idempotency key: you will be charged once.",
        ) from exc
    finally:
        metrics.GATEWAY_DURATION.labels("charge").observe(time.perf_counter() - started)
    metrics.PAYMENTS.labels("succeeded" if result.succeeded else str(result.failure_code)).inc()
    return result


async def record_outcome(
    live: Live, clock: Clock, payment_id: int, result: ChargeResult, *, settled: str | None = None
) -> tuple[Payment, bool]:
    """Step 3: the first outcome recorded wins (True); later calls return it (False).

    `settled` says how a payment left pending was settled, for the activity log (R-ERR-6).
    """
    async with in_transaction():
        payment = await Payment.filter(id=payment_id).select_for_update().get()
        if payment.status is not PaymentStatus.PENDING:
            return payment, False
        invoice = await Invoice.filter(id=payment.invoice_id).select_for_update().get()  # type: ignore[attr-defined]
        account = await BillingAccount.get(id=payment.account_id)  # type: ignore[attr-defined]
        payment.status = PaymentStatus.SUCCEEDED if result.succeeded else PaymentStatus.FAILED
        payment.gateway_charge_id = result.charge_id or None
        payment.failure_code = result.failure_code
        payment.failure_message = result.failure_message
        payment.completed_at = clock.now()
        await payment.save()
        amount = f"{format_amount(payment.amount_minor, payment.currency)} {payment.currency}"
        card = f"{payment.card_brand} ending {payment.card_last4}"
        if result.succeeded:
            invoice.amount_paid_minor += payment.amount_minor
            if amount_due(invoice) <= 0:
                invoice.status = InvoiceStatus.PAID
            await invoice.save(update_fields=["amount_paid_minor", "status"])
            await record_event(
                live,
                clock,
                account,
                EventKind.PAYMENT_SUCCEEDED,
                f"Payment received for invoice {invoice.number}",
                f"Receipt: {amount} was charged to {card} for invoice {invoice.number}.",
                invoice=invoice,
            )
            if invoice.status is InvoiceStatus.PAID:
                await extend_renewed_term(live, clock, account, invoice)
                from resolvers.purchases import complete_purchase  # it imports this module

                # R-SUB-4: a paid order is fulfilled
                await complete_purchase(live, clock, account, invoice)
            summary = f"Paid {amount} for invoice {invoice.number} with {card}"
        else:
            await record_event(
                live,
                clock,
                account,
                EventKind.PAYMENT_FAILED,
                f"Payment failed for invoice {invoice.number}",
                f"Charging {amount} to {card} failed: {result.failure_message} "
                f"Invoice {invoice.number} is still open.",
                invoice=invoice,
            )
            summary = f"Payment of {amount} for invoice {invoice.number} with {card} failed"
        payer = await User.get_or_none(id=payment.created_by_id)  # type: ignore[attr-defined]
        action = f"payment_{payment.status.value.lower()}"
        if settled is not None:
            action, summary = f"{action}_settled", f"{summary}: {settled}"
        await log_activity(clock, account.id, payer, action, summary)
    return payment, True


def failure_error(payment: Payment) -> DomainError | None:
    """The userError a failed payment answers with (R-BILL-4)."""
    if payment.status is not PaymentStatus.FAILED:
        return None
    code = ErrorCode.__members__.get(payment.failure_code or "", ErrorCode.CARD_DECLINED)
    return DomainError(code, payment.failure_message or "The payment failed.", ["input"])


# ------------------------------------------------------------------ R-ERR-6: never pending


INTERRUPTED = (
    "The payment was interrupted before the card was charged; nothing was charged. "
    "Pay again with a new idempotency key."
)


async def settle(
    gateway: PaymentGateway,
    live: Live,
    clock: Clock,
    payment: Payment,
    *,
    give_up_before: datetime | None,
) -> bool:
    """Settle a pending payment with the gateway's record of its key (R-ERR-6).

    Charged: recorded as the gateway answered. Never charged: recorded FAILED, but only if
    the payment started before `give_up_before` (a younger one may still be in flight).
    True if this call recorded the outcome; concurrent settlers record it once.
    """
    try:
        result = await gateway.find_charge(gateway_key(payment))
    except GatewayUnavailable:
        return False
    if result is not None:
        how = (
            f"settled after an interruption: the gateway had charged it ({result.charge_id})"
            if result.succeeded
            else f"settled after an interruption: the gateway had declined it ({result.charge_id})"
        )
    elif give_up_before is not None and payment.created_at < give_up_before:
        result = ChargeResult(False, "", "PROVIDER_UNAVAILABLE", INTERRUPTED)  # type: ignore[arg-type]
        how = "settled after an interruption: the gateway never charged it, nothing was charged"
    else:
        return False
    _, recorded = await record_outcome(live, clock, payment.id, result, settled=how)
    return recorded


def stale_before(clock: Clock) -> datetime:
    return clock.now() - timedelta(minutes=get_settings().payment_settle_after_minutes)


async def settle_pending(
    gateway: PaymentGateway, live: Live, clock: Clock, *, invoice_id: int | None = None
) -> int:
    """Settle the stale pending payments (of one invoice, or all); how many were recorded."""
    pending = Payment.filter(status=PaymentStatus.PENDING)
    if invoice_id is not None:
        # on the next attempt, one the gateway knows is settled at once, whatever its age
        pending = pending.filter(invoice_id=invoice_id)
    else:
        pending = pending.filter(created_at__lt=stale_before(clock))
    recorded = 0
    for payment in await pending.order_by("id"):
        recorded += await settle(gateway, live, clock, payment, give_up_before=stale_before(clock))
    return recorded
