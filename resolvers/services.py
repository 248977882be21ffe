"""Long-lived services of the process, built once at start-up and handed down through the
request context (`info.context.services`, `request.app.state.services`)."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.gitlab import CALLBACK_PATH, GitLabProvider, provider_from_settings
from adapters.payments import PaymentGateway, SandboxGateway, gateway_from_name
from core.clock import Clock
from core.settings import Settings, get_settings
from notifications.live import Live

__all__ = ["CALLBACK_PATH", "Services"]


@dataclass
class Services:
    settings: Settings
    gateway: PaymentGateway
    """The payment gateway (R-PAY-5): the sandbox unless `PORTAL_PAYMENT_GATEWAY` names another."""
    gitlab: GitLabProvider | None
    """The configured GitLab instance (R-AUTH-6), or None when sign-in with it is off."""
    live: Live
    """Live delivery: the broadcast hub, once the server has started it (R-NOT-3)."""
    clock: Clock
    """The one source of "now" (`core.clock`): every rule that reads the time reads this."""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Services:
        settings = settings or get_settings()
        clock = Clock()
        return cls(
            settings=settings,
            gateway=gateway_for(settings, clock),
            gitlab=provider_from_settings(settings),
            live=Live(),
            clock=clock,
        )


def gateway_for(settings: Settings, clock: Clock) -> PaymentGateway:
    gateway = gateway_from_name(settings.payment_gateway)
    if isinstance(gateway, SandboxGateway):
        gateway.clock = clock.today  # card expiry follows the portal's clock
    return gateway
