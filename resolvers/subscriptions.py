"""Subscriptions: created by the operator, seen and partly managed by customers (R-SUB-1, R-SUB-2).

Terms run from `start_date` (inclusive) to `end_date` (exclusive, the renewal date). The unit
price is per seat per year; a term of whole years costs that many years, any other term is
prorated by days / 365. A seat increase mid-term is invoiced for the rest of the term:
extra seats x term price per seat x days remaining / term days, rounded half up to the minor
unit per seat (the invoice line shows that per-seat amount).

A subscription bought through a reseller can be viewed, associated with a namespace, have its
license downloaded and its contacts managed; anything else is MANAGED_BY_RESELLER (R-SUB-2).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from core import ids
from core.clock import Clock
from core.money import ensure_minor
from core.secrets import secret_key
from core.tokens import sign
from models.accounts import BillingAccount
from models.invoices import Invoice
from models.notifications import EventKind
from models.subscriptions import (
    Deployment,
    SalesChannel,
    Subscription,
    SubscriptionSequence,
    SubscriptionStatus,
)
from models.users import User
from notifications.events import record_event
from notifications.live import Live
from notifications.outbox import app_link
from resolvers.access import manager_of
from resolvers.activity import log_activity
from resolvers.errors import NotFound, invalid
from resolvers.invoices import LineValue, issue_invoice, reseller_error

NAME_SEQUENCE = "subscription"
FIRST_NUMBER = 12345
_INSERT_SEQUENCE = (
    "INSERT INTO subscription_sequences (name, last_value) "
    "VALUES ('subscription', 12344) ON CONFLICT DO NOTHING"
)
MAX_SEATS = 1_000_000
# A GitLab group path: segments of letters, digits, _ - . not starting with - or ending in
# .git/.atom, separated by "/" (at most 20 levels).
_SEGMENT = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-])?"
_NAMESPACE = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT}){{0,19}}")


@dataclass(frozen=True)
class NewSubscription:
    account_id: int
    plan: str
    deployment: Deployment
    seats: int
    unit_price_minor: int
    start_date: date
    end_date: date
    auto_renew: bool = True
    channel: SalesChannel = SalesChannel.DIRECT
    reseller_name: str | None = None
    issue_invoice: bool = True


def whole_years(start: date, end: date) -> int | None:
    years = end.year - start.year
    try:
        same_day = start.replace(year=end.year) == end
    except ValueError:  # 29 February
        same_day = end == date(end.year, 3, 1)
    return years if years >= 1 and same_day else None


def _half_up_div(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    return quotient + int(2 * remainder >= denominator)


def term_price_per_seat(unit_price_minor: int, start: date, end: date) -> int:
    years = whole_years(start, end)
    if years is not None:
        return unit_price_minor * years
    return _half_up_div(unit_price_minor * (end - start).days, 365)


def prorated_per_seat(subscription: Subscription, today: date) -> int:
    """Per-seat price for the rest of the term, rounded half up to the minor unit."""
    start, end = subscription.start_date, subscription.end_date
    term_days = (end - start).days
    remaining = (end - max(today, start)).days
    full = term_price_per_seat(subscription.unit_price_minor, start, end)
    return _half_up_div(full * remaining, term_days)


async def next_subscription_name() -> str:
    """Call inside a transaction: the counter row is locked until it commits."""
    await SubscriptionSequence._meta.db.execute_query(_INSERT_SEQUENCE)
    sequence = await SubscriptionSequence.filter(name=NAME_SEQUENCE).select_for_update().get()
    sequence.last_value += 1
    await sequence.save(update_fields=["last_value"])
    return f"A-S{sequence.last_value:08d}"


def _clean_new(data: NewSubscription) -> tuple[str, str | None]:
    plan = " ".join(data.plan.split())
    if not plan or len(plan) > 60:
        raise invalid("A plan name needs 1 to 60 characters.", "input", "plan")
    if not 1 <= ensure_minor(data.seats) <= MAX_SEATS:
        raise invalid(f"Seats must be between 1 and {MAX_SEATS}.", "input", "seats")
    if ensure_minor(data.unit_price_minor) < 0:
        raise invalid("The unit price cannot be negative.", "input", "unitPriceMinor")
    if data.end_date <= data.start_date:
        raise invalid("The end date must be after the start date.", "input", "endDate")
    reseller = " ".join((data.reseller_name or "").split()) or None
    if data.channel is SalesChannel.RESELLER and reseller is None:
        raise invalid("A reseller subscription needs the reseller's name.", "input", "resellerName")
    if data.channel is SalesChannel.DIRECT and reseller is not None:
        raise invalid("Only reseller subscriptions name a reseller.", "input", "resellerName")
    return plan, reseller


def _term_line(subscription: Subscription) -> LineValue:
    return LineValue(
        f"{subscription.plan} ({subscription.deployment.value.replace('_', ' ').title()}), "
        f"{subscription.start_date} to {subscription.end_date}",
        subscription.seats,
        term_price_per_seat(
            subscription.unit_price_minor, subscription.start_date, subscription.end_date
        ),
    )


async def create_subscription(
    live: Live, clock: Clock, data: NewSubscription
) -> tuple[Subscription, Invoice | None]:
    """Operator: a new subscription; a direct sale issues its invoice, a reseller's none."""
    plan, reseller = _clean_new(data)
    account = await BillingAccount.get_or_none(id=data.account_id)
    if account is None:
        raise NotFound("Billing account", ["input", "billingAccountId"])
    invoice = None
    async with in_transaction():
        subscription = await Subscription.create(
            account=account,
            name=await next_subscription_name(),
            plan=plan,
            deployment=data.deployment,
            seats=data.seats,
            unit_price_minor=data.unit_price_minor,
            start_date=data.start_date,
            end_date=data.end_date,
            auto_renew=data.auto_renew,
            status=SubscriptionStatus.ACTIVE,
            channel=data.channel,
            reseller_name=reseller,
            created_at=clock.now(),
        )
        await announce_created(live, clock, account, subscription)
        await log_activity(
            clock,
            account.id,
            None,
            "subscription_created",
            f"Subscription {subscription.name} created",
        )
        if data.channel is SalesChannel.DIRECT and data.issue_invoice:
            invoice = await issue_invoice(
                live, clock, account, [_term_line(subscription)], subscription=subscription
            )
    return subscription, invoice


