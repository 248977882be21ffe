"""The one gateway instance of this process, from `settings.payment_gateway` (R-PAY-5)."""

from __future__ import annotations

from adapters.payments import PaymentGateway, SandboxGateway, gateway_from_name
from core import clock
from core.settings import get_settings

_gateway: PaymentGateway | None = None


def get_gateway() -> PaymentGateway:
    global _gateway
    if _gateway is None:
        gateway = gateway_from_name(get_settings().payment_gateway)
        if isinstance(gateway, SandboxGateway):
            gateway.clock = clock.today  # card expiry follows the portal's clock
        _gateway = gateway
    return _gateway


def set_gateway(gateway: PaymentGateway | None) -> None:
    """Replace the gateway (tests); `None` builds a fresh one from the settings on next use."""
    global _gateway
    _gateway = gateway
