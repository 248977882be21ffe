"""Standard VAT/GST rates by country (R-TAX-2), in percent.

Sources: European Commission, "VAT rates applied in the Member States of the
European Union" (taxation_customs), and the national tax authorities of the
other countries (HMRC, Swiss FTA/ESTV, Skatteetaten, ATO, Inland Revenue NZ,
Canada Revenue Agency, CBIC India, National Tax Agency Japan, IRAS Singapore).
Rates checked on 2026-11-01. They change (Finland 25.5% from 2024-09-01,
Slovakia 23% from 2025-01-01, Estonia 24% from 2025-07-01, Romania 21% from
2025-08-01): review this table whenever a country changes its standard rate.
An invoice stores the rate it applied, so a change here never alters issued
invoices.

Only the standard rate is modelled: the portal sells software subscriptions, to
which no reduced rate applies. Canada is the federal GST only (provincial
HST/PST/QST are not modelled); India is the 18% GST on software services.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

EU_MEMBER_STATES: frozenset[str] = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)

STANDARD_RATES: MappingProxyType[str, Decimal] = MappingProxyType(
    {
        # European Union
        "AT": Decimal("20"),
        "BE": Decimal("21"),
        "BG": Decimal("20"),
        "CY": Decimal("19"),
        "CZ": Decimal("21"),
        "DE": Decimal("19"),
        "DK": Decimal("25"),
        "EE": Decimal("24"),
        "ES": Decimal("21"),
        "FI": Decimal("25.5"),
        "FR": Decimal("20"),
        "GR": Decimal("24"),
        "HR": Decimal("25"),
        "HU": Decimal("27"),
        "IE": Decimal("23"),
        "IT": Decimal("22"),
        "LT": Decimal("21"),
        "LU": Decimal("17"),
        "LV": Decimal("21"),
        "MT": Decimal("18"),
        "NL": Decimal("21"),
        "PL": Decimal("23"),
        "PT": Decimal("23"),
        "RO": Decimal("21"),
        "SE": Decimal("25"),
        "SI": Decimal("22"),
        "SK": Decimal("23"),
        # Rest of Europe
        "GB": Decimal("20"),
        "CH": Decimal("8.1"),
        "NO": Decimal("25"),
        # Asia-Pacific and the Americas
        "AU": Decimal("10"),
        "NZ": Decimal("15"),
        "CA": Decimal("5"),
        "IN": Decimal("18"),
        "JP": Decimal("10"),
        "SG": Decimal("9"),
    }
)


def standard_rate(country: str) -> Decimal | None:
    """The country's standard rate in percent, or None when the table has none."""
    return STANDARD_RATES.get(country.upper())
