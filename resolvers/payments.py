"""Cards on file and paying invoices (R-PAY-1..5, R-BILL-3, R-BILL-4).

Cards arrive as gateway tokens; the portal stores the gateway's reference and display details
only, never a number (R-PAY-2). Once an account has a card, exactly one is its default: every
change of default runs with the account row locked.

Paying is three steps, so a charge happens at most once per idempotency key (R-BILL-3):

1. in a transaction, lock the invoice and insert a PENDING payment under the unique
   (account, idempotency key); a duplicate request finds that row instead of making one;
2. charge the gateway outside any transaction, with a gateway key derived from the payment,
   so a repeat (a concurrent duplicate, or a retry after a crash between 2 and 3) replays
   the gateway's first result instead of charging again;
3. in a transaction, lock the payment, record the outcome once (SUCCEEDED/FAILED), update
   the invoice and record PAYMENT_SUCCEEDED / PAYMENT_FAILED.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.payments import (
    CardDetails,
    CardRejected,
    ChargeResult,
    GatewayUnavailable,
    IdempotencyKeyReused,
)
from adapters.payments.current import get_gateway
from models.accounts import BillingAccount
from models.invoices import Invoice, InvoiceStatus
from models.notifications import EventKind
from models.payments import Payment, PaymentMethod, PaymentStatus
from models.subscriptions import Subscription
from models.users import User
from notifications.events import record_event
from portal import clock
from resolvers.access import managed_account, manager_of
from resolvers.accounts import log_activity
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid
from resolvers.invoices import amount_due, invoice_for_viewer
from resolvers.money import format_amount

MAX_KEY_LENGTH = 255


# ------------------------------------------------------------------------------- cards


def is_expired(method: PaymentMethod, today: date | None = None) -> bool:
    """A card works through the last day of its expiry month."""
    today = today or clock.today()
    return (method.exp_year, method.exp_month) < (today.year, today.month)


def describe(method: PaymentMethod) -> str:
    return f"{method.brand} ending {method.last4}"


async def _lock_account(account_id: int) -> None:
    await BillingAccount.filter(id=account_id).select_for_update().first()


async def _make_default(method: PaymentMethod) -> None:
    """Call with the account row locked."""
    account_id = method.account_id  # type: ignore[attr-defined]
    await (
        PaymentMethod.filter(account_id=account_id, is_default=True)
        .exclude(id=method.id)
        .update(is_default=False)
    )
    if not method.is_default:
        method.is_default = True
        await method.save(update_fields=["is_default"])


async def attach(token: str, *field: str) -> CardDetails:
    """The gateway's card for a browser token; INVALID if the gateway refuses it (R-PAY-2)."""
    cleaned = token.strip()
    if not cleaned or len(cleaned) > 255:
        raise invalid("A payment token from the gateway is required.", *field)
    try:
        return await get_gateway().attach_card(cleaned)
    except CardRejected as exc:
        raise invalid(f"The card was refused: {exc.message}", *field) from exc
    except GatewayUnavailable as exc:
        raise DomainError(ErrorCode.PROVIDER_UNAVAILABLE, exc.message) from exc


async def add_payment_method(
    actor: User, account_id: int, token: str, *, make_default: bool = False
) -> PaymentMethod:
    """R-PAY-1/2: the first card becomes the default; `make_default` moves the default."""
    account = await managed_account(actor, account_id)
    card = await attach(token, "paymentToken")
    async with in_transaction():
        await _lock_account(account.id)
        has_default = await PaymentMethod.filter(account_id=account.id, is_default=True).exists()
        method = await PaymentMethod.create(
            account=account,
            gateway_ref=card.gateway_ref,
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            cardholder_name=card.cardholder_name,
            is_default=False,
            created_at=clock.now(),
        )
        if make_default or not has_default:
            await _make_default(method)
        await log_activity(account.id, actor, "card_added", f"Card {describe(method)} added")
    return method


async def method_for_viewer(actor: User, method_id: int, *field: str) -> PaymentMethod:
    method = await PaymentMethod.get_or_none(id=method_id)
    if method is None:
        raise NotFound("Payment method", list(field) or None)
    try:
        await manager_of(actor, method.account_id)  # type: ignore[attr-defined]
    except NotFound:
        raise NotFound("Payment method", list(field) or None) from None
    return method


