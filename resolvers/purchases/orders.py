"""The three purchases (R-SUB-4): a new subscription, more seats, add-on packs."""

from __future__ import annotations

from adapters.payments import PaymentGateway
from core.clock import Clock
from models.accounts import BillingAccount
from models.purchases import Purchase, PurchaseKind
from models.subscriptions import Deployment, SalesChannel, Subscription
from models.users import User
from notifications.live import Live
from resolvers.access import managed_account
from resolvers.catalog import add_on_on_sale, plan_on_sale, price_in
from resolvers.errors import DomainError, invalid
from resolvers.invoices import LineValue, reseller_error
from resolvers.purchases.placing import (
    MAX_PACKS,
    Order,
    PurchaseOutcome,
    active,
    add_on_units,
    clean_key,
    one_year_from,
    place,
    print_of,
    purchase_card,
)
from resolvers.subscriptions import MAX_SEATS, subscription_for_viewer, term_price_per_seat


async def buy_subscription(
    gateway: PaymentGateway,
    live: Live,
    clock: Clock,
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
    print_ = print_of("subscription", plan_id, deployment.value, seats, payment_method_id)

    async def order() -> Order:
        plan = await plan_on_sale(plan_id, "input", "planId")
        if not 1 <= seats <= MAX_SEATS:
            raise invalid(f"Seats must be between 1 and {MAX_SEATS}.", "input", "seats")
        price = price_in(plan, account.currency, "input", "planId")
        card, chosen = await purchase_card(clock, actor, account.id, payment_method_id, None)
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

    return await place(gateway, live, clock, actor, account, key, print_, order)


async def buy_seats(
    gateway: PaymentGateway,
    live: Live,
    clock: Clock,
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
    active(subscription, clock.today(), "subscriptionId")
    if not 1 <= seats <= MAX_SEATS:
        raise invalid(f"Seats must be between 1 and {MAX_SEATS}.", "seats")
    account = await BillingAccount.get(id=subscription.account_id)  # type: ignore[attr-defined]
    key = clean_key(
        idempotency_key
        if idempotency_key is not None
        else f"seats-{subscription.id}-{subscription.seats}-{seats}-{payment_method_id or 0}",
        "idempotencyKey",
    )
    print_ = print_of("seats", subscription.id, seats, payment_method_id)
    if not await Purchase.exists(account_id=account.id, idempotency_key=key):  # else: a replay
        if seats < subscription.seats:
            raise invalid(
                f"Seats cannot be reduced during the term (now {subscription.seats}); a "
                f"reduction takes effect at renewal on {subscription.end_date}: contact the "
                "billing team.",
                "seats",
            )
        if seats == subscription.seats:
            return subscription, None

    async def order() -> Order:
        card, chosen = await purchase_card(
            clock, actor, account.id, payment_method_id, subscription, ("paymentMethodId",)
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

    outcome = await place(
        gateway, live, clock, actor, account, key, print_, order, ("idempotencyKey",)
    )
    return await Subscription.get(id=subscription.id), outcome


async def buy_add_on(
    gateway: PaymentGateway,
    live: Live,
    clock: Clock,
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
    print_ = print_of("add-on", subscription.id, add_on_id, quantity, payment_method_id)

    async def order() -> Order:
        active(subscription, clock.today(), *subscription_field)
        add_on = await add_on_on_sale(add_on_id, "input", "addOnId")
        if not 1 <= quantity <= MAX_PACKS:
            raise invalid(f"Buy 1 to {MAX_PACKS} packs.", "input", "quantity")
        price = price_in(add_on, account.currency, "input", "addOnId")
        card, chosen = await purchase_card(
            clock, actor, account.id, payment_method_id, subscription
        )
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

    return await place(gateway, live, clock, actor, account, key, print_, order)
