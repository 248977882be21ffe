"""Buying in the portal (R-SUB-4): a new direct subscription from the catalog, more seats, and
add-on packs; R-PAY-6 (the card a subscription's purchases charge); R-SUB-5 (the confirmation).

Every purchase needs a card on record (PAYMENT_METHOD_REQUIRED otherwise, nothing changes), is
priced from the catalog in the account's currency, and is one `Purchase` per (account,
idempotency key):

1. the same key again finds that purchase (different parameters: IDEMPOTENCY_KEY_REUSED);
   otherwise one transaction issues its invoice (taxed like every invoice) and inserts it;
2. its invoice is charged through the payment machinery (`resolvers.payments`) under the
   payment key `purchase-<id>`: one payment, one gateway charge, whatever the retries;
3. the transaction that records the invoice as paid fulfils the purchase (`complete_purchase`):
   the subscription is created (with its confirmation and how to get access), the seats or the
   add-on added, all logged and announced. A declined card leaves the invoice open and the
   purchase AWAITING_PAYMENT; paying the invoice later (payInvoice) completes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.payments import PaymentGateway
from core import clock
from core.money import format_amount
from models.accounts import BillingAccount
from models.catalog import AddOnKind, CatalogAddOn
from models.invoices import Invoice
from models.notifications import EventKind
from models.payments import Payment, PaymentMethod
from models.purchases import Purchase, PurchaseKind, PurchaseStatus
from models.subscriptions import Deployment, SalesChannel, Subscription, SubscriptionStatus
from models.users import User
from notifications.events import record_event
from resolvers.access import managed_account
from resolvers.activity import log_activity
from resolvers.catalog import add_on_on_sale, plan_on_sale, price_in
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid
from resolvers.invoices import LineValue, issue_invoice, reseller_error
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
from resolvers.subscriptions import (
    MAX_SEATS,
    announce_created,
    next_subscription_name,
    prorated_per_seat,
    subscription_for_viewer,
    term_price_per_seat,
)

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


def clean_key(key: str) -> str:
    cleaned = key.strip()
    if not cleaned or len(cleaned) > MAX_KEY_LENGTH:
        raise invalid(
            f"An idempotency key of 1 to {MAX_KEY_LENGTH} characters is required.",
            "input",
            "idempotencyKey",
        )
    return cleaned


def _print(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


async def purchase_card(
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
        if is_expired(method):
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


# ------------------------------------------------------------------------ the three purchases


async def buy_subscription(
    gateway: PaymentGateway,
    actor: User,
    account_id: int,
    *,
    plan_id: int,
    deployment: Deployment,
    seats: int,
    idempotency_key: str,
    payment_method_id: int | None = None,
) -> PurchaseOutcome:
    """R-SUB-4: a new direct subscription of a catalog plan, one year from today."""
    account = await managed_account(actor, account_id)
    key = clean_key(idempotency_key)
    print_ = _print("subscription", plan_id, deployment.value, seats, payment_method_id)

    async def order() -> Order:
        plan = await plan_on_sale(plan_id, "input", "planId")
        if not 1 <= seats <= MAX_SEATS:
            raise invalid(f"Seats must be between 1 and {MAX_SEATS}.", "input", "seats")
        price = price_in(plan, account.currency, "input", "planId")
        card, chosen = await purchase_card(actor, account.id, payment_method_id, None)
        start = clock.today()
        end = one_year_from(start)
        label = "GitLab.com" if deployment is Deployment.GITLAB_COM else "Self-Managed"
        line = LineValue(
            f"{plan.name} ({label}), {start} to {end}",
            seats,
            term_price_per_seat(price, start, end),
        )
        return Order(
            PurchaseKind.SUBSCRIPTION,
            plan.name,
            seats,
            price,
            line,
            card,
            chosen,
            plan_id=plan.id,
            deployment=deployment,
        )

    return await _place(gateway, actor, account, key, print_, order)


async def buy_seats(
    gateway: PaymentGateway,
    actor: User,
    subscription_id: int,
    seats: int,
    *,
    idempotency_key: str | None = None,
    payment_method_id: int | None = None,
) -> tuple[Subscription, PurchaseOutcome | None]:
    """More seats now, prorated for the rest of the term and charged to the subscription's
    card (R-SUB-4, R-PAY-6); fewer only at renewal. Without a key, one is derived from the
    change, so a repeated request buys once."""
    subscription = await subscription_for_viewer(actor, subscription_id)
    if subscription.channel is SalesChannel.RESELLER:
        raise reseller_error(subscription)
    _active(subscription, "subscriptionId")
    if not 1 <= seats <= MAX_SEATS:
        raise invalid(f"Seats must be between 1 and {MAX_SEATS}.", "seats")
    if seats < subscription.seats:
        raise invalid(
            f"Seats cannot be reduced during the term (now {subscription.seats}); a reduction "
            f"takes effect at renewal on {subscription.end_date}: contact the billing team.",
            "seats",
        )
    account = await BillingAccount.get(id=subscription.account_id)  # type: ignore[attr-defined]
    key = clean_key(
        idempotency_key
        if idempotency_key is not None
        else f"seats-{subscription.id}-{subscription.seats}-{seats}-{payment_method_id or 0}"
    )
    print_ = _print("seats", subscription.id, seats, payment_method_id)
    existing = await Purchase.get_or_none(account_id=account.id, idempotency_key=key)
    if existing is None and seats == subscription.seats:
        return subscription, None

    async def order() -> Order:
        card, chosen = await purchase_card(
            actor, account.id, payment_method_id, subscription, ("paymentMethodId",)
        )
        line = LineValue("seats", 1, 0)  # priced under the subscription's lock: `_seats_line`
        return Order(
            PurchaseKind.SEATS,
            subscription.plan,
            0,
            0,
            line,
            card,
            chosen,
            subscription=subscription,
            target_seats=seats,
        )

    outcome = await _place(gateway, actor, account, key, print_, order)
    return await Subscription.get(id=subscription.id), outcome


async def buy_add_on(
    gateway: PaymentGateway,
    actor: User,
    subscription_id: int,
    *,
    add_on_id: int,
    quantity: int,
    idempotency_key: str,
    payment_method_id: int | None = None,
) -> PurchaseOutcome:
    """R-SUB-4: packs of storage or compute minutes for a direct subscription."""
    subscription = await subscription_for_viewer(actor, subscription_id)
    subscription_field = ("input", "subscriptionId")
    if subscription.channel is SalesChannel.RESELLER:
        error = reseller_error(subscription)
        raise DomainError(error.code, error.message, list(subscription_field))
    account = await BillingAccount.get(id=subscription.account_id)  # type: ignore[attr-defined]
    key = clean_key(idempotency_key)
    print_ = _print("add-on", subscription.id, add_on_id, quantity, payment_method_id)

    async def order() -> Order:
        _active(subscription, *subscription_field)
        add_on = await add_on_on_sale(add_on_id, "input", "addOnId")
        if not 1 <= quantity <= MAX_PACKS:
            raise invalid(f"Buy 1 to {MAX_PACKS} packs.", "input", "quantity")
        price = price_in(add_on, account.currency, "input", "addOnId")
        card, chosen = await purchase_card(actor, account.id, payment_method_id, subscription)
        line = LineValue(
            f"{add_on.name} for {subscription.name} ({add_on_units(add_on)} per pack)",
            quantity,
            price,
        )
        return Order(
            PurchaseKind.ADD_ON,
            add_on.name,
            quantity,
            price,
            line,
            card,
            chosen,
            subscription=subscription,
            add_on_id=add_on.id,
            pack_size=add_on.pack_size,
        )

    return await _place(gateway, actor, account, key, print_, order)


def add_on_units(add_on: CatalogAddOn) -> str:
    return f"{add_on.pack_size} {UNITS[add_on.kind]}"


def _active(subscription: Subscription, *field: str) -> None:
    if subscription.status is not SubscriptionStatus.ACTIVE or (
        subscription.end_date <= clock.today()
    ):
        raise invalid(f"Subscription {subscription.name} has ended.", *field)


# ----------------------------------------------------------------------- placing and paying


async def _place(
    gateway: PaymentGateway,
    actor: User,
    account: BillingAccount,
    key: str,
    print_: str,
    order: Callable[[], Awaitable[Order]],
) -> PurchaseOutcome:
    purchase = await Purchase.get_or_none(account_id=account.id, idempotency_key=key)
    if purchase is None:
        purchase = await _record(actor, account, key, print_, await order())
    if purchase.request_fingerprint != print_:
        raise key_reused()
    return await _settle(gateway, purchase, actor)


async def _record(
    actor: User, account: BillingAccount, key: str, print_: str, order: Order
) -> Purchase:
    """Step 1: the invoice and the purchase, in one transaction; a concurrent duplicate
    (same key) loses on the unique (account, key) and finds the first one."""
    try:
        async with in_transaction():
            if order.kind is PurchaseKind.SEATS:
                order, first = await _seats_line(order, key)
                if first is not None:  # a concurrent duplicate committed while this waited
                    return first
            invoice = await issue_invoice(
                account, [order.line], subscription=order.subscription, actor=actor
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


async def _seats_line(order: Order, key: str) -> tuple[Order, Purchase | None]:
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
    gateway: PaymentGateway, purchase: Purchase, actor: User | None
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
            invoice, card, key, fingerprint(invoice.id, method.id, None), actor=actor
        )
    if payment is not None:
        outcome = await complete_payment(gateway, payment)  # a paid invoice completes the purchase
        payment, invoice = outcome.payment, outcome.invoice
    purchase = await Purchase.get(id=purchase.id)
    subscription_id = purchase.subscription_id  # type: ignore[attr-defined]
    subscription = await Subscription.get_or_none(id=subscription_id) if subscription_id else None
    return PurchaseOutcome(purchase, invoice, payment, subscription)


# ------------------------------------------------------------------------------ fulfilment


async def complete_purchase(account: BillingAccount, invoice: Invoice) -> None:
    """Step 3, in the transaction that records `invoice` as paid: fulfil its purchase once."""
    purchase = await Purchase.filter(invoice_id=invoice.id).select_for_update().first()
    if purchase is None or purchase.status is not PurchaseStatus.AWAITING_PAYMENT:
        return
    actor = await User.get_or_none(id=purchase.created_by_id)  # type: ignore[attr-defined]
    if purchase.kind is PurchaseKind.SUBSCRIPTION:
        purchase.subscription = await _open_subscription(account, purchase, invoice, actor)
    elif purchase.kind is PurchaseKind.SEATS:
        await _add_seats(account, purchase, actor)
    else:
        await _add_add_on(account, purchase, actor)
    purchase.status = PurchaseStatus.COMPLETED
    purchase.completed_at = clock.now()
    await purchase.save(update_fields=["status", "completed_at", "subscription_id"])


async def _open_subscription(
    account: BillingAccount, purchase: Purchase, invoice: Invoice, actor: User | None
) -> Subscription:
    assert purchase.deployment is not None
    start = clock.today()
    subscription = await Subscription.create(
        account=account,
        name=await next_subscription_name(),
        plan=purchase.description,
        deployment=purchase.deployment,
        seats=purchase.quantity,
        unit_price_minor=purchase.unit_price_minor,
        start_date=start,
        end_date=one_year_from(start),
        auto_renew=True,
        status=SubscriptionStatus.ACTIVE,
        channel=SalesChannel.DIRECT,
        payment_method_id=purchase.payment_method_id if purchase.card_chosen else None,  # type: ignore[attr-defined]
        created_at=clock.now(),
    )
    await Invoice.filter(id=invoice.id).update(subscription_id=subscription.id)
    who = (actor.full_name or actor.email) if actor else None
    await announce_created(account, subscription, bought_by=who)
    await log_activity(
        account.id,
        actor,
        "subscription_purchased",
        f"Bought subscription {subscription.name}: {subscription.plan}, "
        f"{subscription.seats} seats ({subscription.deployment.value.replace('_', ' ')}), "
        f"invoice {invoice.number}",
    )
    return subscription


async def _add_seats(account: BillingAccount, purchase: Purchase, actor: User | None) -> None:
    locked = (
        await Subscription.filter(id=purchase.subscription_id)  # type: ignore[attr-defined]
        .select_for_update()
        .get()
    )
    before = locked.seats
    locked.seats += purchase.quantity
    await locked.save(update_fields=["seats"])
    await record_event(
        account,
        EventKind.SUBSCRIPTION_SEATS_CHANGED,
        f"Seats of {locked.name} changed",
        f"{locked.plan}: seats changed from {before} to {locked.seats}.",
        subscription=locked,
    )
    await log_activity(
        account.id,
        actor,
        "subscription_seats",
        f"Seats of {locked.name}: {before} to {locked.seats}",
    )


async def _add_add_on(account: BillingAccount, purchase: Purchase, actor: User | None) -> None:
    subscription = await Subscription.get(id=purchase.subscription_id)  # type: ignore[attr-defined]
    add_on = await CatalogAddOn.get_or_none(id=purchase.add_on_id)  # type: ignore[attr-defined]
    total = format_amount(purchase.quantity * purchase.unit_price_minor, purchase.currency)
    packs = f"{purchase.quantity} x {purchase.description}"
    each = f" ({add_on_units(add_on)} each)" if add_on else ""
    await record_event(
        account,
        EventKind.ADD_ON_PURCHASED,
        f"{purchase.description} added to {subscription.name}",
        f"{packs}{each} added to {subscription.name} for {total} {purchase.currency}.",
        subscription=subscription,
    )
    await log_activity(
        account.id, actor, "add_on_purchased", f"Bought {packs} for {subscription.name}"
    )


async def purchases_of(subscription_id: int) -> list[Purchase]:
    """The completed add-on purchases of a subscription, oldest first."""
    return await Purchase.filter(
        subscription_id=subscription_id,
        kind=PurchaseKind.ADD_ON,
        status=PurchaseStatus.COMPLETED,
    ).order_by("id")
