"""Automatic renewals and expiry notices (R-SUB-3, R-NOT-1).

`run_renewals(gateway, live, clock, as_of)` renews every active, auto-renewing direct
subscription whose term has ended by `as_of`: it issues the renewal invoice (one per subscription
and period, by its unique `renewal_key`), charges its renewal card (the one chosen for it, else
the default; R-PAY-6) under the idempotency key of that period,
and the payment's success extends the term and records SUBSCRIPTION_RENEWED in the same
transaction. A failure records SUBSCRIPTION_RENEWAL_FAILED with the reason, once per period.
Subscriptions that will not renew get one SUBSCRIPTION_EXPIRING notice per end date, 30 days
ahead. Running it twice for the same date does nothing the second time.

    python -m resolvers.renewals --as-of 2026-12-01   # once, for a date
    python -m resolvers.renewals --every 24            # now, then every 24 hours (a service)

In production, run it once a day: from cron or a Kubernetes CronJob (`python -m
resolvers.renewals`), or as the long-running `renewals` service of docker-compose.yml
(`--every 24`). Several runs at once are safe: each subscription renews once per period.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from adapters.payments import PaymentGateway
from core.clock import Clock
from models.accounts import BillingAccount
from models.invoices import Invoice, InvoiceStatus
from models.notifications import EventKind
from models.payments import PaymentStatus
from models.subscriptions import SalesChannel, Subscription, SubscriptionStatus
from notifications.events import record_event
from notifications.live import Live
from resolvers.errors import DomainError
from resolvers.invoices import LineValue, issue_invoice
from resolvers.payments import (
    ChargeCard,
    complete_payment,
    fingerprint,
    renewal_method,
    start_payment,
)
from resolvers.services import Services
from resolvers.subscriptions import term_price_per_seat

log = logging.getLogger("portal.renewals")

NOTICE_DAYS = 30


@dataclass
class RenewalRun:
    renewed: int = 0
    failed: int = 0
    expiring_notices_sent: int = 0


def renewal_key(subscription: Subscription) -> str:
    return f"renewal-{subscription.id}-{subscription.end_date.isoformat()}"


async def run_renewals(
    gateway: PaymentGateway,
    live: Live,
    clock: Clock,
    as_of: date,
    progress: Callable[[str], None] | None = None,
) -> RenewalRun:
    run = RenewalRun()
    say = progress or log.info
    due = await Subscription.filter(
        status=SubscriptionStatus.ACTIVE,
        channel=SalesChannel.DIRECT,
        auto_renew=True,
        end_date__lte=as_of,
    ).order_by("id")
    for subscription in due:
        outcome = await renew(gateway, live, clock, subscription)
        if outcome == "renewed":
            run.renewed += 1
        elif outcome == "failed":
            run.failed += 1
        say(f"{subscription.name}: {outcome}")
    run.expiring_notices_sent = await send_expiring_notices(live, clock, as_of, say)
    await expire_ended(as_of)
    return run


async def renew(
    gateway: PaymentGateway, live: Live, clock: Clock, subscription: Subscription
) -> str:
    """'renewed', 'failed' (newly told), or 'unchanged' (this period was already handled)."""
    account = await BillingAccount.get(id=subscription.account_id)  # type: ignore[attr-defined]
    period = subscription.end_date
    invoice = await _renewal_invoice(live, clock, account, subscription)
    card = await renewal_method(subscription)  # R-PAY-6: its own card, else the default
    if card is None:
        return await _failed(
            live, clock, account, subscription, period, "There is no card on file."
        )
    key = renewal_key(subscription)
    print_ = fingerprint(invoice.id, card.id, None)
    try:
        payment = await start_payment(
            clock,
            invoice,
            ChargeCard(card.gateway_ref, card.brand, card.last4, card.id),
            key,
            print_,
        )
        outcome = await complete_payment(gateway, live, clock, payment)
    except DomainError as error:
        return await _failed(live, clock, account, subscription, period, error.message)
    if outcome.payment.status is PaymentStatus.SUCCEEDED:
        return "renewed" if outcome.recorded_now else "unchanged"
    reason = outcome.payment.failure_message or "The payment failed."
    return await _failed(live, clock, account, subscription, period, reason)


async def _renewal_invoice(
    live: Live, clock: Clock, account: BillingAccount, subscription: Subscription
) -> Invoice:
    existing = await Invoice.get_or_none(renewal_key=f"{subscription.id}:{subscription.end_date}")
    if existing is not None:
        return existing
    term = subscription.end_date - subscription.start_date
    start, end = subscription.end_date, subscription.end_date + term
    line = LineValue(
        f"{subscription.plan} renewal, {start} to {end}",
        subscription.seats,
        term_price_per_seat(subscription.unit_price_minor, start, end),
    )
    try:
        return await issue_invoice(
            live, clock, account, [line], subscription=subscription, renewal_for=start
        )
    except IntegrityError:  # a concurrent run issued it first: its renewal_key is unique
        return await Invoice.get(renewal_key=f"{subscription.id}:{subscription.end_date}")


async def _failed(
    live: Live,
    clock: Clock,
    account: BillingAccount,
    subscription: Subscription,
    period: date,
    reason: str,
) -> str:
    async with in_transaction():
        locked = await Subscription.filter(id=subscription.id).select_for_update().get()
        if locked.renewal_failed_for == period or locked.end_date != period:
            return "unchanged"
        locked.renewal_failed_for = period
        await locked.save(update_fields=["renewal_failed_for"])
        await record_event(
            live,
            clock,
            account,
            EventKind.SUBSCRIPTION_RENEWAL_FAILED,
            f"Renewal of {locked.name} failed",
            f"{locked.plan} could not be renewed: {reason} "
            "Pay the open renewal invoice, or update the card it renews on.",
            subscription=locked,
            data={"reason": reason},
        )
    return "failed"


async def send_expiring_notices(
    live: Live, clock: Clock, as_of: date, say: Callable[[str], None]
) -> int:
    """SUBSCRIPTION_EXPIRING once per end date for subscriptions that will not renew."""
    candidates = await Subscription.filter(
        status=SubscriptionStatus.ACTIVE,
        auto_renew=False,
        end_date__gt=as_of,
        end_date__lte=as_of + timedelta(days=NOTICE_DAYS),
    ).order_by("id")
    sent = 0
    for subscription in candidates:
        if subscription.expiring_notice_for == subscription.end_date:
            continue
        async with in_transaction():
            locked = await Subscription.filter(id=subscription.id).select_for_update().get()
            if locked.expiring_notice_for == locked.end_date:
                continue
            locked.expiring_notice_for = locked.end_date
            await locked.save(update_fields=["expiring_notice_for"])
            account = await BillingAccount.get(id=locked.account_id)  # type: ignore[attr-defined]
            days = (locked.end_date - as_of).days
            await record_event(
                live,
                clock,
                account,
                EventKind.SUBSCRIPTION_EXPIRING,
                f"Subscription {locked.name} expires on {locked.end_date}",
                f"{locked.plan} ({locked.seats} seats) ends in {days} days and will not renew "
                "automatically.",
                subscription=locked,
            )
        sent += 1
        say(f"{locked.name}: expiring notice sent")
    return sent


async def expire_ended(as_of: date) -> None:
    """Subscriptions past their end that were not going to renew are expired."""
    await Subscription.filter(
        status=SubscriptionStatus.ACTIVE, auto_renew=False, end_date__lte=as_of
    ).update(status=SubscriptionStatus.EXPIRED)


async def _main(as_of: date | None) -> RenewalRun:
    from core.db import open_database
    from core.settings import get_settings

    settings = get_settings()
    services = Services.from_settings(settings)
    as_of = as_of or services.clock.today()
    print(f"Renewals as of {as_of}", flush=True)
    async with open_database(settings):
        return await run_renewals(services.gateway, services.live, services.clock, as_of, print)


async def _every(hours: float) -> None:
    """Renew as of today, then again every `hours`, until SIGTERM or SIGINT."""
    import signal

    from core.db import open_database
    from core.settings import get_settings

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    settings = get_settings()
    services = Services.from_settings(settings)
    clock = services.clock
    async with open_database(settings):
        while not stop.is_set():
            print(f"Renewals as of {clock.today()}", flush=True)
            _report(
                await run_renewals(services.gateway, services.live, clock, clock.today(), print)
            )
            try:
                await asyncio.wait_for(stop.wait(), hours * 3600)
            except TimeoutError:
                pass


def _report(run: RenewalRun) -> None:
    print(
        f"renewed={run.renewed} failed={run.failed} "
        f"expiring_notices_sent={run.expiring_notices_sent}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Renew due subscriptions (R-SUB-3).")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument(
        "--every", type=float, default=None, metavar="HOURS", help="keep running, every HOURS"
    )
    args = parser.parse_args(argv)
    if args.every is not None:
        if args.as_of is not None or args.every <= 0:
            parser.error("--every takes a positive number of hours, and no --as-of")
        asyncio.run(_every(args.every))
        return
    _report(asyncio.run(_main(args.as_of)))


if __name__ == "__main__":
    main()

__all__ = ["InvoiceStatus", "RenewalRun", "main", "run_renewals"]
