"""Paying invoices: R-BILL-3 (idempotent, once per key, not twice), R-BILL-4 (declines),
R-PAY-5 (sandbox test tokens), R-NOT-1 (payment events in the same transaction)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adapters.payments import ChargeResult, SandboxGateway
from core.clock import Clock
from models.invoices import Invoice, InvoiceStatus
from models.notifications import Event, EventKind
from models.payments import Payment, PaymentStatus
from notifications.live import Live
from resolvers.payments import charges
from tests.billing_support import add_card, gateway, gid, make_invoice
from tests.conftest import Viewer, gql, make_account, make_user, owner_of, sign_in

__all__ = ["gateway"]

PAY = """
mutation($input: PayInvoiceInput!) {
  payInvoice(input: $input) {
    payment {
      id status amount { amount currency } failureCode failureMessage
      paymentMethod { id last4 }
    }
    invoice { id status amountDue { minorUnits } payments { id status } }
    userErrors { field code message }
  }
}"""


async def _pay(viewer: Viewer, invoice: Invoice, key: str, **card: Any) -> dict[str, Any]:
    variables = {"input": {"invoiceId": gid("Invoice", invoice.id), "idempotencyKey": key, **card}}
    return (await gql(PAY, variables, as_=viewer))["payInvoice"]  # type: ignore[no-any-return]


async def test_r_bill_3_pay_with_card_on_file(db: None, gateway: SandboxGateway) -> None:
    """R-BILL-3: an open invoice paid with the default card becomes PAID; one charge."""
    account = await make_account(country="US")
    card = await add_card(account)
    invoice = await make_invoice(account, 118_800)
    owner = await owner_of(account)

    paid = await _pay(owner, invoice, "key-1", paymentMethodId=gid("PaymentMethod", card.id))
    assert paid["userErrors"] == []
    assert paid["payment"]["status"] == "SUCCEEDED"
    assert paid["payment"]["amount"] == {"amount": "1188.00", "currency": "USD"}
    assert paid["payment"]["paymentMethod"]["last4"] == "4242"
    assert paid["invoice"]["status"] == "PAID"
    assert paid["invoice"]["amountDue"]["minorUnits"] == 0
    assert [c.amount_minor for c in gateway.charges] == [118_800]
    events = await Event.filter(account_id=account.id, invoice_id=invoice.id)
    assert sorted(e.kind for e in events) == [EventKind.INVOICE_ISSUED, EventKind.PAYMENT_SUCCEEDED]


async def test_r_bill_3_retry_returns_first_result_and_charges_once(
    db: None, gateway: SandboxGateway
) -> None:
    """R-BILL-3: the same key again returns the first payment; the gateway charged once."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    first = await _pay(owner, invoice, "retry-key", paymentToken="tok_visa")
    second = await _pay(owner, invoice, "retry-key", paymentToken="tok_visa")
    assert second["payment"]["id"] == first["payment"]["id"]
    assert second["userErrors"] == []
    assert len(gateway.charges) == 1
    assert await Payment.all().count() == 1


async def test_r_bill_3_same_key_other_parameters_is_refused(
    db: None, gateway: SandboxGateway
) -> None:
    """R-BILL-3: a key reused with other parameters is IDEMPOTENCY_KEY_REUSED."""
    account = await make_account(country="US")
    card = await add_card(account)
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    await _pay(owner, invoice, "k", paymentMethodId=gid("PaymentMethod", card.id))
    reused = await _pay(owner, invoice, "k", paymentToken="tok_mastercard")
    assert reused["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert reused["userErrors"][0]["field"] == ["input", "idempotencyKey"]
    assert len(gateway.charges) == 1


async def test_r_bill_3_paid_invoice_cannot_be_paid_again(
    db: None, gateway: SandboxGateway
) -> None:
    """R-BILL-3: a new key on a paid invoice is INVOICE_NOT_PAYABLE, no charge."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    await _pay(owner, invoice, "a", paymentToken="tok_visa")
    again = await _pay(owner, invoice, "b", paymentToken="tok_visa")
    assert again["userErrors"][0]["code"] == "INVOICE_NOT_PAYABLE"
    assert again["payment"] is None
    assert len(gateway.charges) == 1


async def test_r_bill_3_key_and_card_are_required(db: None, gateway: SandboxGateway) -> None:
    """R-BILL-3 / R-ERR-1: a blank key, or neither/both card sources, is INVALID."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    blank = await _pay(owner, invoice, "  ", paymentToken="tok_visa")
    assert blank["userErrors"][0]["field"] == ["input", "idempotencyKey"]
    neither = await _pay(owner, invoice, "k")
    assert neither["userErrors"][0]["code"] == "INVALID"
    assert gateway.charges == []


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("tok_chargeDeclined", "CARD_DECLINED"),
        ("tok_chargeDeclinedInsufficientFunds", "INSUFFICIENT_FUNDS"),
        ("tok_chargeDeclinedExpiredCard", "CARD_EXPIRED"),
    ],
)
async def test_r_bill_4_decline_records_failed_payment_and_leaves_invoice_open(
    db: None, gateway: SandboxGateway, token: str, code: str
) -> None:
    """R-BILL-4 / R-PAY-5: a declined card records a FAILED payment with the gateway's reason,
    the invoice stays OPEN, and the userError says why."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    failed = await _pay(owner, invoice, "decline", paymentToken=token)
    assert failed["userErrors"][0]["code"] == code
    assert failed["payment"]["status"] == "FAILED"
    assert failed["payment"]["failureCode"] == code
    assert failed["payment"]["failureMessage"] == gateway.charges[0].result.failure_message
    assert failed["invoice"]["status"] == "OPEN"
    assert failed["invoice"]["payments"] == [{"id": failed["payment"]["id"], "status": "FAILED"}]
    assert await Event.filter(kind=EventKind.PAYMENT_FAILED).count() == 1

    paid = await _pay(owner, invoice, "second-try", paymentToken="tok_visa")
    assert paid["invoice"]["status"] == "PAID"


async def test_r_err_2_paying_another_accounts_invoice_is_not_found(
    db: None, gateway: SandboxGateway
) -> None:
    """R-ERR-2: someone else's invoice cannot be paid, and is not revealed."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    stranger = await sign_in(await make_user("eve@example.com"))
    result = await _pay(stranger, invoice, "k", paymentToken="tok_visa")
    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    assert gateway.charges == []