def _check_expiry(month: int | None, year: int | None, method: PaymentMethod) -> tuple[int, int]:
    new_month = method.exp_month if month is None else month
    new_year = method.exp_year if year is None else year
    if not 1 <= new_month <= 12:
        raise invalid("The expiry month must be between 1 and 12.", "expMonth")
    today = clock.today()
    if new_year < today.year or new_year > today.year + 50:
        raise invalid(
            f"The expiry year must be between {today.year} and {today.year + 50}.", "expYear"
        )
    if (new_year, new_month) < (today.year, today.month):
        raise invalid("The card would already be expired.", "expMonth")
    return new_month, new_year


async def update_payment_method(
    actor: User,
    method_id: int,
    *,
    exp_month: int | None = None,
    exp_year: int | None = None,
    cardholder_name: str | None = None,
    make_default: bool | None = None,
) -> PaymentMethod:
    """R-PAY-3: edit expiry and cardholder name, or mark the card default."""
    method = await method_for_viewer(actor, method_id, "paymentMethodId")
    month, year = _check_expiry(exp_month, exp_year, method)
    name = method.cardholder_name
    if cardholder_name is not None:
        name = " ".join(cardholder_name.split()) or None
        if name is not None and len(name) > 200:
            raise invalid("At most 200 characters.", "cardholderName")
    if make_default is False and method.is_default:
        raise invalid("Mark another card as default instead.", "makeDefault")
    async with in_transaction():
        await _lock_account(method.account_id)  # type: ignore[attr-defined]
        await method.refresh_from_db()
        method.exp_month, method.exp_year, method.cardholder_name = month, year, name
        await method.save(update_fields=["exp_month", "exp_year", "cardholder_name"])
        if make_default:
            await _make_default(method)
        await log_activity(
            method.account_id,  # type: ignore[attr-defined]
            actor,
            "card_updated",
            f"Card {describe(method)} updated",
        )
    return method


async def delete_payment_method(actor: User | None, method_id: int) -> int:
    """R-PAY-4: a customer deletes a non-default card; the operator (`actor=None`) any card,
    the newest remaining card becoming the default."""
    if actor is not None:
        method = await method_for_viewer(actor, method_id, "paymentMethodId")
    else:
        found = await PaymentMethod.get_or_none(id=method_id)
        if found is None:
            raise NotFound("Payment method", ["paymentMethodId"])
        method = found
    account_id: int = method.account_id  # type: ignore[attr-defined]
    async with in_transaction():
        await _lock_account(account_id)
        await method.refresh_from_db()
        if method.is_default and actor is not None:
            raise DomainError(
                ErrorCode.CANNOT_DELETE_DEFAULT_PAYMENT_METHOD,
                "The default card cannot be deleted: make another card the default first, "
                "or contact the billing team.",
                ["paymentMethodId"],
            )
        await method.delete()
        if method.is_default:
            newest = (
                await PaymentMethod.filter(account_id=account_id)
                .order_by("-created_at", "-id")
                .first()
            )
            if newest is not None:
                await _make_default(newest)
        await log_activity(account_id, actor, "card_deleted", f"Card {describe(method)} deleted")
    return method_id


async def default_method(account_id: int) -> PaymentMethod | None:
    return await PaymentMethod.get_or_none(account_id=account_id, is_default=True)


# ----------------------------------------------------------------------------- payments


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment
    invoice: Invoice
    recorded_now: bool = False  # this call recorded the outcome (not a replay)


@dataclass(frozen=True)
class _Card:
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
        card = await _card_for(actor, invoice, payment_method_id, payment_token)
        payment = await start_payment(invoice, card, key, print_)
    else:
        payment = existing
    if payment.request_fingerprint != print_:
        raise key_reused()
    return await complete_payment(payment)


async def _card_for(
    actor: User, invoice: Invoice, method_id: int | None, token: str | None
) -> _Card:
    if method_id is not None:
        method = await method_for_viewer(actor, method_id, "input", "paymentMethodId")
        if method.account_id != invoice.account_id:  # type: ignore[attr-defined]
            raise NotFound("Payment method", ["input", "paymentMethodId"])
        return _Card(method.gateway_ref, method.brand, method.last4, method.id)
    card = await attach(token or "", "input", "paymentToken")
    return _Card(card.gateway_ref, card.brand, card.last4, None)


async def start_payment(invoice: Invoice, card: _Card, key: str, print_: str) -> Payment:
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
                created_at=clock.now(),
            )
    except IntegrityError:
        return await Payment.get(account_id=account_id, idempotency_key=key)


