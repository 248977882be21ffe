"""Payment gateways behind one protocol; a real gateway is one module plus one entry here."""

from __future__ import annotations

from collections.abc import Callable

from adapters.payments.base import (
    CardDetails,
    CardRejected,
    ChargeResult,
    FailureCode,
    GatewayError,
    GatewayUnavailable,
    IdempotencyKeyReused,
    PaymentGateway,
)
from adapters.payments.sandbox import SandboxGateway

__all__ = [
    "CardDetails",
    "CardRejected",
    "ChargeResult",
    "FailureCode",
    "GatewayError",
    "GatewayUnavailable",
    "IdempotencyKeyReused",
    "PaymentGateway",
    "SandboxGateway",
    "gateway_from_name",
]

GATEWAYS: dict[str, Callable[[], PaymentGateway]] = {
    "sandbox": SandboxGateway,
}


def gateway_from_name(name: str = "sandbox") -> PaymentGateway:
    """A new gateway by its configured name; an empty name means the sandbox."""
    key = name.strip().lower() or "sandbox"
    if key not in GATEWAYS:
        raise ValueError(f"Unknown payment gateway {name!r}; known: {', '.join(sorted(GATEWAYS))}")
    return GATEWAYS[key]()
