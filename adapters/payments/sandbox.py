"""The sandbox gateway: a real gateway's test mode, in memory (R-PAY-5).

Test tokens (RUNTIME.md, "Sandbox payment gateway"):

| token                                 | card               | on charge          |
| ------------------------------------- | ------------------ | ------------------ |
| tok_visa                              | VISA ···4242       | succeeds           |
| tok_mastercard                        | MASTERCARD ···4444 | succeeds           |
| tok_amex                              | AMEX ···8431       | succeeds           |
| tok_chargeDeclined                    | VISA ···0002       | CARD_DECLINED      |
| tok_chargeDeclinedInsufficientFunds   | VISA ···9995       | INSUFFICIENT_FUNDS |
| tok_chargeDeclinedExpiredCard         | VISA ···0069       | CARD_EXPIRED       |

Any other token is refused with INVALID. Cards expire 12 / (this year + 3).

A card reference (`card_<random>_<test card>`) carries its test behaviour, so
cards stored in the database keep working after a restart and on every
instance. Idempotency records live in this process only; across instances the
portal's own unique (account, idempotency key) row is what guarantees one charge.
"""

from __future__ import annotations

import asyncio
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from adapters.payments.base import (
    CardDetails,
    CardRejected,
    ChargeResult,
    FailureCode,
    GatewayUnavailable,
    IdempotencyKeyReused,
)
from core.money import ensure_minor, validate_currency


class _TestCard(NamedTuple):
    brand: str
    last4: str
    failure: FailureCode | None


TEST_CARDS: dict[str, _TestCard] = {
    "tok_visa": _TestCard("VISA", "4242", None),
    "tok_mastercard": _TestCard("MASTERCARD", "4444", None),
    "tok_amex": _TestCard("AMEX", "8431", None),
    "tok_chargeDeclined": _TestCard("VISA", "0002", "CARD_DECLINED"),
    "tok_chargeDeclinedInsufficientFunds": _TestCard("VISA", "9995", "INSUFFICIENT_FUNDS"),
    "tok_chargeDeclinedExpiredCard": _TestCard("VISA", "0069", "CARD_EXPIRED"),
}

FAILURE_MESSAGES: dict[FailureCode, str] = {
    "CARD_DECLINED": "Your card was declined.",
    "INSUFFICIENT_FUNDS": "Your card has insufficient funds.",
    "CARD_EXPIRED": "Your card has expired.",
}


@dataclass(frozen=True, slots=True)
class SandboxCharge:
    """One charge the sandbox really made (a replayed idempotency key adds none)."""

    charge_id: str
    card_ref: str
    amount_minor: int
    currency: str
    description: str
    idempotency_key: str
    result: ChargeResult


class SandboxGateway:
    def __init__(self, clock: Callable[[], date] = date.today) -> None:
        self.clock = clock
        self.unavailable = False  # set in tests to simulate an outage
        self.charges: list[SandboxCharge] = []
        self._by_key: dict[str, SandboxCharge] = {}
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def attach_card(self, token: str) -> CardDetails:
        self._check_available()
        card = TEST_CARDS.get(token)
        if card is None:
            raise CardRejected("INVALID", f"No such token: '{token}'")
        ref = f"card_{secrets.token_hex(8)}_{token.removeprefix('tok_')}"
        expiry_year = self.clock().year + 3
        return CardDetails(card.brand, card.last4, 12, expiry_year, None, ref)

    async def charge(
        self,
        *,
        card_ref: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        description: str,
    ) -> ChargeResult:
        self._check_available()
        currency = _check_charge(amount_minor, currency, idempotency_key)
        card = _card_of(card_ref)
        async with self._lock():
            previous = self._by_key.get(idempotency_key)
            if previous is not None:
                return _replay(previous, card_ref, amount_minor, currency, description)
            await asyncio.sleep(0)  # a real gateway awaits the network here
            result = _result(card.failure)
            record = SandboxCharge(
                result.charge_id,
                card_ref,
                amount_minor,
                currency,
                description,
                idempotency_key,
                result,
            )
            self._by_key[idempotency_key] = record
            self.charges.append(record)
            return result

    async def find_charge(self, idempotency_key: str) -> ChargeResult | None:
        self._check_available()
        record = self._by_key.get(idempotency_key)
        return record.result if record is not None else None

    def _check_available(self) -> None:
        if self.unavailable:
            raise GatewayUnavailable("The payment gateway is unavailable; try again.")

    def _lock(self) -> asyncio.Lock:
        """One lock per event loop, so an instance survives tests that each run their own loop."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock


def _check_charge(amount_minor: int, currency: str, idempotency_key: str) -> str:
    if ensure_minor(amount_minor) <= 0:
        raise ValueError("amount_minor must be positive")
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    return validate_currency(currency)


def _card_of(card_ref: str) -> _TestCard:
    prefix, _, name = card_ref.partition("_")
    card = TEST_CARDS.get("tok_" + name.partition("_")[2])
    if prefix != "card" or card is None:
        raise CardRejected("INVALID", f"No such card: '{card_ref}'")
    return card


def _replay(
    previous: SandboxCharge, card_ref: str, amount_minor: int, currency: str, description: str
) -> ChargeResult:
    same = (previous.card_ref, previous.amount_minor, previous.currency, previous.description)
    if same != (card_ref, amount_minor, currency, description):
        raise IdempotencyKeyReused(
            "Keys for idempotent requests can only be used with the same parameters "
            "they were first used with."
        )
    return previous.result


def _result(failure: FailureCode | None) -> ChargeResult:
    charge_id = f"ch_{secrets.token_hex(12)}"
    if failure is None:
        return ChargeResult(True, charge_id)
    return ChargeResult(False, charge_id, failure, FAILURE_MESSAGES[failure])
