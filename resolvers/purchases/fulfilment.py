"""Step 3: the transaction that records a purchase's invoice as paid fulfils it, once."""

from __future__ import annotations

from core.clock import Clock
from core.money import format_amount
from models.accounts import BillingAccount
from models.catalog import CatalogAddOn
from models.invoices import Invoice
from models.notifications import EventKind
from models.purchases import Purchase, PurchaseKind, PurchaseStatus
from models.subscriptions import SalesChannel, Subscription, SubscriptionStatus
from models.users import User
from notifications.events import record_event
from notifications.live import Live
from resolvers.activity import log_activity
from resolvers.purchases.placing import add_on_units, one_year_from
from resolvers.subscriptions import announce_created, next_subscription_name


async def complete_purchase(
    live: Live, clock: Clock, account: BillingAccount, invoice: Invoice
) -> None:
    """Step 3, in the transaction that records `invoice` as paid: fulfil its purchase once."""
    purchase = await Purchase.filter(invoice_id=invoice.id).select_for_update().first()
    if purchase is None or purchase.status is not PurchaseStatus.AWAITING_PAYMENT:
        return
    actor = await User.get_or_none(id=purchase.created_by_id)  # type: ignore[attr-defined]
    if purchase.kind is PurchaseKind.SUBSCRIPTION:
        purchase.subscription = await _open_subscription(
            live, clock, account, purchase, invoice, actor
        )
    elif purchase.kind is PurchaseKind.SEATS:
        await _add_seats(live, clock, account, purchase, actor)
    else:
        await _add_add_on(live, clock, account, purchase, actor)
    purchase.status = PurchaseStatus.COMPLETED
    purchase.completed_at = clock.now()
    await purchase.save(update_fields=["status", "completed_at", "subscription_id"])


async def _open_subscription(
    live: Live,
    clock: Clock,
    account: BillingAccount,
    purchase: Purchase,
    invoice: Invoice,
    actor: User | None,
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
    await announce_created(live, clock, account, subscription, bought_by=who)
    await log_activity(
        clock,
        account.id,
        actor,
        "subscription_purchased",
        f"Bought subscription {subscription.name}: {subscription.plan}, "
        f"{subscription.seats} seats ({subscription.deployment.value.replace('_', ' ')}), "
        f"invoice {invoice.number}",
    )
    return subscription


async def _add_seats(
    live: Live, clock: Clock, account: BillingAccount, purchase: Purchase, actor: User | None
) -> None:
    locked = (
        await Subscription.filter(id=purchase.subscription_id)  # type: ignore[attr-defined]
        .select_for_update()
        .get()
    )
    before = locked.seats
    locked.seats += purchase.quantity
    await locked.save(update_fields=["seats"])
    await record_event(
        live,
        clock,
        account,
        EventKind.SUBSCRIPTION_SEATS_CHANGED,
        f"Seats of {locked.name} changed",
        f"{locked.plan}: seats changed from {before} to {locked.seats}.",
        subscription=locked,
    )
    await log_activity(
        clock,
        account.id,
        actor,
        "subscription_seats",
        f"Seats of {locked.name}: {before} to {locked.seats}",
    )


async def _add_add_on(
    live: Live, clock: Clock, account: BillingAccount, purchase: Purchase, actor: User | None
) -> None:
    subscription = await Subscription.get(id=purchase.subscription_id)  # type: ignore[attr-defined]
    add_on = await CatalogAddOn.get_or_none(id=purchase.add_on_id)  # type: ignore[attr-defined]
    total = format_amount(purchase.quantity * purchase.unit_price_minor, purchase.currency)
    packs = f"{purchase.quantity} x {purchase.description}"
    each = f" ({add_on_units(add_on)} each)" if add_on else ""
    await record_event(
        live,
        clock,
        account,
        EventKind.ADD_ON_PURCHASED,
        f"{purchase.description} added to {subscription.name}",
        f"{packs}{each} added to {subscription.name} for {total} {purchase.currency}.",
        subscription=subscription,
    )
    await log_activity(
        clock, account.id, actor, "add_on_purchased", f"Bought {packs} for {subscription.name}"
    )


def completed_add_ons(rows: list[Purchase]) -> list[Purchase]:
    """Of a subscription's purchases, the add-ons bought (paid), oldest first."""
    return [
        p for p in rows if p.kind is PurchaseKind.ADD_ON and p.status is PurchaseStatus.COMPLETED
    ]
