"""The payment gateway protocol (R-PAY-2, R-BILL-3).

The portal never sees card numbers: the browser hands a card to the gateway and
the portal receives a token, which `attach_card` turns into a reusable card
reference and the display details the portal stores.

Exceptions::

    GatewayError
    ├── CardRejected          unknown token or card reference (code "INVALID")
    ├── GatewayUnavailable    the gateway could not be reached; retry with the same key
    └── IdempotencyKeyReused  the key was already used for a different charge

A declined charge is not an exception: `charge` returns a `ChargeResult` with
`succeeded=False` and the gateway's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

FailureCode = Literal["CARD_DECLINED", "INSUFFICIENT_FUNDS", "CARD_EXPIRED"]


class GatewayError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class CardRejected(GatewayError):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class GatewayUnavailable(GatewayError):
    pass


class IdempotencyKeyReused(GatewayError):
    pass


@dataclass(frozen=True, slots=True)
class CardDetails:
    brand: str  # a CardBrand name: VISA, MASTERCARD, AMEX, ...
    last4: str
    exp_month: int
    exp_year: int
    cardholder_name: str | None
    gateway_ref: str  # reusable reference to charge the card later


@dataclass(frozen=True, slots=True)
class ChargeResult:
    succeeded: bool
    charge_id: str
    failure_code: FailureCode | None = None
    failure_message: str | None = None


class PaymentGateway(Protocol):
    async def attach_card(self, token: str) -> CardDetails:
        """Exchange a card token from the browser for a reusable card; `CardRejected` if unknown."""
        ...

    async def charge(
        self,
        *,
        card_ref: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        description: str,
    ) -> ChargeResult:
        """Charge the card once per idempotency key.

        Repeating a key with the same parameters returns the first result
        without charging again (so a crash between charging and committing,
        then a retry with the same key, charges once); the same key with other
        parameters raises `IdempotencyKeyReused`. An unknown `card_ref` raises
        `CardRejected`, an unreachable gateway `GatewayUnavailable`.
        """
        ...

    async def find_charge(self, idempotency_key: str) -> ChargeResult | None:
        """The result of the charge made under `idempotency_key`, or None if there was none.

        How a payment left pending by a crash is settled (R-ERR-6); an unreachable gateway
        raises `GatewayUnavailable`.
        """
        ...
