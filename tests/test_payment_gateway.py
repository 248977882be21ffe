from __future__ import annotations

import asyncio
from datetime import date

import pytest

from adapters.payments import (
    CardRejected,
    GatewayUnavailable,
    IdempotencyKeyReused,
    PaymentGateway,
    SandboxGateway,
    gateway_from_name,
)
from core.money import CurrencyInvalid

TODAY = date(2026, 11, 1)


@pytest.fixture
def gateway() -> SandboxGateway:
    return SandboxGateway(clock=lambda: TODAY)


async def charge(gateway: PaymentGateway, card_ref: str, key: str = "key-1", amount: int = 118_800):
    return await gateway.charge(
        card_ref=card_ref,
        amount_minor=amount,
        currency="USD",
        idempotency_key=key,
        description="Invoice 2026-000001",
    )


@pytest.mark.parametrize(
    ("token", "brand", "last4"),
    [
        ("tok_visa", "VISA", "4242"),
        ("tok_mastercard", "MASTERCARD", "4444"),
        ("tok_amex", "AMEX", "8431"),
        ("tok_chargeDeclined", "VISA", "0002"),
        ("tok_chargeDeclinedInsufficientFunds", "VISA", "9995"),
        ("tok_chargeDeclinedExpiredCard", "VISA", "0069"),
    ],
)
async def test_test_tokens_attach_as_documented(
    gateway: SandboxGateway, token: str, brand: str, last4: str
) -> None:
    """R-PAY-2, R-PAY-5: a token becomes brand, last four, expiry and a card reference."""
    card = await gateway.attach_card(token)
    assert (card.brand, card.last4) == (brand, last4)
    assert (card.exp_month, card.exp_year) == (12, 2029)
    assert card.cardholder_name is None
    assert card.gateway_ref.startswith("card_")
    assert token not in card.gateway_ref  # a reference, not the token itself


async def test_each_attachment_gets_its_own_reference(gateway: SandboxGateway) -> None:
    first = await gateway.attach_card("tok_visa")
    second = await gateway.attach_card("tok_visa")
    assert first.gateway_ref != second.gateway_ref


@pytest.mark.parametrize("token", ["tok_unknown", "", "4242424242424242", "TOK_VISA"])
async def test_unknown_token_is_refused_as_invalid(gateway: SandboxGateway, token: str) -> None:
    """R-PAY-5: any token not in the table is refused with INVALID."""
    with pytest.raises(CardRejected) as caught:
        await gateway.attach_card(token)
    assert caught.value.code == "INVALID"
    assert caught.value.message


@pytest.mark.parametrize("token", ["tok_visa", "tok_mastercard", "tok_amex"])
async def test_good_cards_charge(gateway: SandboxGateway, token: str) -> None:
    """R-PAY-5: the succeeding test cards are charged."""
    card = await gateway.attach_card(token)
    result = await charge(gateway, card.gateway_ref)
    assert result.succeeded
    assert result.charge_id.startswith("ch_")
    assert (result.failure_code, result.failure_message) == (None, None)
    assert [c.amount_minor for c in gateway.charges] == [118_800]


@pytest.mark.parametrize(
    ("token", "code", "message"),
    [
        ("tok_chargeDeclined", "CARD_DECLINED", "Your card was declined."),
        (
            "tok_chargeDeclinedInsufficientFunds",
            "INSUFFICIENT_FUNDS",
            "Your card has insufficient funds.",
        ),
        ("tok_chargeDeclinedExpiredCard", "CARD_EXPIRED", "Your card has expired."),
    ],
)
async def test_failing_cards_decline_with_a_reason(
    gateway: SandboxGateway, token: str, code: str, message: str
) -> None:
    """R-PAY-5: decline, insufficient funds and expired card each fail with their reason."""
    card = await gateway.attach_card(token)
    result = await charge(gateway, card.gateway_ref)
    assert not result.succeeded
    assert (result.failure_code, result.failure_message) == (code, message)


async def test_card_reference_survives_a_new_gateway_instance(gateway: SandboxGateway) -> None:
    """R-PAY-5: a stored card keeps its behaviour after a restart (a new sandbox instance)."""
    declined = await gateway.attach_card("tok_chargeDeclined")
    restarted = SandboxGateway(clock=lambda: TODAY)
    result = await charge(restarted, declined.gateway_ref)
    assert result.failure_code == "CARD_DECLINED"


@pytest.mark.parametrize("ref", ["card_abc_unknown", "tok_visa", "card_", "x_1_visa"])
async def test_unknown_card_reference_is_refused(gateway: SandboxGateway, ref: str) -> None:
    with pytest.raises(CardRejected) as caught:
        await charge(gateway, ref)
    assert caught.value.code == "INVALID"
    assert gateway.charges == []


