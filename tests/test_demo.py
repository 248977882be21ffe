"""Demo data (`PORTAL_DEMO=true`): seeding is idempotent and prints a sign-in link that works."""

from __future__ import annotations

import logging

import pytest

from models.accounts import BillingAccount, Manager
from models.users import User
from resolvers.demo import DEMO_COMPANY, DEMO_EMAIL, seed_demo
from tests.conftest import Viewer, current_services, gql

pytestmark = pytest.mark.usefixtures("db")


SIGN_IN = """
mutation($token: String!) {
  signInWithLink(token: $token) { session { token } userErrors { code message } }
}"""
ME = """
query {
  me {
    email emailConfirmed
    billingAccounts {
      company { name country taxId taxTreatment address { city } }
      managers { email }
    }
  }
}"""


async def test_seed_demo_is_idempotent_and_its_link_signs_in(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Seeding twice makes one demo account; each run logs a fresh link that signs in, on a
    line of its own (copyable as it is)."""
    with caplog.at_level(logging.INFO, logger="resolvers.demo"):
        first = await seed_demo(
            current_services().gateway, current_services().live, current_services().clock
        )
        second = await seed_demo(
            current_services().gateway, current_services().live, current_services().clock
        )
    assert first != second
    assert first.startswith("http://app.test/sign-in?token=")
    lines = caplog.text.splitlines()
    assert f"  {first}" in lines and f"  {second}" in lines
    assert await BillingAccount.filter(company_name=DEMO_COMPANY).count() == 1
    assert await User.filter(email=DEMO_EMAIL).count() == 1
    assert await Manager.filter(user__email=DEMO_EMAIL, is_owner=True).count() == 1
    assert "Demo data" not in caplog.text, "a demo extra failed"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    token = second.split("token=", 1)[1]
    signed = (await gql(SIGN_IN, {"token": token}))["signInWithLink"]
    assert signed["userErrors"] == []
    owner = await User.get(email=DEMO_EMAIL)
    me = (await gql(ME, as_=Viewer(owner, signed["session"]["token"])))["me"]
    assert me["email"] == DEMO_EMAIL and me["emailConfirmed"] is True
    [account] = me["billingAccounts"]
    assert account["company"] == {
        "name": DEMO_COMPANY,
        "country": "DE",
        "taxId": "DE136695976",
        "taxTreatment": "REVERSE_CHARGE",
        "address": {"city": "Berlin"},
    }
    assert {m["email"] for m in account["managers"]} == {DEMO_EMAIL, "grace@example.com"}


async def test_demo_has_something_of_every_feature() -> None:
    """The demo shows managers, an invitation, a custom billing contact, subscriptions (one via
    a reseller), invoices open/paid/void, cards and a catalog to buy from (R-SUB-4)."""
    from models.accounts import BillingContactKind
    from models.catalog import CatalogAddOn, CatalogPlan
    from models.invitations import Invitation
    from models.invoices import Invoice
    from models.payments import PaymentMethod
    from models.subscriptions import SalesChannel, Subscription

    await seed_demo(current_services().gateway, current_services().live, current_services().clock)
    account = await BillingAccount.get(company_name=DEMO_COMPANY)
    assert await Manager.filter(account=account).count() == 2
    assert await Invitation.filter(account=account).count() == 1
    assert account.billing_contact_kind is not BillingContactKind.SAME_AS_SUBSCRIPTION_CONTACT
    channels = sorted(s.channel for s in await Subscription.filter(account=account))
    assert channels == [SalesChannel.DIRECT, SalesChannel.RESELLER]
    statuses = {i.status.value for i in await Invoice.filter(account=account)}
    assert statuses == {"OPEN", "PAID", "VOID"}
    assert await PaymentMethod.filter(account=account).count() == 2
    assert await CatalogPlan.filter(active=True).count() == 2
    assert await CatalogAddOn.filter(active=True).count() == 2


async def test_demo_invoices_go_to_the_billing_contact() -> None:
    """Invoices 000003 and 000004 said "Attn: Demo Owner" and went to demo@example.com:
    they were issued with an account loaded before the billing contact changed."""
    from models.invoices import Invoice
    from models.outbox import OutboxEmail

    await seed_demo(current_services().gateway, current_services().live, current_services().clock)
    invoices = await Invoice.all().order_by("number")
    assert len(invoices) >= 3
    for invoice in invoices:
        assert invoice.buyer["contact_email"] == "accounts-payable@example.com", invoice.number
        assert invoice.buyer["contact_name"] == "Bill Payer", invoice.number
    mails = [m.to for m in await OutboxEmail.filter(subject__contains="Invoice")]
    assert mails and set(mails) == {"accounts-payable@example.com"}
