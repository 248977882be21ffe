"""Cards on file (R-PAY-1..5): one default per account, changed under the account lock."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from adapters.payments import (
    CardDetails,
    CardRejected,
    GatewayUnavailable,
    PaymentGateway,
)
from core import metrics
from core.clock import Clock
from models.accounts import BillingAccount
from models.payments import PaymentMethod
from models.subscriptions import SalesChannel, Subscription, SubscriptionStatus
from models.users import User
from resolvers.access import managed_account, manager_of
from resolvers.activity import log_activity
from resolvers.errors import DomainError, ErrorCode, NotFound, invalid
from resolvers.invoices import reseller_error
from resolvers.subscriptions import subscription_for_viewer


def is_expired(method: PaymentMethod, today: date) -> bool:
    """A card works through the last day of its expiry month."""
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


async def attach(gateway: PaymentGateway, token: str, *field: str) -> CardDetails:
    """The gateway's card for a browser token; INVALID if the gateway refuses it (R-PAY-2)."""
    cleaned = token.strip()
    if not cleaned or len(cleaned) > 255:
        raise invalid("A payment token from the gateway is required.", *field)
    try:
        with metrics.GATEWAY_DURATION.labels("attach_card").time():
            return await gateway.attach_card(cleaned)
    except CardRejected as exc:
        raise invalid(f"The card was refused: {exc.message}", *field) from exc
    except GatewayUnavailable as exc:
        raise DomainError(ErrorCode.PROVIDER_UNAVAILABLE, exc.message) from exc


async def add_payment_method(
    gateway: PaymentGateway,
    clock: Clock,
    actor: User,
    account_id: int,
    token: str,
    *,
    make_default: bool = False,
) -> PaymentMethod:
    """R-PAY-1/2: the first card becomes the default; `make_default` moves the default."""
    account = await managed_account(actor, account_id)
    card = await attach(gateway, token, "paymentToken")
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
        await log_activity(clock, account.id, actor, "card_added", f"Card {describe(method)} added")
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


def _check_expiry(
    month: int | None, year: int | None, method: PaymentMethod, today: date
) -> tuple[int, int]:
    new_month = method.exp_month if month is None else month
    new_year = method.exp_year if year is None else year
    if not 1 <= new_month <= 12:
        raise invalid("The expiry month must be between 1 and 12.", "expMonth")
    if new_year < today.year or new_year > today.year + 50:
        raise invalid(
            f"The expiry year must be between {today.year} and {today.year + 50}.", "expYear"
        )
    if (new_year, new_month) < (today.year, today.month):
        raise invalid("The card would already be expired.", "expMonth")
    return new_month, new_year


async def update_payment_method(
    clock: Clock,
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
    month, year = _check_expiry(exp_month, exp_year, method, clock.today())
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
            clock,
            method.account_id,  # type: ignore[attr-defined]
            actor,
            "card_updated",
            f"Card {describe(method)} updated",
        )
    return method


async def delete_payment_method(clock: Clock, actor: User | None, method_id: int) -> int:
    """R-PAY-4, R-PAY-6: a customer deletes a card that is neither the default nor a
    subscription's renewal card; the operator (`actor=None`) any card, the newest remaining card
    becoming the default."""
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
        renewing = await Subscription.filter(
            payment_method_id=method.id, status=SubscriptionStatus.ACTIVE
        ).order_by("id")
        if renewing and actor is not None:
            names = ", ".join(s.name for s in renewing)
            raise DomainError(
                ErrorCode.PAYMENT_METHOD_IN_USE,
                f"{describe(method)} renews {names}: choose another card for "
                f"{'them' if len(renewing) > 1 else 'it'} first, or contact the billing team.",
                ["paymentMethodId"],
            )
        # The operator may: those subscriptions renew on the default card from now on.
        await Subscription.filter(payment_method_id=method.id).update(payment_method_id=None)
        await method.delete()
        if method.is_default:
            newest = (
                await PaymentMethod.filter(account_id=account_id)
                .order_by("-created_at", "-id")
                .first()
            )
            if newest is not None:
                await _make_default(newest)
        await log_activity(
            clock, account_id, actor, "card_deleted", f"Card {describe(method)} deleted"
        )
    return method_id


async def default_method(account_id: int) -> PaymentMethod | None:
    return await PaymentMethod.get_or_none(account_id=account_id, is_default=True)


async def renewal_method(subscription: Subscription) -> PaymentMethod | None:
    """R-PAY-6: the card a subscription renews on (and its purchases charge): the one chosen
    for it, else the account's default."""
    account_id: int = subscription.account_id  # type: ignore[attr-defined]
    chosen_id = subscription.payment_method_id  # type: ignore[attr-defined]
    if chosen_id is not None:
        chosen = await PaymentMethod.get_or_none(id=chosen_id, account_id=account_id)
        if chosen is not None:
            return chosen
    return await default_method(account_id)


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


async def renewal_card_expiry_messages(account_id: int) -> list[str]:
    """RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL: a card chosen for a subscription (R-PAY-6) stops
    working before that subscription's automatic renewal would charge it."""
    renewing = await Subscription.filter(
        account_id=account_id,
        status=SubscriptionStatus.ACTIVE,
        channel=SalesChannel.DIRECT,
        auto_renew=True,
        payment_method_id__isnull=False,
    ).order_by("end_date", "id")
    messages = []
    for subscription in renewing:
        method = await PaymentMethod.get_or_none(id=subscription.payment_method_id)  # type: ignore[attr-defined]
        if method is not None and card_expiry_end(method) <= subscription.end_date:
            messages.append(
                f"{describe(method)}, the card {subscription.name} renews on, expires "
                f"{method.exp_month:02d}/{method.exp_year}, before its renewal on "
                f"{subscription.end_date}. Choose another card for it or update its expiry."
            )
    return messages


async def set_renewal_card(
    clock: Clock, actor: User, subscription_id: int, method_id: int | None
) -> Subscription:
    """R-PAY-6: the card this subscription renews on (and its purchases charge); None: the
    account's default card. Not for a reseller's subscription (R-SUB-2)."""
    subscription = await subscription_for_viewer(actor, subscription_id)
    if subscription.channel is SalesChannel.RESELLER:
        raise reseller_error(subscription)
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise invalid(
            f"Subscription {subscription.name} is {subscription.status.value.lower()}.",
            "subscriptionId",
        )
    account_id: int = subscription.account_id  # type: ignore[attr-defined]
    method = None
    if method_id is not None:
        method = await method_for_viewer(actor, method_id, "paymentMethodId")
        if method.account_id != account_id:  # type: ignore[attr-defined]
            raise NotFound("Payment method", ["paymentMethodId"])
        if is_expired(method, clock.today()):
            raise invalid(
                f"{describe(method)} has expired: choose another card.", "paymentMethodId"
            )
    async with in_transaction():
        await _lock_account(account_id)  # a card is deleted under the same lock
        if method is not None and not await PaymentMethod.exists(id=method.id):
            raise NotFound("Payment method", ["paymentMethodId"])
        subscription.payment_method = method
        await subscription.save(update_fields=["payment_method_id"])
        card = describe(method) if method else "the default card"
        await log_activity(
            clock, account_id, actor, "subscription_card", f"{subscription.name} renews on {card}"
        )
    return subscription
