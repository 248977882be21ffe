"""Shared factories for the billing tests: a fresh sandbox gateway, subscriptions, invoices."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.payments import SandboxGateway
from models.accounts import BillingAccount
from models.invoices import Invoice
from models.payments import PaymentMethod
from models.subscriptions import Deployment, SalesChannel, Subscription
from resolvers.invoices import LineValue, issue_invoice
from resolvers.services import Services
from resolvers.subscriptions import NewSubscription, create_subscription
from schema.relay import global_id
from tests.conftest import current_services


@pytest.fixture
def gateway(services: Services) -> SandboxGateway:
    """The test's sandbox gateway, to look at its charges."""
    assert isinstance(services.gateway, SandboxGateway)
    return services.gateway


async def make_subscription(
    account: BillingAccount,
    *,
    seats: int = 10,
    unit_price_minor: int = 34_800,
    start: date = date(2026, 1, 1),
    end: date = date(2027, 1, 1),
    deployment: Deployment = Deployment.GITLAB_COM,
    reseller: str | None = None,
    auto_renew: bool = True,
    issue: bool = True,
) -> Subscription:
    subscription, _ = await create_subscription(
        current_services().live,
        current_services().clock,
        NewSubscription(
            account_id=account.id,
            plan="Premium",
            deployment=deployment,
            seats=seats,
            unit_price_minor=unit_price_minor,
            start_date=start,
            end_date=end,
            auto_renew=auto_renew,
            channel=SalesChannel.RESELLER if reseller else SalesChannel.DIRECT,
            reseller_name=reseller,
            issue_invoice=issue,
        ),
    )
    return subscription


async def make_invoice(
    account: BillingAccount, amount_minor: int = 10_000, quantity: int = 1
) -> Invoice:
    services = current_services()
    line = LineValue("Premium seats", quantity, amount_minor)
    return await issue_invoice(services.live, services.clock, account, [line])


async def add_card(account: BillingAccount, token: str = "tok_visa") -> PaymentMethod:
    from models.users import User
    from resolvers.payments import add_payment_method

    owner = await User.get(managers__account_id=account.id, managers__is_owner=True)
    return await add_payment_method(
        current_services().gateway, current_services().clock, owner, account.id, token
    )


def gid(type_name: str, pk: int) -> str:
    return str(global_id(type_name, pk))
