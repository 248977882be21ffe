"""Cards on file: R-PAY-1 (default card), R-PAY-2 (tokens only), R-PAY-3 (edit), R-PAY-4 (delete),
R-PAY-5 (sandbox gateway)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.payments import SandboxGateway
from models.activity import ActivityEntry
from models.payments import PaymentMethod
from resolvers.services import Services
from tests.billing_support import gateway, gid
from tests.conftest import gql, make_account, make_user, operator_gql, owner_of, sign_in

__all__ = ["gateway"]

ADD = """
mutation($a: ID!, $t: String!, $d: Boolean) {
  addPaymentMethod(billingAccountId: $a, paymentToken: $t, makeDefault: $d) {
    paymentMethod { id brand last4 expMonth expYear isDefault isExpired cardholderName }
    userErrors { field code message }
  }
}"""

UPDATE = """
mutation($p: ID!, $m: Int, $y: Int, $n: String, $d: Boolean) {
  updatePaymentMethod(paymentMethodId: $p, expMonth: $m, expYear: $y, cardholderName: $n,
                      makeDefault: $d) {
    paymentMethod { id expMonth expYear cardholderName isDefault }
    userErrors { field code message }
  }
}"""

DELETE = """
mutation($p: ID!) {
  deletePaymentMethod(paymentMethodId: $p) { deletedPaymentMethodId userErrors { code message } }
}"""

CARDS = """
query($a: ID!) {
  billingAccount(id: $a) {
    paymentMethods { id brand last4 isDefault }
    defaultPaymentMethod { id last4 }
  }
}"""


async def _add(viewer, account_id: str, token: str, default: bool = False) -> Any:
    result = await gql(ADD, {"a": account_id, "t": token, "d": default}, as_=viewer)
    return result["addPaymentMethod"]


async def test_r_pay_1_first_card_is_default_and_exactly_one_default(
    db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-1: the first card becomes the default; making another default moves it."""
    account = await make_account()
    owner = await owner_of(account)
    account_id = gid("BillingAccount", account.id)

    first = await _add(owner, account_id, "tok_visa")
    second = await _add(owner, account_id, "tok_mastercard")
    assert first["paymentMethod"]["isDefault"] is True
    assert second["paymentMethod"]["isDefault"] is False

    third = await _add(owner, account_id, "tok_amex", default=True)
    cards = (await gql(CARDS, {"a": account_id}, as_=owner))["billingAccount"]
    assert [c["isDefault"] for c in cards["paymentMethods"]] == [False, False, True]
    assert cards["defaultPaymentMethod"]["id"] == third["paymentMethod"]["id"]
    assert await ActivityEntry.filter(account_id=account.id, action="card_added").count() == 3


