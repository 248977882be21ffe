"""Renewals: R-SUB-3 (charge the default card, issue the invoice, renewed / renewal failed with
the reason), SUBSCRIPTION_EXPIRING notices, safe to run twice (R-NOT-1: each event once)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from adapters.payments import SandboxGateway
from models.invoices import Invoice, InvoiceStatus
from models.notifications import Event, EventKind
from models.subscriptions import Subscription, SubscriptionStatus
from tests.billing_support import add_card, gateway, gid, make_subscription
from tests.conftest import gql, make_account, operator_gql, owner_of

__all__ = ["gateway"]

RUN = "mutation($d: Date!) { runRenewals(asOf: $d) { renewed failed expiringNoticesSent } }"
PAY = """
mutation($input: PayInvoiceInput!) {
  payInvoice(input: $input) { invoice { status } userErrors { code } }
}"""


async def _run(as_of: str) -> dict[str, int]:
    return (await operator_gql(RUN, {"d": as_of}))["runRenewals"]  # type: ignore[no-any-return]


async def _events(kind: EventKind) -> list[Event]:
    return await Event.filter(kind=kind).order_by("id")


async def test_r_sub_3_renewal_charges_default_card_and_extends_term(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-3: a due auto-renewing subscription is invoiced, charged to the default card,
    extended by its term, and SUBSCRIPTION_RENEWED is recorded; a second run does nothing."""
    account = await make_account(country="US")
    await add_card(account, "tok_mastercard")
    subscription = await make_subscription(account, issue=False)

    assert await _run("2027-01-01") == {"renewed": 1, "failed": 0, "expiringNoticesSent": 0}
    renewed = await Subscription.get(id=subscription.id)
    assert (renewed.start_date, renewed.end_date) == (date(2027, 1, 1), date(2028, 1, 1))
    invoice = await Invoice.get(subscription_id=subscription.id)
    assert invoice.status is InvoiceStatus.PAID and invoice.total_minor == 348_000
    assert [c.amount_minor for c in gateway.charges] == [348_000]
    assert len(await _events(EventKind.SUBSCRIPTION_RENEWED)) == 1

    assert await _run("2027-01-01") == {"renewed": 0, "failed": 0, "expiringNoticesSent": 0}
    assert len(gateway.charges) == 1
    assert await Invoice.filter(subscription_id=subscription.id).count() == 1
    assert len(await _events(EventKind.SUBSCRIPTION_RENEWED)) == 1


