"""Money for people (core/money.py `format_money`): the locale's way of writing amounts, at
exactly the currency's ISO 4217 decimals, for any amount (R-BILL-5)."""

from __future__ import annotations

import pytest

from core.money import format_money


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "written"),
    [
        (17_125_290, "EUR", "en_DE", "171.252,90\xa0€"),
        (17_125_290, "EUR", "en", "€171,252.90"),
        (50_000, "JPY", "en", "¥50,000"),
        (123_450, "HUF", "en_DE", "1.234,50\xa0HUF"),  # ISO: 2 decimals (CLDR says 0)
        (-12_345, "KWD", "en", "-KWD12.345"),
        (10**40 + 1, "EUR", "en_DE", "100.000.000.000.000.000.000.000.000.000.000.000.000,01\xa0€"),
    ],
)
def test_r_bill_5_amounts_written_for_people_stay_exact(
    minor: int, currency: str, locale: str, written: str
) -> None:
    assert format_money(minor, currency, locale) == written


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        format_money(1.5, "EUR")  # type: ignore[arg-type]