@dataclass(frozen=True)
class Provisioning:
    """How to get access to what was bought (R-SUB-5)."""

    steps: str
    action: str
    link: str


def provisioning(subscription: Subscription) -> Provisioning:
    """GitLab.com: link the subscription to a group; Self-Managed: download and activate the
    license. Both links open the account's subscriptions page of the portal's front end,
    where the group is chosen and the license downloaded."""
    account = ids.encode("BillingAccount", subscription.account_id)  # type: ignore[attr-defined]
    path = f"/accounts/{account}/subscriptions"
    if subscription.deployment is Deployment.GITLAB_COM:
        return Provisioning(
            steps=(
                f"To give your team access, link subscription {subscription.name} to your group "
                "(namespace) on GitLab.com: open it in the Customers Portal and choose the "
                f"group; its {subscription.seats} seats then apply to that group's members."
            ),
            action="Link the subscription to a group",
            link=app_link(path),
        )
    return Provisioning(
        steps=(
            f"To give your team access, download the license of subscription "
            f"{subscription.name} from the Customers Portal and activate it in your GitLab "
            "Self-Managed instance (Admin area, Subscription, Add license)."
        ),
        action="Download the license",
        link=app_link(path),
    )


async def announce_created(
    live: Live,
    clock: Clock,
    account: BillingAccount,
    subscription: Subscription,
    *,
    bought_by: str | None = None,
) -> None:
    """SUBSCRIPTION_CREATED with the purchase confirmation and how to get access (R-SUB-5)."""
    how = provisioning(subscription)
    where = f" through {subscription.reseller_name}" if subscription.reseller_name else ""
    deployment = (
        "GitLab.com" if subscription.deployment is Deployment.GITLAB_COM else ("Self-Managed")
    )
    summary = (
        f"{subscription.plan} ({deployment}), {subscription.seats} seats, from "
        f"{subscription.start_date} to {subscription.end_date}{where}."
    )
    await record_event(
        live,
        clock,
        account,
        EventKind.SUBSCRIPTION_CREATED,
        f"Subscription {subscription.name} purchased",
        f"{summary} {how.steps} {how.link}",
        subscription=subscription,
        email_template="purchase_confirmation",
        email_context={
            "summary": summary,
            "subscription_name": subscription.name,
            "deployment": deployment,
            "steps": how.steps,
            "action": how.action,
            "link": how.link,
            "bought_by": bought_by,
        },
    )


async def subscription_for_viewer(actor: User, subscription_id: int) -> Subscription:
    subscription = await Subscription.get_or_none(id=subscription_id)
    if subscription is None:
        raise NotFound("Subscription", ["subscriptionId"])
    try:
        await manager_of(actor, subscription.account_id)  # type: ignore[attr-defined]
    except NotFound:
        raise NotFound("Subscription", ["subscriptionId"]) from None
    return subscription


def _direct_only(subscription: Subscription) -> None:
    if subscription.channel is SalesChannel.RESELLER:
        raise reseller_error(subscription)


def _active_only(subscription: Subscription) -> None:
    if subscription.status is not SubscriptionStatus.ACTIVE:
        raise invalid(
            f"Subscription {subscription.name} is {subscription.status.value.lower()}.",
            "subscriptionId",
        )


