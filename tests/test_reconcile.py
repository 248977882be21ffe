"""R-ERR-6: a payment never stays pending. After a crash its outcome is settled with the
gateway (looked up by idempotency key), exactly once, on the next attempt for the invoice or
in the periodic pass, and the activity log tells what happened.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from adapters.payments import ChargeResult, SandboxGateway
from models.activity import ActivityEntry
from models.invoices import Invoice, InvoiceStatus
from models.notifications import Event, EventKind
from models.payments import Payment, PaymentStatus
from resolvers.payments import charges, gateway_key
from resolvers.payments.reconcile import reconcile_once, run_forever
from resolvers.services import Services
from tests.billing_support import gateway, gid, make_invoice
from tests.conftest import Viewer, gql, make_account, owner_of

__all__ = ["gateway"]

PAY = """
mutation($input: PayInvoiceInput!) {
  payInvoice(input: $input) {
    payment { id status }
    invoice { status }
    userErrors { field code message }
  }
}"""


async def _pay(viewer: Viewer, invoice: Invoice, key: str) -> Any:
    variables = {
        "input": {
            "invoiceId": gid("Invoice", invoice.id),
            "idempotencyKey": key,
            "paymentToken": "tok_visa",
        }
    }
    return await gql(PAY, variables, as_=viewer)


async def _crash_after_charging(
    monkeypatch: pytest.MonkeyPatch, viewer: Viewer, invoice: Invoice
) -> None:
    """The process dies after the gateway charged, before the outcome was recorded."""

    async def killed(*_: Any, **__: Any) -> Any:
        raise RuntimeError("killed after charging")

    with monkeypatch.context() as patch:
        patch.setattr(charges, "record_outcome", killed)
        assert (await _pay(viewer, invoice, "first")).errors is not None
    assert (await Payment.get()).status is PaymentStatus.PENDING


async def _crash_before_charging(
    monkeypatch: pytest.MonkeyPatch, viewer: Viewer, invoice: Invoice
) -> None:
    """The process dies after the PENDING row was committed, before the gateway was called."""

    async def killed(*_: Any, **__: Any) -> Any:
        raise RuntimeError("killed before charging")

    with monkeypatch.context() as patch:
        patch.setattr(charges, "charge", killed)
        assert (await _pay(viewer, invoice, "first")).errors is not None
    assert (await Payment.get()).status is PaymentStatus.PENDING


async def test_r_err_6_next_attempt_settles_a_charged_payment_as_succeeded(
    db: None, gateway: SandboxGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-ERR-6: after a crash between charge and commit, a payment with another key looks the
    first one up at the gateway: it was charged, so it is recorded SUCCEEDED and the invoice
    PAID; nothing is charged twice and the log says it was settled after an interruption."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    await _crash_after_charging(monkeypatch, owner, invoice)

    second = (await _pay(owner, invoice, "second"))["payInvoice"]
    assert second["userErrors"][0]["code"] == "INVOICE_NOT_PAYABLE"  # it is paid now
    assert "paid" in second["userErrors"][0]["message"]
    assert (await Payment.get()).status is PaymentStatus.SUCCEEDED
    assert (await Invoice.get(id=invoice.id)).status is InvoiceStatus.PAID
    assert len(gateway.charges) == 1
    entry = await ActivityEntry.get(action="payment_succeeded_settled")
    assert "the gateway had charged it" in entry.summary
    assert await Event.filter(kind=EventKind.PAYMENT_SUCCEEDED).count() == 1


async def test_r_err_6_an_uncharged_payment_is_failed_once_stale_then_paying_works(
    db: None, gateway: SandboxGateway, monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    """R-ERR-6: a crash before the charge leaves a payment the gateway never saw. While it is
    young it may still be in flight ("in progress"); once stale, the periodic pass records it
    FAILED (nothing charged), the first key answers that, and a new key pays the invoice."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    await _crash_before_charging(monkeypatch, owner, invoice)

    young = (await _pay(owner, invoice, "second"))["payInvoice"]
    assert young["userErrors"][0]["code"] == "INVOICE_NOT_PAYABLE"
    assert await reconcile_once(gateway, services.live, services.clock) == 0

    services.clock.advance(timedelta(minutes=16))
    assert await reconcile_once(gateway, services.live, services.clock) == 1
    assert await reconcile_once(gateway, services.live, services.clock) == 0  # settled once
    failed = await Payment.get()
    assert failed.status is PaymentStatus.FAILED
    entry = await ActivityEntry.get(action="payment_failed_settled")
    assert "nothing was charged" in entry.summary
    replay = (await _pay(owner, invoice, "first"))["payInvoice"]
    assert replay["payment"]["status"] == "FAILED"
    assert replay["userErrors"][0]["code"] == "PROVIDER_UNAVAILABLE"

    paid = (await _pay(owner, invoice, "third"))["payInvoice"]
    assert paid["userErrors"] == []
    assert paid["invoice"]["status"] == "PAID"
    assert len(gateway.charges) == 1


