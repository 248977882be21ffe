"""Where customers get help (R-ERR-4), as the portal's "Contact us" page lists it."""

from __future__ import annotations

from dataclasses import dataclass

from core.settings import get_settings


@dataclass(frozen=True)
class SupportContact:
    team: str
    description: str
    url: str | None
    email: str | None


def support_contacts() -> list[SupportContact]:
    domain = get_settings().support_email_domain
    return [
        SupportContact(
            "Sales",
            "Buy more seats, add-ons, or a new subscription, and ask about pricing.",
            "https://about.gitlab.com/sales/",
            f"sales@{domain}",
        ),
        SupportContact(
            "Billing",
            "Invoices, payments, refunds, payment methods you cannot "
            "remove yourself, and changes to your billing account.",
            None,
            f"billing@{domain}",
        ),
        SupportContact(
            "Support",
            "Help with signing in, licenses, and using the product.",
            "https://support.gitlab.com/",
            f"support@{domain}",
        ),
    ]
