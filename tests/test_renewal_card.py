"""Cards per product: R-PAY-6 (a manager chooses the card each subscription renews on; the
default card otherwise; a card a subscription renews on cannot be deleted) and R-SUB-3
(renewals and seat purchases charge that card)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from adapters.payments import SandboxGateway
from models.payments import PaymentMethod
from models.subscriptions import Subscription
from resolvers.services import Services
from tests.billing_support import add_card, gateway, gid, make_subscription
from tests.conftest import Viewer, gql, make_account, make_user, operator_gql, owner_of, sign_in

__all__ = ["gateway"]

CHOOSE = """
mutation($s: ID!, $p: ID) {
  setSubscriptionPaymentMethod(subscriptionId: $s, paymentMethodId: $p) {
    subscription { renewalPaymentMethod { last4 } renewsOnDefaultCard }
    userErrors { field code message }
  }
}"""
DELETE = """
mutation($p: ID!) {
  deletePaymentMethod(paymentMethodId: $p) { deletedPaymentMethodId userErrors { code message } }
}"""
OPERATOR_DELETE = """
mutation($p: ID!) { deletePaymentMethod(paymentMethodId: $p) { userErrors { code } } }
"""
SEATS = """
mutation($s: ID!, $n: Int!) {
  updateSubscriptionSeats(subscriptionId: $s, seats: $n) {
    subscription { seats } userErrors { code message }
  }
}"""
RUN = "mutation($d: Date!) { runRenewals(asOf: $d) { renewed failed } }"


async def choose(viewer: Viewer, subscription: Subscription, card: PaymentMethod | None) -> Any:
    variables = {
        "s": gid("ProductSubscription", subscription.id),
        "p": gid("PaymentMethod", card.id) if card else None,
    }
    return (await gql(CHOOSE, variables, as_=viewer))["setSubscriptionPaymentMethod"]


async def test_r_pay_6_renewal_card_defaults_to_the_default_then_follows_the_choice(
    db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-6: a subscription renews on the default card until a manager chooses another;
    null goes back to the default. Logged."""
    account = await make_account(country="US")
    await add_card(account)
    amex = await add_card(account, "tok_amex")
    subscription = await make_subscription(account, issue=False)
    owner = await owner_of(account)

    chosen = await choose(owner, subscription, amex)
    back = await choose(owner, subscription, None)

    assert chosen["subscription"] == {
        "renewalPaymentMethod": {"last4": "8431"},
        "renewsOnDefaultCard": False,
    }
    assert back["subscription"] == {
        "renewalPaymentMethod": {"last4": "4242"},
        "renewsOnDefaultCard": True,
    }