async def test_r_pay_2_card_comes_from_a_gateway_token_and_stores_display_details(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-PAY-2: a token becomes brand, last four, expiry; an unknown token is INVALID."""
    account = await make_account()
    owner = await owner_of(account)
    added = await _add(owner, gid("BillingAccount", account.id), "tok_amex")
    card = added["paymentMethod"]
    assert (card["brand"], card["last4"], card["expMonth"]) == ("AMEX", "8431", 12)
    assert card["expYear"] == services.clock.today().year + 3
    stored = await PaymentMethod.get(account_id=account.id)
    assert stored.gateway_ref.startswith("card_") and "4242" not in stored.gateway_ref

    refused = await _add(owner, gid("BillingAccount", account.id), "4242424242424242")
    assert refused["userErrors"][0]["code"] == "INVALID"
    assert refused["userErrors"][0]["field"] == ["paymentToken"]
    assert await PaymentMethod.filter(account_id=account.id).count() == 1


async def test_r_pay_3_edit_expiry_and_name_with_validation(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-PAY-3: expiry and cardholder name are edited; month 1-12, year not in the past."""
    account = await make_account()
    owner = await owner_of(account)
    card = (await _add(owner, gid("BillingAccount", account.id), "tok_visa"))["paymentMethod"]
    year = services.clock.today().year

    ok = await gql(UPDATE, {"p": card["id"], "m": 6, "y": year + 1, "n": " Ada  L "}, as_=owner)
    assert ok["updatePaymentMethod"]["paymentMethod"] == {
        "id": card["id"],
        "expMonth": 6,
        "expYear": year + 1,
        "cardholderName": "Ada L",
        "isDefault": True,
    }
    bad_month = await gql(UPDATE, {"p": card["id"], "m": 13}, as_=owner)
    assert bad_month["updatePaymentMethod"]["userErrors"][0]["field"] == ["expMonth"]
    past = await gql(UPDATE, {"p": card["id"], "y": year - 1}, as_=owner)
    assert past["updatePaymentMethod"]["userErrors"][0]["code"] == "INVALID"
    stored = await PaymentMethod.get(id=(await PaymentMethod.first()).id)  # type: ignore[union-attr]
    assert (stored.exp_month, stored.exp_year) == (6, year + 1)


async def test_r_pay_3_make_default_moves_the_default(db: None, gateway: SandboxGateway) -> None:
    """R-PAY-3: marking a card default unmarks the previous default."""
    account = await make_account()
    owner = await owner_of(account)
    account_id = gid("BillingAccount", account.id)
    first = (await _add(owner, account_id, "tok_visa"))["paymentMethod"]
    second = (await _add(owner, account_id, "tok_mastercard"))["paymentMethod"]
    await gql(UPDATE, {"p": second["id"], "d": True}, as_=owner)
    defaults = await PaymentMethod.filter(account_id=account.id, is_default=True)
    assert [gid("PaymentMethod", m.id) for m in defaults] == [second["id"]]
    assert first["id"] != second["id"]


async def test_r_pay_4_default_card_cannot_be_deleted_by_customer(
    db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-4: a non-default card is deleted; the default is refused with its code."""
    account = await make_account()
    owner = await owner_of(account)
    account_id = gid("BillingAccount", account.id)
    default = (await _add(owner, account_id, "tok_visa"))["paymentMethod"]
    other = (await _add(owner, account_id, "tok_mastercard"))["paymentMethod"]

    refused = await gql(DELETE, {"p": default["id"]}, as_=owner)
    assert refused["deletePaymentMethod"]["userErrors"][0]["code"] == (
        "CANNOT_DELETE_DEFAULT_PAYMENT_METHOD"
    )
    deleted = await gql(DELETE, {"p": other["id"]}, as_=owner)
    assert deleted["deletePaymentMethod"]["deletedPaymentMethodId"] == other["id"]
    assert await PaymentMethod.filter(account_id=account.id).count() == 1


async def test_r_pay_4_operator_deletes_default_and_newest_card_is_promoted(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-PAY-4: the operator may delete the default; the newest remaining card becomes it."""
    account = await make_account()
    owner = await owner_of(account)
    account_id = gid("BillingAccount", account.id)
    default = (await _add(owner, account_id, "tok_visa"))["paymentMethod"]
    await _add(owner, account_id, "tok_mastercard")
    services.clock.advance(timedelta(minutes=1))
    newest = (await _add(owner, account_id, "tok_amex"))["paymentMethod"]

    result = await operator_gql(DELETE, {"p": default["id"]})
    assert result["deletePaymentMethod"]["userErrors"] == []
    cards = (await gql(CARDS, {"a": account_id}, as_=owner))["billingAccount"]
    assert cards["defaultPaymentMethod"]["id"] == newest["id"]
    assert sum(c["isDefault"] for c in cards["paymentMethods"]) == 1


async def test_r_err_2_other_accounts_cards_are_not_found(
    db: None, gateway: SandboxGateway
) -> None:
    """R-ERR-2: another account's card cannot be read, edited or deleted."""
    account = await make_account()
    owner = await owner_of(account)
    card = (await _add(owner, gid("BillingAccount", account.id), "tok_visa"))["paymentMethod"]
    stranger = await sign_in(await make_user("eve@example.com"))

    edit = await gql(UPDATE, {"p": card["id"], "m": 1}, as_=stranger)
    assert edit["updatePaymentMethod"]["userErrors"][0]["code"] == "NOT_FOUND"
    delete = await gql(DELETE, {"p": card["id"]}, as_=stranger)
    assert delete["deletePaymentMethod"]["userErrors"][0]["code"] == "NOT_FOUND"
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": card["id"]}, as_=stranger)
    assert node["node"] is None


async def test_r_pay_1_is_expired_follows_the_clock(
    db: None, gateway: SandboxGateway, services: Services
) -> None:
    """R-PAY-1: a card is expired after the last day of its expiry month."""
    query = "query($id: ID!) { node(id: $id) { ... on PaymentMethod { isExpired } } }"
    with services.clock.frozen(datetime(2026, 11, 30, 23, 0, tzinfo=UTC)):
        account = await make_account()
        owner = await owner_of(account)
        card = (await _add(owner, gid("BillingAccount", account.id), "tok_visa"))["paymentMethod"]
        await PaymentMethod.all().update(exp_month=11, exp_year=2026)
        assert (await gql(query, {"id": card["id"]}, as_=owner))["node"]["isExpired"] is False
    with services.clock.frozen(datetime(2026, 12, 1, 0, 1, tzinfo=UTC)):
        assert (await gql(query, {"id": card["id"]}, as_=owner))["node"]["isExpired"] is True


PROMPTS = "query($a: ID!) { billingAccount(id: $a) { prompts { code message } } }"


async def test_r_pay_1_prompt_when_default_card_expires_before_next_renewal(
    db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-1 / R-SUB-3: DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL shows while the default card
    stops working before the next auto-renewal, and goes once the expiry is updated."""
    from datetime import date

    from tests.billing_support import make_subscription

    account = await make_account()
    owner = await owner_of(account)
    account_id = gid("BillingAccount", account.id)
    card = (await _add(owner, account_id, "tok_visa"))["paymentMethod"]
    await make_subscription(
        account, issue=False, start=date(2026, 6, 1), end=date(card["expYear"] + 1, 1, 1)
    )

    prompts = (await gql(PROMPTS, {"a": account_id}, as_=owner))["billingAccount"]["prompts"]
    codes_wanted = "DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL"
    assert codes_wanted in [p["code"] for p in prompts]
    (message,) = [p["message"] for p in prompts if p["code"] == codes_wanted]
    assert "VISA ending 4242" in message

    await gql(UPDATE, {"p": card["id"], "m": 1, "y": card["expYear"] + 1}, as_=owner)
    prompts = (await gql(PROMPTS, {"a": account_id}, as_=owner))["billingAccount"]["prompts"]
    assert "DEFAULT_CARD_EXPIRES_BEFORE_RENEWAL" not in [p["code"] for p in prompts]


@pytest.mark.postgres
async def test_r_pay_1_concurrent_first_cards_leave_exactly_one_default(
    pg_db: None, gateway: SandboxGateway
) -> None:
    """R-PAY-1 on PostgreSQL: 8 cards added at once to an empty account: exactly one default."""
    account = await make_account()
    owner = await owner_of(account)
    account_id = gid("BillingAccount", account.id)
    added = await asyncio.gather(*(_add(owner, account_id, "tok_visa") for _ in range(8)))
    assert all(a["userErrors"] == [] for a in added)
    assert await PaymentMethod.filter(account_id=account.id, is_default=True).count() == 1