async def test_r_sub_3_declined_renewal_records_failure_with_reason_once(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-3: a declined default card records SUBSCRIPTION_RENEWAL_FAILED with the gateway's
    reason, leaves the renewal invoice open, and a rerun neither charges nor tells again.
    Paying the open renewal invoice later renews the subscription."""
    account = await make_account(country="US")
    await add_card(account, "tok_chargeDeclinedInsufficientFunds")
    subscription = await make_subscription(account, issue=False)

    assert await _run("2027-01-02") == {"renewed": 0, "failed": 1, "expiringNoticesSent": 0}
    failed = await _events(EventKind.SUBSCRIPTION_RENEWAL_FAILED)
    assert len(failed) == 1 and "insufficient funds" in failed[0].message
    assert failed[0].data["reason"] == "Your card has insufficient funds."
    invoice = await Invoice.get(subscription_id=subscription.id)
    assert invoice.status is InvoiceStatus.OPEN
    assert (await Subscription.get(id=subscription.id)).end_date == date(2027, 1, 1)

    assert await _run("2027-01-02") == {"renewed": 0, "failed": 0, "expiringNoticesSent": 0}
    assert len(gateway.charges) == 1
    assert len(await _events(EventKind.SUBSCRIPTION_RENEWAL_FAILED)) == 1

    owner = await owner_of(account)
    paid = await gql(
        PAY,
        {
            "input": {
                "invoiceId": gid("Invoice", invoice.id),
                "idempotencyKey": "manual",
                "paymentToken": "tok_visa",
            }
        },
        as_=owner,
    )
    assert paid["payInvoice"]["invoice"]["status"] == "PAID"
    assert (await Subscription.get(id=subscription.id)).end_date == date(2028, 1, 1)
    assert len(await _events(EventKind.SUBSCRIPTION_RENEWED)) == 1


async def test_r_sub_3_no_default_card_fails_with_reason(db: None, gateway: SandboxGateway) -> None:
    """R-SUB-3: without a card the renewal fails and says so."""
    account = await make_account(country="US")
    await make_subscription(account, issue=False)
    assert (await _run("2027-01-01"))["failed"] == 1
    (event,) = await _events(EventKind.SUBSCRIPTION_RENEWAL_FAILED)
    assert "no card on file" in event.message
    assert gateway.charges == []


async def test_r_sub_3_only_direct_auto_renewing_subscriptions_renew(
    db: None, gateway: SandboxGateway
) -> None:
    """R-SUB-3: reseller and non-auto-renewing subscriptions are not charged; ended ones that
    were not to renew expire."""
    account = await make_account(country="US")
    await add_card(account)
    await make_subscription(account, issue=False, reseller="Partner AG")
    manual = await make_subscription(account, issue=False, auto_renew=False)
    assert await _run("2027-01-01") == {"renewed": 0, "failed": 0, "expiringNoticesSent": 0}
    assert gateway.charges == []
    assert (await Subscription.get(id=manual.id)).status is SubscriptionStatus.EXPIRED


async def test_expiring_notice_30_days_ahead_once_per_end_date(
    db: None, gateway: SandboxGateway
) -> None:
    """R-NOT-1: a subscription that will not renew gets SUBSCRIPTION_EXPIRING once, 30 days
    ahead; auto-renewing ones get none."""
    account = await make_account(country="US")
    manual = await make_subscription(account, issue=False, auto_renew=False)
    await make_subscription(account, issue=False)

    assert (await _run("2026-11-30"))["expiringNoticesSent"] == 0  # 32 days ahead
    assert (await _run("2026-12-02"))["expiringNoticesSent"] == 1
    assert (await _run("2026-12-10"))["expiringNoticesSent"] == 0
    (event,) = await _events(EventKind.SUBSCRIPTION_EXPIRING)
    assert event.subscription_id == manual.id  # type: ignore[attr-defined]
    assert (await Subscription.get(id=manual.id)).expiring_notice_for == date(2027, 1, 1)


def test_renewals_command_prints_progress(tmp_path: Path) -> None:
    """R-SUB-3: `python -m resolvers.renewals --as-of` migrates the database like every
    process does at start, runs renewals and prints the counts."""
    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": f"sqlite://{tmp_path / 'portal.sqlite3'}",
        "PORTAL_SECRET_KEY": "k",
    }
    done = subprocess.run(
        [sys.executable, "-m", "resolvers.renewals", "--as-of", "2026-12-01"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Renewals as of 2026-12-01" in done.stdout
    assert "renewed=0 failed=0 expiring_notices_sent=0" in done.stdout


def test_r_sub_3_renewals_service_runs_again_until_stopped(tmp_path: Path) -> None:
    """R-SUB-3: `--every HOURS` (docker-compose's renewals service) renews at once, again after
    each interval, and stops cleanly on SIGTERM."""
    import signal
    import time

    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": f"sqlite://{tmp_path / 'portal.sqlite3'}",
        "PORTAL_SECRET_KEY": "k",
    }
    log = tmp_path / "renewals.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "resolvers.renewals", "--every", "0.0003"],  # ~1 s
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while log.read_text().count("renewed=0 failed=0") < 2:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
    assert code == 0, log.read_text()


@pytest.mark.postgres
async def test_r_sub_3_concurrent_runs_renew_once(pg_db: None, gateway: SandboxGateway) -> None:
    """R-SUB-3 on PostgreSQL: three runs for the same date at once: one invoice, one charge,
    one SUBSCRIPTION_RENEWED, the term extended once."""
    account = await make_account(country="US")
    await add_card(account)
    subscription = await make_subscription(account, issue=False)
    runs = await asyncio.gather(*(_run("2027-01-01") for _ in range(3)))
    assert sum(r["renewed"] for r in runs) == 1
    assert len(gateway.charges) == 1
    assert await Invoice.filter(subscription_id=subscription.id).count() == 1
    assert len(await _events(EventKind.SUBSCRIPTION_RENEWED)) == 1
    assert (await Subscription.get(id=subscription.id)).end_date == date(2028, 1, 1)