async def associate_namespace(
    clock: Clock, actor: User, subscription_id: int, path: str
) -> Subscription:
    """GitLab.com subscriptions are tied to a group; allowed for reseller ones too (R-SUB-2)."""
    subscription = await subscription_for_viewer(actor, subscription_id)
    if subscription.deployment is not Deployment.GITLAB_COM:
        raise invalid(
            "Only GitLab.com subscriptions are associated with a group.", "subscriptionId"
        )
    cleaned = path.strip().strip("/")
    if (
        not _NAMESPACE.fullmatch(cleaned)
        or len(cleaned) > 255
        or cleaned.lower().endswith((".git", ".atom"))
    ):
        raise invalid(
            "Not a group path: letters, digits, '_', '-' and '.', segments separated by '/', "
            "e.g. my-company/engineering.",
            "namespacePath",
        )
    async with in_transaction():
        subscription.namespace_path = cleaned
        await subscription.save(update_fields=["namespace_path"])
        await log_activity(
            clock,
            subscription.account_id,  # type: ignore[attr-defined]
            actor,
            "subscription_namespace",
            f"Subscription {subscription.name} associated with {cleaned}",
        )
    return subscription


async def set_auto_renew(
    clock: Clock, actor: User, subscription_id: int, auto_renew: bool
) -> Subscription:
    subscription = await subscription_for_viewer(actor, subscription_id)
    _direct_only(subscription)
    _active_only(subscription)
    async with in_transaction():
        subscription.auto_renew = auto_renew
        await subscription.save(update_fields=["auto_renew"])
        state = "on" if auto_renew else "off"
        await log_activity(
            clock,
            subscription.account_id,  # type: ignore[attr-defined]
            actor,
            "subscription_auto_renew",
            f"Auto-renewal of {subscription.name} turned {state}",
        )
    return subscription


async def cancel_subscription(live: Live, clock: Clock, subscription_id: int) -> Subscription:
    """Operator: ends the subscription now; it will not renew."""
    subscription = await Subscription.get_or_none(id=subscription_id)
    if subscription is None:
        raise NotFound("Subscription", ["subscriptionId"])
    _active_only(subscription)
    account = await BillingAccount.get(id=subscription.account_id)  # type: ignore[attr-defined]
    async with in_transaction():
        subscription.status = SubscriptionStatus.CANCELLED
        subscription.auto_renew = False
        await subscription.save(update_fields=["status", "auto_renew"])
        await record_event(
            live,
            clock,
            account,
            EventKind.SUBSCRIPTION_CANCELLED,
            f"Subscription {subscription.name} cancelled",
            f"{subscription.plan} ({subscription.seats} seats) was cancelled.",
            subscription=subscription,
        )
        await log_activity(
            clock,
            account.id,
            None,
            "subscription_cancelled",
            f"Subscription {subscription.name} cancelled",
        )
    return subscription


def can_download_license(subscription: Subscription) -> bool:
    return (
        subscription.deployment is Deployment.SELF_MANAGED
        and subscription.status is SubscriptionStatus.ACTIVE
    )


def license_document(
    subscription: Subscription, account: BillingAccount, issued_at: datetime
) -> dict[str, Any]:
    """A Self-Managed license: the terms, signed with the portal's secret key."""
    body = {
        "subscription": subscription.name,
        "licensee": account.company_name,
        "plan": subscription.plan,
        "seats": subscription.seats,
        "starts_at": subscription.start_date.isoformat(),
        "expires_at": subscription.end_date.isoformat(),
        "issued_at": issued_at.isoformat(),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return {"license": body, "signature": sign(secret_key(), canonical)}


async def license_for_viewer(clock: Clock, actor: User, subscription_id: int) -> dict[str, Any]:
    subscription = await subscription_for_viewer(actor, subscription_id)
    if not can_download_license(subscription):
        raise invalid("Only active Self-Managed subscriptions have a license.", "subscriptionId")
    account = await BillingAccount.get(id=subscription.account_id)  # type: ignore[attr-defined]
    return license_document(subscription, account, clock.now())


async def extend_renewed_term(
    live: Live, clock: Clock, account: BillingAccount, invoice: Invoice
) -> None:
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
        live,
        clock,
        account,
        EventKind.SUBSCRIPTION_RENEWED,
        f"Subscription {subscription.name} renewed",
        f"{subscription.plan} ({subscription.seats} seats) renewed until "
        f"{subscription.end_date}; invoice {invoice.number} is paid.",
        subscription=subscription,
        invoice=invoice,
    )


async def subscription_in(account_id: int, subscription_id: int) -> Subscription | None:
    """For the operator: a subscription of this account, or None."""
    return await Subscription.get_or_none(id=subscription_id, account_id=account_id)