async def test_r_err_6_the_periodic_pass_runs_until_stopped(
    db: None, gateway: SandboxGateway, monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    """R-ERR-6: the loop the server starts beside the outbox worker settles a stale charged
    payment on its own, and ends when the server stops."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    await _crash_after_charging(monkeypatch, await owner_of(account), invoice)
    services.clock.advance(timedelta(minutes=16))
    stop = asyncio.Event()
    loop = asyncio.create_task(run_forever(stop, 0.01, gateway, services.live, services.clock))
    for _ in range(500):
        if (await Payment.get()).status is not PaymentStatus.PENDING:
            break
        await asyncio.sleep(0.01)  # waits for the loop task, not for time to pass
    stop.set()
    await asyncio.wait_for(loop, 5)
    assert (await Payment.get()).status is PaymentStatus.SUCCEEDED
    assert (await Invoice.get(id=invoice.id)).status is InvoiceStatus.PAID


async def test_r_err_6_the_gateway_looks_charges_up_by_key(gateway: SandboxGateway) -> None:
    """R-ERR-6: the sandbox answers a lookup with the charge made under a key, or None."""
    assert await gateway.find_charge("nope") is None
    card = (await gateway.attach_card("tok_chargeDeclined")).gateway_ref
    made = await gateway.charge(
        card_ref=card, amount_minor=100, currency="USD", idempotency_key="k", description="d"
    )
    assert await gateway.find_charge("k") == made
    assert made == ChargeResult(False, made.charge_id, "CARD_DECLINED", made.failure_message)


@pytest.mark.postgres
async def test_r_err_6_concurrent_reconcilers_settle_once_on_postgres(
    pg_db: None, gateway: SandboxGateway, monkeypatch: pytest.MonkeyPatch, services: Services
) -> None:
    """R-ERR-6 on PostgreSQL: eight reconciliation passes and a payment attempt at once settle
    a charged pending payment exactly once: one SUCCEEDED record, one event, one log entry,
    the invoice paid once."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    await _crash_after_charging(monkeypatch, owner, invoice)
    pending = await Payment.get()
    assert await gateway.find_charge(gateway_key(pending)) is not None
    services.clock.advance(timedelta(minutes=16))

    results = await asyncio.gather(
        *(reconcile_once(gateway, services.live, services.clock) for _ in range(8)),
        _pay(owner, invoice, "second"),
    )
    *passes, attempt = results
    assert sum(passes) <= 1  # the attempt may have been the one to settle it
    assert attempt["payInvoice"]["userErrors"][0]["code"] == "INVOICE_NOT_PAYABLE"
    settled = await Payment.get()
    assert settled.status is PaymentStatus.SUCCEEDED
    assert await Payment.all().count() == 1
    paid = await Invoice.get(id=invoice.id)
    assert paid.status is InvoiceStatus.PAID
    assert paid.amount_paid_minor == settled.amount_minor
    assert await Event.filter(kind=EventKind.PAYMENT_SUCCEEDED).count() == 1
    assert await ActivityEntry.filter(action="payment_succeeded_settled").count() == 1
    assert len(gateway.charges) == 1