async def test_same_key_charges_once_and_returns_the_first_result(gateway: SandboxGateway) -> None:
    """R-PAY-5 (R-BILL-3): a retry with the same idempotency key charges once."""
    card = await gateway.attach_card("tok_visa")
    first = await charge(gateway, card.gateway_ref, key="retry")
    # the portal crashed before committing, and the request is retried
    second = await charge(gateway, card.gateway_ref, key="retry")
    assert second == first
    assert len(gateway.charges) == 1


async def test_a_declined_result_is_replayed_too(gateway: SandboxGateway) -> None:
    card = await gateway.attach_card("tok_chargeDeclined")
    first = await charge(gateway, card.gateway_ref, key="k")
    assert await charge(gateway, card.gateway_ref, key="k") == first
    assert len(gateway.charges) == 1


async def test_different_keys_charge_separately(gateway: SandboxGateway) -> None:
    card = await gateway.attach_card("tok_visa")
    first = await charge(gateway, card.gateway_ref, key="a")
    second = await charge(gateway, card.gateway_ref, key="b")
    assert first.charge_id != second.charge_id
    assert len(gateway.charges) == 2


async def test_concurrent_requests_with_one_key_charge_once(gateway: SandboxGateway) -> None:
    """R-PAY-5 (R-BILL-3): 20 concurrent charges with the same key make one charge."""
    card = await gateway.attach_card("tok_visa")
    results = await asyncio.gather(
        *(charge(gateway, card.gateway_ref, key="same") for _ in range(20))
    )
    assert len(gateway.charges) == 1
    assert {r.charge_id for r in results} == {gateway.charges[0].charge_id}
    assert all(r.succeeded for r in results)


async def test_same_key_with_other_parameters_is_refused(gateway: SandboxGateway) -> None:
    """R-BILL-3: the same key with different parameters is refused, like a real gateway."""
    card = await gateway.attach_card("tok_visa")
    await charge(gateway, card.gateway_ref, key="k", amount=100)
    with pytest.raises(IdempotencyKeyReused):
        await charge(gateway, card.gateway_ref, key="k", amount=200)
    assert len(gateway.charges) == 1


async def test_gateway_can_be_unavailable(gateway: SandboxGateway) -> None:
    card = await gateway.attach_card("tok_visa")
    gateway.unavailable = True
    with pytest.raises(GatewayUnavailable):
        await charge(gateway, card.gateway_ref)
    with pytest.raises(GatewayUnavailable):
        await gateway.attach_card("tok_visa")
    gateway.unavailable = False
    assert (await charge(gateway, card.gateway_ref)).succeeded


async def test_charge_arguments_are_checked(gateway: SandboxGateway) -> None:
    """R-BILL-5: amounts are positive int minor units of an ISO 4217 currency."""
    card = await gateway.attach_card("tok_visa")
    for amount in [0, -1, 11.88, True]:
        with pytest.raises((ValueError, TypeError)):
            await charge(gateway, card.gateway_ref, amount=amount)  # type: ignore[arg-type]
    with pytest.raises(CurrencyInvalid):
        await gateway.charge(
            card_ref=card.gateway_ref,
            amount_minor=100,
            currency="XXX",
            idempotency_key="k",
            description="",
        )
    with pytest.raises(ValueError):
        await charge(gateway, card.gateway_ref, key="")
    assert gateway.charges == []


async def test_expiry_follows_the_clock() -> None:
    card = await SandboxGateway(clock=lambda: date(2030, 1, 1)).attach_card("tok_amex")
    assert (card.exp_month, card.exp_year) == (12, 2033)


def test_gateway_from_name() -> None:
    """R-PAY-5: the sandbox is the default gateway."""
    assert isinstance(gateway_from_name(), SandboxGateway)
    assert isinstance(gateway_from_name(" Sandbox "), SandboxGateway)
    assert isinstance(gateway_from_name(""), SandboxGateway)
    with pytest.raises(ValueError, match="sandbox"):
        gateway_from_name("stripe")


def test_one_instance_serves_several_event_loops() -> None:
    """The app may outlive a test's event loop; the lock is per loop."""
    gateway = SandboxGateway(clock=lambda: TODAY)

    async def burst(key: str) -> None:
        card = await gateway.attach_card("tok_visa")
        await asyncio.gather(*(charge(gateway, card.gateway_ref, key=key) for _ in range(5)))

    asyncio.run(burst("a"))
    asyncio.run(burst("b"))
    assert len(gateway.charges) == 2
