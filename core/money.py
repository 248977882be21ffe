"""Exact money: integer minor units of an ISO 4217 currency (R-BILL-5).

Amounts are `int` minor units everywhere (118800 is 1188.00 USD, 500 is 500 JPY);
decimal strings exist only at the edges (`format_amount`, `parse_amount`).
Floats are refused with `TypeError`.

The currency list is ISO 4217 list one (active codes) as amended up to 2026:
ANG (replaced by XCG), BGN (Bulgaria adopted the euro on 2026-01-01), HRK, SLL
and ZWL are withdrawn. Codes without minor units in the standard (precious
metals XAU/XAG/XPD/XPT, XDR, XSU, XUA, XBA-XBD, XTS, XXX) are not accepted:
nothing is invoiced in them.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal, localcontext
from functools import lru_cache

ISO_4217_CURRENCIES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK
    DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
    IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
    LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD
    SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF
    YER ZAR ZMW ZWG
    """.split()
)

# Minor-unit exponents that differ from the default of 2 (ISO 4217 "minor unit").
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0
    ),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
}

_AMOUNT = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


class CurrencyInvalid(ValueError):
    def __init__(self, code: str) -> None:
        self.message = f"Unknown currency {code!r}: expected an ISO 4217 code, e.g. USD or EUR"
        super().__init__(self.message)


class AmountInvalid(ValueError):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def validate_currency(code: str) -> str:
    """Return the code in upper case, or raise `CurrencyInvalid`."""
    normalized = code.strip().upper()
    if normalized not in ISO_4217_CURRENCIES:
        raise CurrencyInvalid(code)
    return normalized


def minor_units_exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit: 0 for JPY, 2 for EUR, 3 for KWD."""
    return _EXPONENTS.get(validate_currency(currency), 2)


def ensure_minor(value: object) -> int:
    """Return `value` if it is an integer amount; refuse floats, Decimals and bools."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"amounts are int minor units, got {type(value).__name__}")
    return value


def format_amount(minor: int, currency: str) -> str:
    """Exact decimal string: 118800 USD -> "1188.00", 500 JPY -> "500"."""
    ensure_minor(minor)
    return _formatted(minor, currency)


@lru_cache(maxsize=8192)  # pure; a page of invoices formats the same few amounts again and again
def _formatted(minor: int, currency: str) -> str:
    exponent = minor_units_exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), _power_of_ten(exponent))
    return f"{sign}{whole}.{fraction:0{exponent}d}" if exponent else f"{sign}{whole}"


def parse_amount(amount: str, currency: str) -> int:
    """Minor units of a plain decimal string: `parse_amount("1188.5", "USD") == 118850`.

    Digits beyond the currency's minor unit are refused unless they are zeros
    (no silent rounding); exponents, signs other than a leading "-" and
    thousands separators are refused too.
    """
    if not isinstance(amount, str):
        raise TypeError(f"amount must be a decimal string, got {type(amount).__name__}")
    exponent = minor_units_exponent(currency)
    match = _AMOUNT.fullmatch(amount.strip())
    if match is None:
        raise AmountInvalid(f"Not an amount: {amount!r}; expected e.g. 1188.00")
    whole, fraction = match.group(1), match.group(2) or ""
    if fraction[exponent:].strip("0"):
        raise AmountInvalid(f"{currency.upper()} has {exponent} decimal places: {amount!r}")
    minor = int(whole) * _power_of_ten(exponent) + int(
        fraction[:exponent].ljust(exponent, "0") or "0"
    )
    return -minor if amount.strip().startswith("-") else minor


def _power_of_ten(exponent: int) -> int:
    return int(10**exponent)


def format_money(minor: int, currency: str, locale: str = "en") -> str:
    """For people: the amount as `locale` writes it, with the currency's sign and exactly its
    ISO 4217 decimals: 17125290 EUR in en_DE is "171.252,90 €", 500 JPY in en is "¥500".
    Babel's (CLDR's) own digits differ from ISO 4217 for a few currencies, so the
    pattern's fraction digits are set from `minor_units_exponent`."""
    from babel import Locale
    from babel.numbers import NumberPattern

    exponent = minor_units_exponent(currency)
    where = Locale.parse(locale)
    pattern = copy.copy(where.currency_formats["standard"])
    assert isinstance(pattern, NumberPattern)
    pattern.frac_prec = (exponent, exponent)
    with localcontext() as exact:  # enough digits for any amount: never rounded, never refused
        exact.prec = max(28, len(str(abs(ensure_minor(minor)))) + exponent + 2)
        amount = Decimal(minor).scaleb(-exponent)
        return str(pattern.apply(amount, where, currency=currency, currency_digits=False))
