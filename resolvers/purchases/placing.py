"""Placing a purchase once per (account, idempotency key) and charging it once: steps 1
and 2 of the package docstring."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.payments import PaymentGateway
from core.clock import Clock
from models.accounts import BillingAccount
from models.catalog import AddOnKind, CatalogAddOn
from models.invoices import Invoice
from models.payments import Payment, PaymentMethod
from models.purchases import Purchase, PurchaseKind, PurchaseStatus
from models.subscriptions import Deployment, Subscription, SubscriptionStatus
from models.users import User
from notifications.live import Live
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid
from resolvers.invoices import LineValue, issue_invoice
from resolvers.payments import (
    MAX_KEY_LENGTH,
    ChargeCard,
    complete_payment,
    default_method,
    describe,
    fingerprint,
    is_expired,
    key_reused,
    method_for_viewer,
    renewal_method,
    start_payment,
)
from resolvers.subscriptions import prorated_per_seat

MAX_PACKS = 1000
UNITS = {AddOnKind.STORAGE: "GB", AddOnKind.COMPUTE_MINUTES: "compute minutes"}


@dataclass(frozen=True)
class Order:
    """What a purchase buys, priced from the catalog."""

    kind: PurchaseKind
    description: str
    quantity: int
    unit_price_minor: int
    line: LineValue
    card: PaymentMethod
    card_chosen: bool
    subscription: Subscription | None = None
    plan_id: int | None = None
    add_on_id: int | None = None
    deployment: Deployment | None = None
    pack_size: int | None = None
    target_seats: int | None = None


@dataclass(frozen=True)
class PurchaseOutcome:
    purchase: Purchase
    invoice: Invoice
    payment: Payment | None
    subscription: Subscription | None


def clean_key(key: str, *field: str) -> str:
    cleaned = key.strip()
    if not cleaned or len(cleaned) > MAX_KEY_LENGTH:
        raise invalid(
            f"An idempotency key of 1 to {MAX_KEY_LENGTH} characters is required.",
            *(field or ("input", "idempotencyKey")),
        )
    return cleaned


def print_of(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


async def purchase_card(
    clock: Clock,
    actor: User,
    account_id: int,
    method_id: int | None,
    subscription: Subscription | None,
    field: tuple[str, ...] = ("input", "paymentMethodId"),
) -> tuple[PaymentMethod, bool]:
    """The chosen card, else the subscription's renewal card or the account's default (R-PAY-6);
    PAYMENT_METHOD_REQUIRED when the account has none (R-SUB-4)."""
    if method_id is not None:
        method = await method_for_viewer(actor, method_id, *field)
        if method.account_id != account_id:  # type: ignore[attr-defined]
            raise NotFound("Payment method", list(field))
        if is_expired(method, clock.today()):
            raise DomainError(
                ErrorCode.CARD_EXPIRED,
                f"{describe(method)} has expired: choose another card.",
                list(field),
            )
        return method, True
    found = await (renewal_method(subscription) if subscription else default_method(account_id))
    if found is None:
        raise DomainError(
            ErrorCode.PAYMENT_METHOD_REQUIRED,
            "Purchases need a credit card on record: add a card to this billing account, "
            "then buy again. Nothing was bought.",
            list(field),
        )
    return found, False


def one_year_from(start: date) -> date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return date(start.year + 1, 3, 1)


def add_on_units(add_on: CatalogAddOn) -> str:
    return f"{add_on.pack_size} {UNITS[add_on.kind]}"


def active(subscription: Subscription, today: date, *field: str) -> None:
    if subscription.status is not SubscriptionStatus.ACTIVE or subscription.end_date <= today:
        raise invalid(f"Subscription {subscription.name} has ended.", *field)


async def place(
    gateway: PaymentGateway,
    live: Live,
    clock: Clock,
    actor: User,
    account: BillingAccount,
    key: str,
    print_: str,
    order: Callable[[], Awaitable[Order]],
    key_field: tuple[str, ...] = ("input", "idempotencyKey"),
) -> PurchaseOutcome:
    purchase = await Purchase.get_or_none(account_id=account.id, idempotency_key=key)
    if purchase is None:
        purchase = await _record(live, clock, actor, account, key, print_, await order())
    if purchase.request_fingerprint != print_:
        reused = key_reused()
        raise DomainError(reused.code, reused.message, list(key_field))
    return await _settle(gateway, live, clock, purchase, actor)


async def _record(
    live: Live,
    clock: Clock,
    actor: User,
    account: BillingAccount,
    key: str,
    print_: str,
    order: Order,
) -> Purchase:
    """Step 1: the invoice and the purchase, in one transaction; a concurrent duplicate
    (same key) loses on the unique (account, key) and finds the first one."""
    try:
        async with in_transaction():
            if order.kind is PurchaseKind.SEATS:
                order, first = await _seats_line(clock, order, key)
                if first is not None:  # a concurrent duplicate committed while this waited
                    return first
            invoice = await issue_invoice(
                live, clock, account, [order.line], subscription=order.subscription, actor=actor
            )
            return await Purchase.create(
                account=account,
                kind=order.kind,
                idempotency_key=key,
                request_fingerprint=print_,
                invoice=invoice,
                subscription=order.subscription,
                plan_id=order.plan_id,
                add_on_id=order.add_on_id,
                description=order.description,
                deployment=order.deployment,
                quantity=order.quantity,
                pack_size=order.pack_size,
                unit_price_minor=order.unit_price_minor,
                currency=account.currency,
                payment_method=order.card,
                card_chosen=order.card_chosen,
                created_by=actor,
                created_at=clock.now(),
            )
    except IntegrityError:
        return await Purchase.get(account_id=account.id, idempotency_key=key)


async def _seats_line(clock: Clock, order: Order, key: str) -> tuple[Order, Purchase | None]:
    """Under the subscription's lock: the seats to add now, and no other seats order open
    (or the purchase under `key` that a concurrent request made while this one waited)."""
    assert order.subscription is not None and order.target_seats is not None
    locked = await Subscription.filter(id=order.subscription.id).select_for_update().get()
    first = await Purchase.get_or_none(account_id=locked.account_id, idempotency_key=key)  # type: ignore[attr-defined]
    if first is not None:
        return order, first
    waiting = await Purchase.filter(
        subscription_id=locked.id,
        kind=PurchaseKind.SEATS,
        status=PurchaseStatus.AWAITING_PAYMENT,
    ).first()
    if waiting is not None:
        number = (await Invoice.get(id=waiting.invoice_id)).number  # type: ignore[attr-defined]
        raise DomainError(
            ErrorCode.PURCHASE_AWAITING_PAYMENT,
            f"Invoice {number} for {waiting.quantity} more seats of {locked.name} awaits "
            "payment: pay it to get those seats, then buy more.",
            ["seats"],
        )
    extra = order.target_seats - locked.seats
    if extra <= 0:
        raise invalid(f"Subscription {locked.name} already has {locked.seats} seats.", "seats")
    today = clock.today()
    line = LineValue(
        f"{locked.plan}: {extra} additional seats, {today} to {locked.end_date} (prorated)",
        extra,
        prorated_per_seat(locked, today),
    )
    priced = replace(
        order,
        subscription=locked,
        quantity=extra,
        unit_price_minor=line.unit_price_minor,
        line=line,
    )
    return priced, None


async def _settle(
    gateway: PaymentGateway, live: Live, clock: Clock, purchase: Purchase, actor: User | None
) -> PurchaseOutcome:
    """Step 2: charge the purchase's card once under `purchase-<id>`, or replay that charge."""
    invoice = await Invoice.get(id=purchase.invoice_id)  # type: ignore[attr-defined]
    key = f"purchase-{purchase.id}"
    payment = await Payment.get_or_none(account_id=purchase.account_id, idempotency_key=key)  # type: ignore[attr-defined]
    if payment is None and purchase.status is PurchaseStatus.AWAITING_PAYMENT:
        method = await PaymentMethod.get_or_none(id=purchase.payment_method_id)  # type: ignore[attr-defined]
        if method is None:
            raise DomainError(
                ErrorCode.PAYMENT_METHOD_REQUIRED,
                f"The card chosen for this order was deleted: pay invoice {invoice.number} "
                "with another card to complete it.",
                ["input", "paymentMethodId"],
            )
        card = ChargeCard(method.gateway_ref, method.brand, method.last4, method.id)
        payment = await start_payment(
            clock, invoice, card, key, fingerprint(invoice.id, method.id, None), actor=actor
        )
    if payment is not None:
        # a paid invoice completes the purchase
        outcome = await complete_payment(gateway, live, clock, payment)
        payment, invoice = outcome.payment, outcome.invoice
    purchase = await Purchase.get(id=purchase.id)
    subscription_id = purchase.subscription_id  # type: ignore[attr-defined]
    subscription = await Subscription.get_or_none(id=subscription_id) if subscription_id else None
    return PurchaseOutcome(purchase, invoice, payment, subscription)