async def complete_payment(payment: Payment) -> PaymentOutcome:
    """Steps 2 and 3; also resumes a payment left PENDING by a crash or a concurrent request."""
    recorded = False
    if payment.status is PaymentStatus.PENDING:
        result = await charge(payment)
        payment, recorded = await record_outcome(payment.id, result)
    invoice = await Invoice.get(id=payment.invoice_id)  # type: ignore[attr-defined]
    return PaymentOutcome(payment=payment, invoice=invoice, recorded_now=recorded)


async def charge(payment: Payment) -> ChargeResult:
    """Step 2, outside any transaction. The gateway key replays the first charge."""
    try:
        return await get_gateway().charge(
            card_ref=payment.card_ref or "",
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            idempotency_key=gateway_key(payment),
            description=payment.description,
        )
    except CardRejected as exc:
        return ChargeResult(False, "", "CARD_DECLINED", exc.message)
    except IdempotencyKeyReused as exc:
        raise key_reused() from exc
    except GatewayUnavailable as exc:
        raise DomainError(
            ErrorCode.PROVIDER_UNAVAILABLE,
            f"{exc.message} Retry with the same idempotency key: you will be charged once.",
        ) from exc


async def record_outcome(payment_id: int, result: ChargeResult) -> tuple[Payment, bool]:
    """Step 3: the first outcome recorded wins (True); later calls return it (False)."""
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
                account,
                EventKind.PAYMENT_SUCCEEDED,
                f"Payment received for invoice {invoice.number}",
                f"Receipt: {amount} was charged to {card} for invoice {invoice.number}.",
                invoice=invoice,
            )
            if invoice.status is InvoiceStatus.PAID:
                await extend_renewed_term(account, invoice)
        else:
            await record_event(
                account,
                EventKind.PAYMENT_FAILED,
                f"Payment failed for invoice {invoice.number}",
                f"Charging {amount} to {card} failed: {result.failure_message} "
                f"Invoice {invoice.number} is still open.",
                invoice=invoice,
            )
    return payment, True


async def extend_renewed_term(account: BillingAccount, invoice: Invoice) -> None:
    """A paid renewal invoice extends its subscription by one term (R-SUB-3), once."""
    if invoice.renewal_for is None or invoice.subscription_id is None:  # type: ignore[attr-defined]
        return
    subscription = (
        await Subscription.filter(id=invoice.subscription_id)  # type: ignore[attr-defined]
        .select_for_update()
        .get()
    )
    if subscription.end_date != invoice.renewal_for:
        return
    term = subscription.end_date - subscription.start_date
    subscription.start_date = subscription.end_date
    subscription.end_date = subscription.end_date + term
    subscription.renewal_failed_for = None
    await subscription.save(update_fields=["start_date", "end_date", "renewal_failed_for"])
    await record_event(
        account,
        EventKind.SUBSCRIPTION_RENEWED,
        f"Subscription {subscription.name} renewed",
        f"{subscription.plan} ({subscription.seats} seats) renewed until "
        f"{subscription.end_date}; invoice {invoice.number} is paid.",
        subscription=subscription,
        invoice=invoice,
    )


def failure_error(payment: Payment) -> DomainError | None:
    """The userError a failed payment answers with (R-BILL-4)."""
    if payment.status is not PaymentStatus.FAILED:
        return None
    code = ErrorCode.__members__.get(payment.failure_code or "", ErrorCode.CARD_DECLINED)
    return DomainError(code, payment.failure_message or "The payment failed.", ["input"])


# ------------------------------------------------------------------------------ prompts


def card_expiry_end(method: PaymentMethod) -> date:
    """The first day on which the card no longer works."""
    if method.exp_month == 12:
        return date(method.exp_year + 1, 1, 1)
    return date(method.exp_year, method.exp_month + 1, 1)


async def next_auto_renewal(account_id: int) -> date | None:
    from models.subscriptions import SalesChannel, SubscriptionStatus

    due = (
        await Subscription.filter(
            account_id=account_id,
            status=SubscriptionStatus.ACTIVE,
            channel=SalesChannel.DIRECT,
            auto_renew=True,
        )
        .order_by("end_date")
        .first()
    )
    return due.end_date if due else None


async def default_card_expiry_message(account_id: int) -> str | None:
    """DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL: the default card stops working before the next
    automatic renewal would charge it (R-PAY-1, R-SUB-3)."""
    method = await default_method(account_id)
    renewal = await next_auto_renewal(account_id)
    if method is None or renewal is None or card_expiry_end(method) > renewal:
        return None
    return (
        f"The default card {describe(method)} expires {method.exp_month:02d}/{method.exp_year}, "
        f"before the next automatic renewal on {renewal}. Add a new card or update its expiry."
    )
