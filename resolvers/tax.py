"""Tax IDs and the tax an invoice applies (R-TAX-1, R-TAX-2).

Pure functions: no database, no GraphQL. Tax IDs are checked with python-stdnum
(format and check digits):

- EU member states: the VAT number as VIES knows it (`stdnum.eu.vat`), typed with
  or without the country prefix; Greece uses the prefix EL (GR is accepted too).
- GB, CH, NO, AU, NZ, CA, IN, JP, SG, US: the national number listed in `TAX_ID_FORMATS`.
- Any other country stdnum has a VAT/tax number module for
  (`stdnum.util.get_cc_module(cc, "vat")`): that module.
- A country with no known format: any value of 1 to 32 ASCII letters, digits,
  spaces, dashes, dots and slashes, starting with a letter or digit, is accepted
  (upper-cased, spaces collapsed). It cannot be checked, and refusing it would
  lock those customers out of the reverse charge.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from stdnum import util as stdnum_util
from stdnum.au import abn as au_abn
from stdnum.ca import bn as ca_bn
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.gb import vat as gb_vat
from stdnum.in_ import gstin as in_gstin
from stdnum.jp import cn as jp_cn
from stdnum.no import mva as no_mva
from stdnum.nz import ird as nz_ird
from stdnum.sg import uen as sg_uen
from stdnum.us import ein as us_ein

from core.money import ensure_minor
from resolvers.countries import CountryInvalid, validate_country
from resolvers.vat_rates import EU_MEMBER_STATES, standard_rate

__all__ = [
    "REVERSE_CHARGE_NOTE",
    "REVERSE_CHARGE_NOTE_EU",
    "TAX_ID_FORMATS",
    "CountryInvalid",
    "TaxDecision",
    "TaxIdFault",
    "TaxIdFormat",
    "TaxIdInvalid",
    "TaxTreatment",
    "compute_tax",
    "expected_format",
    "format_rate_percent",
    "tax_treatment",
    "validate_country",
    "validate_tax_id",
]

REVERSE_CHARGE_NOTE = "Reverse charge: VAT/GST to be accounted for by the recipient"
REVERSE_CHARGE_NOTE_EU = f"{REVERSE_CHARGE_NOTE} (Article 196 of Council Directive 2006/112/EC)"

_FREE_FORM = re.compile(r"[A-Z0-9][A-Z0-9 ./-]{0,31}")
_FREE_FORM_FORMAT = "1 to 32 letters, digits, spaces, dashes, dots or slashes"


TAX_ID_MAX_INPUT = 64  # with separators; no tax id format is longer


class TaxIdFault(StrEnum):
    """What is wrong with a refused tax ID, as its error message names it."""

    FORMAT = "FORMAT"  # wrong characters or layout
    LENGTH = "LENGTH"  # too few or too many digits
    CHECK_DIGIT = "CHECK_DIGIT"  # well-formed, but the check digit does not match (a typo)
    COMPONENT = "COMPONENT"  # a part of it (region, type, date code) does not exist
    COUNTRY = "COUNTRY"  # another country's number


class TaxIdInvalid(Exception):
    def __init__(
        self, message: str, expected_format: str, fault: TaxIdFault = TaxIdFault.FORMAT
    ) -> None:
        self.message = message
        self.expected_format = expected_format
        self.fault = fault
        super().__init__(message)


class _OtherCountry(ValidationError):
    def __init__(self, prefix: str) -> None:
        super().__init__(prefix)
        self.prefix = prefix


_FAULTS: tuple[tuple[type[ValidationError], TaxIdFault, str], ...] = (
    (InvalidChecksum, TaxIdFault.CHECK_DIGIT, "its check digit does not match (a typo?)"),
    (InvalidLength, TaxIdFault.LENGTH, "it has the wrong number of characters"),
    (InvalidComponent, TaxIdFault.COMPONENT, "a part of it does not exist (region or type code)"),
    (InvalidFormat, TaxIdFault.FORMAT, "it has the wrong format"),
)


class TaxIdFormat(NamedTuple):
    label: str
    pattern: str
    example: str

    @property
    def expected(self) -> str:
        return f"{self.pattern}, e.g. {self.example}"


# The format each error message names; tests/test_tax.py checks every example validates.
TAX_ID_FORMATS: dict[str, TaxIdFormat] = {
    "AT": TaxIdFormat("Austrian VAT number (UID)", "ATU followed by 8 digits", "ATU13585627"),
    "BE": TaxIdFormat(
        "Belgian VAT number", "BE followed by 10 digits starting with 0 or 1", "BE0428759497"
    ),
    "BG": TaxIdFormat("Bulgarian VAT number", "BG followed by 9 or 10 digits", "BG175074752"),
    "CY": TaxIdFormat("Cypriot VAT number", "CY followed by 8 digits and a letter", "CY10259033P"),
    "CZ": TaxIdFormat("Czech VAT number (DIC)", "CZ followed by 8 to 10 digits", "CZ25123891"),
    "DE": TaxIdFormat("German VAT number (USt-IdNr.)", "DE followed by 9 digits", "DE136695976"),
    "DK": TaxIdFormat("Danish VAT number (CVR)", "DK followed by 8 digits", "DK13585628"),
    "EE": TaxIdFormat("Estonian VAT number (KMKR)", "EE followed by 9 digits", "EE100594102"),
    "ES": TaxIdFormat(
        "Spanish VAT number (NIF)",
        "ES followed by 9 characters: a letter or digit, 7 digits, a letter or digit",
        "ESB64717838",
    ),
    "FI": TaxIdFormat("Finnish VAT number (ALV)", "FI followed by 8 digits", "FI20774740"),
    "FR": TaxIdFormat(
        "French VAT number (TVA)",
        "FR followed by a 2-character key and the 9-digit SIREN",
        "FR40303265045",
    ),
    "GR": TaxIdFormat("Greek VAT number", "EL followed by 9 digits", "EL094259216"),
    "HR": TaxIdFormat("Croatian VAT number (OIB)", "HR followed by 11 digits", "HR33392005961"),
    "HU": TaxIdFormat("Hungarian VAT number", "HU followed by 8 digits", "HU12892312"),
    "IE": TaxIdFormat(
        "Irish VAT number", "IE followed by 7 digits and 1 or 2 letters", "IE6433435OA"
    ),
    "IT": TaxIdFormat(
        "Italian VAT number (Partita IVA)", "IT followed by 11 digits", "IT00743110157"
    ),
    "LT": TaxIdFormat(
        "Lithuanian VAT number (PVM)", "LT followed by 9 or 12 digits", "LT119511515"
    ),
    "LU": TaxIdFormat("Luxembourg VAT number (TVA)", "LU followed by 8 digits", "LU15027442"),
    "LV": TaxIdFormat("Latvian VAT number (PVN)", "LV followed by 11 digits", "LV40003521600"),
    "MT": TaxIdFormat("Maltese VAT number", "MT followed by 8 digits", "MT11679112"),
    "NL": TaxIdFormat(
        "Dutch VAT number (btw-id)", "NL followed by 9 digits, B and 2 digits", "NL004495445B01"
    ),
    "PL": TaxIdFormat("Polish VAT number (NIP)", "PL followed by 10 digits", "PL8567346215"),
    "PT": TaxIdFormat("Portuguese VAT number (NIF)", "PT followed by 9 digits", "PT501964843"),
    "RO": TaxIdFormat("Romanian VAT number (CIF)", "RO followed by 2 to 10 digits", "RO18547290"),
    "SE": TaxIdFormat(
        "Swedish VAT number", "SE followed by 10 digits and 01 (12 digits)", "SE123456789701"
    ),
    "SI": TaxIdFormat("Slovenian VAT number (ID za DDV)", "SI followed by 8 digits", "SI50223054"),
    "SK": TaxIdFormat("Slovak VAT number (IC DPH)", "SK followed by 10 digits", "SK2022749619"),
    "GB": TaxIdFormat(
        "UK VAT registration number",
        "GB followed by 9 digits (12 for a branch)",
        "GB980780684",
    ),
    "CH": TaxIdFormat(
        "Swiss VAT number (UID MWST)",
        "CHE, 9 digits and MWST, TVA or IVA",
        "CHE-107.787.577 MWST",
    ),
    "NO": TaxIdFormat(
        "Norwegian VAT number (MVA)",
        "NO, the 9-digit organisation number and MVA",
        "NO 995 525 828 MVA",
    ),
    "AU": TaxIdFormat("Australian Business Number (ABN)", "11 digits", "83 914 571 673"),
    "NZ": TaxIdFormat("New Zealand IRD number", "8 or 9 digits", "49-098-576"),
    "CA": TaxIdFormat(
        "Canadian Business Number (BN)",
        "9 digits, optionally followed by a program account such as RT0001",
        "123026635RT0001",
    ),
    "IN": TaxIdFormat(
        "Indian GSTIN",
        "15 characters: 2-digit state code, 10-character PAN, entity code, Z, check character",
        "27AAPFU0939F1ZV",
    ),
    "JP": TaxIdFormat("Japanese Corporate Number (hojin bango)", "13 digits", "5835678256246"),
    "SG": TaxIdFormat("Singapore UEN", "9 or 10 letters and digits", "197401143C"),
    "US": TaxIdFormat(
        "US Employer Identification Number (EIN)", "9 digits as NN-NNNNNNN", "91-1144442"
    ),
}

_NATIONAL: dict[str, Callable[[str], str]] = {
    "GB": lambda number: "GB" + gb_vat.validate(number),
    "CH": ch_vat.validate,
    "NO": no_mva.validate,
    "AU": au_abn.validate,
    "NZ": nz_ird.validate,
    "CA": ca_bn.validate,
    "IN": in_gstin.validate,
    "JP": jp_cn.validate,
    "SG": sg_uen.validate,
    "US": us_ein.validate,
}


class TaxTreatment(StrEnum):
    STANDARD_RATE = "STANDARD_RATE"
    REVERSE_CHARGE = "REVERSE_CHARGE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


@dataclass(frozen=True, slots=True)
class TaxDecision:
    treatment: TaxTreatment
    rate_percent: Decimal | None = None
    note: str | None = None


def validate_tax_id(country: str, tax_id: str) -> str:
    """Return the tax ID in compact form, or raise `TaxIdInvalid` naming the format.

    EU and UK numbers come back with their country prefix, as VIES and invoices
    print them ("DE136695976", "EL094259216", "GB980780684"); others in
    stdnum's compact form ("CHE107787577MWST", "911144442").
    """
    country = validate_country(country)
    if len(tax_id) > TAX_ID_MAX_INPUT:  # cheap check first: stdnum cleans what it is given
        label, expected = _describe(country)
        raise TaxIdInvalid(
            f"Not a valid {label}: it is too long; expected {expected}", expected, TaxIdFault.LENGTH
        )
    try:
        return _validator(country)(tax_id)
    except ValidationError as error:
        label, expected = _describe(country)
        fault, why = _fault(error, country)
        raise TaxIdInvalid(
            f"Not a valid {label}: {why}; expected {expected}", expected, fault
        ) from None


def _fault(error: ValidationError, country: str) -> tuple[TaxIdFault, str]:
    if isinstance(error, _OtherCountry):
        return TaxIdFault.COUNTRY, (
            f"it starts with {error.prefix}, another country's prefix, "
            f"but the company is in {country}"
        )
    for kind, fault, why in _FAULTS:
        if isinstance(error, kind):
            return fault, why
    return TaxIdFault.FORMAT, "it has the wrong format"


def expected_format(country: str) -> str:
    """How a tax ID of the country looks, e.g. "DE followed by 9 digits, e.g. DE136695976"."""
    return _describe(validate_country(country))[1]


def tax_treatment(country: str, tax_id: str | None) -> TaxDecision:
    """What an invoice to a company in `country` applies (R-TAX-2).

    - US: NOT_APPLICABLE (no VAT).
    - A valid tax ID (re-checked here; an invalid stored one counts as none):
      REVERSE_CHARGE, no rate, with the note printed on the invoice.
    - No tax ID: STANDARD_RATE at the country's rate from `vat_rates`.
    - No tax ID and a country the rate table does not list: NOT_APPLICABLE; the
      portal does not charge a VAT/GST it has no rate for.

    Raises `CountryInvalid` for a code that is not ISO 3166-1 alpha-2.
    """
    country = validate_country(country)
    if country == "US":
        return TaxDecision(TaxTreatment.NOT_APPLICABLE)
    if _is_valid(country, tax_id):
        note = REVERSE_CHARGE_NOTE_EU if country in EU_MEMBER_STATES else REVERSE_CHARGE_NOTE
        return TaxDecision(TaxTreatment.REVERSE_CHARGE, note=note)
    rate = standard_rate(country)
    if rate is None:
        return TaxDecision(TaxTreatment.NOT_APPLICABLE)
    return TaxDecision(TaxTreatment.STANDARD_RATE, rate_percent=rate)


def compute_tax(subtotal_minor: int, decision: TaxDecision) -> int:
    """Tax in minor units: subtotal x rate / 100, rounded ROUND_HALF_UP to the minor unit.

    Exact at any size (integer arithmetic on the rate's exact ratio, no Decimal
    context precision involved); a tie such as 12.5 cents becomes 13 (-12.5
    becomes -13, for credits). Zero unless the treatment is STANDARD_RATE.
    """
    ensure_minor(subtotal_minor)
    if decision.treatment is not TaxTreatment.STANDARD_RATE or decision.rate_percent is None:
        return 0
    numerator, denominator = decision.rate_percent.as_integer_ratio()
    quotient, remainder = divmod(abs(subtotal_minor) * numerator, denominator * 100)
    rounded = quotient + int(2 * remainder >= denominator * 100)
    return -rounded if subtotal_minor < 0 else rounded


def format_rate_percent(rate: Decimal) -> str:
    """A rate with two decimals, as the API and invoices show it: "19.00", "25.50"."""
    return str(rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _is_valid(country: str, tax_id: str | None) -> bool:
    if not tax_id or not tax_id.strip():
        return False
    try:
        validate_tax_id(country, tax_id)
    except TaxIdInvalid:
        return False
    return True


def _validator(country: str) -> Callable[[str], str]:
    if country in EU_MEMBER_STATES:
        return lambda number: _validate_eu(country, number)
    if country in _NATIONAL:
        return _NATIONAL[country]
    module = stdnum_util.get_cc_module(country.lower(), "vat")
    if module is not None:
        return lambda number: str(module.validate(number))
    return _validate_free_form


def _validate_eu(country: str, tax_id: str) -> str:
    prefix = "EL" if country == "GR" else country
    number = stdnum_util.clean(tax_id, " -./:").upper()
    if country == "GR" and number.startswith("GR"):
        number = "EL" + number[2:]
    other = number[:2]
    if other != prefix and other.isalpha() and other in _EU_PREFIXES:
        raise _OtherCountry(other)
    candidates = [number, prefix + number] if number.startswith(prefix) else [prefix + number]
    first: ValidationError | None = None
    for candidate in candidates:
        try:
            return eu_vat.validate(candidate)
        except ValidationError as error:
            first = first or error  # the number as typed says best what is wrong
    raise first or InvalidFormat()


_EU_PREFIXES = frozenset({"EL" if cc == "GR" else cc for cc in EU_MEMBER_STATES} | {"XI"})


def _validate_free_form(tax_id: str) -> str:
    number = " ".join(tax_id.upper().split())
    if not _FREE_FORM.fullmatch(number):
        raise ValidationError()
    return number


def _describe(country: str) -> tuple[str, str]:
    """(label, expected format) for the error message of `country`."""
    if country in TAX_ID_FORMATS:
        return TAX_ID_FORMATS[country].label, TAX_ID_FORMATS[country].expected
    module = stdnum_util.get_cc_module(country.lower(), "vat")
    if module is not None and module.__doc__:
        return f"tax ID for {country}", "a " + module.__doc__.splitlines()[0].rstrip(".")
    return f"tax ID for {country}", _FREE_FORM_FORMAT