async def test_r_sub_3_renewals_and_seat_purchases_charge_the_chosen_card(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-SUB-3, R-PAY-6: with AMEX chosen for the subscription (VISA is the default), buying
    seats and the automatic renewal both charge the AMEX."""
    with services.clock.frozen(datetime(2026, 7, 2, 9, 0, tzinfo=UTC)):
        account = await make_account(country="US")
        await add_card(account)
        amex = await add_card(account, "tok_amex")
        subscription = await make_subscription(account, issue=False)
        owner = await owner_of(account)
        await choose(owner, subscription, amex)
        seats = await gql(
            SEATS, {"s": gid("ProductSubscription", subscription.id), "n": 12}, as_=owner
        )
    assert seats["updateSubscriptionSeats"]["subscription"] == {"seats": 12}

    renewed = (await operator_gql(RUN, {"d": "2027-01-01"}))["runRenewals"]

    assert renewed == {"renewed": 1, "failed": 0}
    assert [c.card_ref for c in gateway.charges] == [amex.gateway_ref, amex.gateway_ref]


async def test_r_pay_6_a_card_a_subscription_renews_on_cannot_be_deleted(
    db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-6: deleting the card a subscription renews on is PAYMENT_METHOD_IN_USE naming the
    subscription; after choosing another it can be deleted. The operator may delete it: the
    subscription then renews on the default card."""
    account = await make_account(country="US")
    await add_card(account)
    amex = await add_card(account, "tok_amex")
    mastercard = await add_card(account, "tok_mastercard")
    subscription = await make_subscription(account, issue=False)
    owner = await owner_of(account)
    await choose(owner, subscription, amex)

    refused = await gql(DELETE, {"p": gid("PaymentMethod", amex.id)}, as_=owner)
    error = refused["deletePaymentMethod"]["userErrors"][0]
    assert error["code"] == "PAYMENT_METHOD_IN_USE" and subscription.name in error["message"]
    assert await PaymentMethod.exists(id=amex.id)

    await choose(owner, subscription, mastercard)
    deleted = await gql(DELETE, {"p": gid("PaymentMethod", amex.id)}, as_=owner)
    assert deleted["deletePaymentMethod"]["userErrors"] == []

    await operator_gql(OPERATOR_DELETE, {"p": gid("PaymentMethod", mastercard.id)})
    stored = await Subscription.get(id=subscription.id)
    assert stored.payment_method_id is None  # type: ignore[attr-defined]
    again = await choose(owner, subscription, None)
    assert again["subscription"]["renewalPaymentMethod"] == {"last4": "4242"}


async def test_r_pay_6_only_own_unexpired_cards_and_not_for_reseller_subscriptions(
    db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-6, R-SUB-2, R-ERR-2: another account's card is NOT_FOUND, an expired card INVALID,
    a reseller's subscription MANAGED_BY_RESELLER; nothing changes."""
    account = await make_account(country="US")
    await add_card(account)
    subscription = await make_subscription(account, issue=False)
    resold = await make_subscription(account, reseller="Partner AG", issue=False)
    other = await make_account("other@example.com", "Other Ltd")
    foreign = await add_card(other)
    expired = await add_card(account, "tok_mastercard")
    expired.exp_year = 2020
    await expired.save()
    owner = await owner_of(account)

    assert (await choose(owner, subscription, foreign))["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await choose(owner, subscription, expired))["userErrors"][0]["code"] == "INVALID"
    reseller = (await choose(owner, resold, None))["userErrors"][0]
    assert reseller["code"] == "MANAGED_BY_RESELLER"
    stranger = await sign_in(await make_user("eve@example.com"))
    assert (await choose(stranger, subscription, None))["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await Subscription.get(id=subscription.id)).payment_method_id is None  # type: ignore[attr-defined]


PROMPTS = "query($a: ID!) { billingAccount(id: $a) { prompts { code message } } }"


async def test_r_pay_6_a_chosen_card_expiring_before_the_renewal_is_prompted(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-PAY-6, R-SUB-3: a card chosen for a subscription that expires before the renewal
    raises RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL naming the subscription; choosing a card that
    lasts clears it."""
    account = await make_account(country="US")
    await add_card(account)
    short = await add_card(account, "tok_amex")
    short.exp_month, short.exp_year = 6, services.clock.today().year + 1
    await short.save()
    year = services.clock.today().year
    subscription = await make_subscription(
        account, issue=False, start=date(year, 1, 1), end=date(year + 2, 1, 1)
    )
    owner = await owner_of(account)
    account_id = gid("BillingAccount", account.id)

    await choose(owner, subscription, short)
    prompted = (await gql(PROMPTS, {"a": account_id}, as_=owner))["billingAccount"]["prompts"]
    await choose(owner, subscription, None)
    cleared = (await gql(PROMPTS, {"a": account_id}, as_=owner))["billingAccount"]["prompts"]

    [prompt] = [p for p in prompted if p["code"] == "RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL"]
    assert subscription.name in prompt["message"] and "AMEX ending 8431" in prompt["message"]
    assert [p for p in cleared if p["code"] == "RENEWAL_CARD_EXPIRES_BEFORE_RENEWAL"] == []