async def test_r_bill_3_crash_between_charge_and_commit_then_retry_charges_once(
    db: None, gateway: SandboxGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-BILL-3: the process dies after the gateway charged but before the outcome was
    committed; a retry with the same key finds the PENDING payment, replays the gateway's
    result under the same gateway key, and records one SUCCEEDED payment."""
    account = await make_account(country="US")
    invoice = await make_invoice(account)
    owner = await owner_of(account)
    real = charges.record_outcome

    async def crash(
        live: Live, clock: Clock, payment_id: int, result: ChargeResult
    ) -> tuple[Payment, bool]:
        raise RuntimeError("killed after charging")

    monkeypatch.setattr(charges, "record_outcome", crash)
    crashed = await gql(
        PAY,
        {
            "input": {
                "invoiceId": gid("Invoice", invoice.id),
                "idempotencyKey": "c",
                "paymentToken": "tok_visa",
            }
        },
        as_=owner,
    )
    assert crashed.errors is not None  # masked server error
    assert len(gateway.charges) == 1
    assert (await Payment.get()).status is PaymentStatus.PENDING
    assert (await Invoice.get(id=invoice.id)).status is InvoiceStatus.OPEN

    monkeypatch.setattr(charges, "record_outcome", real)
    retried = await _pay(owner, invoice, "c", paymentToken="tok_visa")
    assert retried["payment"]["status"] == "SUCCEEDED"
    assert retried["invoice"]["status"] == "PAID"
    assert len(gateway.charges) == 1
    assert await Payment.filter(status=PaymentStatus.SUCCEEDED).count() == 1
    assert await Event.filter(kind=EventKind.PAYMENT_SUCCEEDED).count() == 1


@pytest.mark.postgres
async def test_r_bill_3_twenty_concurrent_requests_one_key_charge_once(
    pg_db: None, gateway: SandboxGateway
) -> None:
    """R-BILL-3 on PostgreSQL: 20 concurrent payInvoice calls under one key: one charge at the
    gateway, one SUCCEEDED payment, and every caller gets that same payment."""
    account = await make_account(country="US")
    card = await add_card(account)
    invoice = await make_invoice(account, 50_000)
    owner = await owner_of(account)
    method = gid("PaymentMethod", card.id)

    results = await asyncio.gather(
        *(_pay(owner, invoice, "same-key", paymentMethodId=method) for _ in range(20))
    )
    assert {r["payment"]["id"] for r in results} == {results[0]["payment"]["id"]}
    assert all(r["userErrors"] == [] and r["payment"]["status"] == "SUCCEEDED" for r in results)
    assert len(gateway.charges) == 1
    assert await Payment.filter(status=PaymentStatus.SUCCEEDED).count() == 1
    assert await Payment.all().count() == 1
    assert (await Invoice.get(id=invoice.id)).amount_paid_minor == 50_000
    assert await Event.filter(kind=EventKind.PAYMENT_SUCCEEDED).count() == 1


@pytest.mark.postgres
async def test_r_bill_3_concurrent_different_keys_pay_once(
    pg_db: None, gateway: SandboxGateway
) -> None:
    """R-BILL-3 on PostgreSQL: 10 concurrent payments with different keys: the invoice is paid
    once; the others are INVOICE_NOT_PAYABLE."""
    account = await make_account(country="US")
    invoice = await make_invoice(account, 50_000)
    owner = await owner_of(account)
    results = await asyncio.gather(
        *(_pay(owner, invoice, f"key-{i}", paymentToken="tok_visa") for i in range(10))
    )
    succeeded = [r for r in results if r["payment"] and r["payment"]["status"] == "SUCCEEDED"]
    assert len(succeeded) == 1
    assert len(gateway.charges) == 1
    assert all(
        r["userErrors"][0]["code"] == "INVOICE_NOT_PAYABLE" for r in results if r not in succeeded
    )


ACTIVITY = """
query($a: ID!) {
  billingAccount(id: $a) { activity(first: 5) { edges { node { actor action summary } } } }
}"""


async def test_payments_are_in_the_account_activity_log(db: None, gateway: SandboxGateway) -> None:
    """R-BILL-4: a declined and a successful payment are both in the account's activity log,
    with who paid (managers see who changed what, and when)."""
    account = await make_account(country="US")
    invoice = await make_invoice(account, 5_000)
    owner = await owner_of(account)

    await _pay(owner, invoice, "declined", paymentToken="tok_chargeDeclined")
    await _pay(owner, invoice, "paid", paymentToken="tok_visa")

    result = await gql(ACTIVITY, {"a": gid("BillingAccount", account.id)}, as_=owner)
    entries = [edge["node"] for edge in result["billingAccount"]["activity"]["edges"]]
    payments = [e for e in entries if e["action"].startswith("payment_")]
    assert [e["action"] for e in payments] == ["payment_succeeded", "payment_failed"]
    assert {e["actor"] for e in payments} == {"Olga Owner"}
    assert "50.00 USD" in payments[0]["summary"] and "VISA ending 4242" in payments[0]["summary"]
    assert "failed" in payments[1]["summary"]
