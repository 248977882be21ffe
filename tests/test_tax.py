from __future__ import annotations

from decimal import Decimal

import pytest

from core import money
from resolvers.countries import ISO_3166_ALPHA2
from resolvers.tax import (
    REVERSE_CHARGE_NOTE,
    REVERSE_CHARGE_NOTE_EU,
    TAX_ID_FORMATS,
    CountryInvalid,
    TaxDecision,
    TaxIdFault,
    TaxIdInvalid,
    TaxTreatment,
    compute_tax,
    expected_format,
    format_rate_percent,
    tax_treatment,
    validate_country,
    validate_tax_id,
)
from resolvers.vat_rates import EU_MEMBER_STATES, STANDARD_RATES, standard_rate

VALID_IDS = [
    ("DE", "DE136695976", "DE136695976"),
    ("DE", "de 136 695 976", "DE136695976"),
    ("DE", "136695976", "DE136695976"),
    ("FR", "FR 40 303 265 045", "FR40303265045"),
    ("FR", "40303265045", "FR40303265045"),
    ("ES", "ES B-64717838", "ESB64717838"),
    ("ES", "54362315K", "ES54362315K"),
    ("GR", "EL 094259216", "EL094259216"),
    ("GR", "GR094259216", "EL094259216"),
    ("GB", "GB 980 7806 84", "GB980780684"),
    ("GB", "980780684", "GB980780684"),
    ("CH", "CHE-107.787.577 MWST", "CHE107787577MWST"),
    ("CH", "CHE-107.787.577 IVA", "CHE107787577IVA"),
    ("NO", "NO 995 525 828 MVA", "995525828MVA"),
    ("AU", "83 914 571 673", "83914571673"),
    ("IN", "27AAPFU0939F1ZV", "27AAPFU0939F1ZV"),
    ("US", "91-1144442", "911144442"),
    ("NZ", "49-098-576", "49098576"),
    ("JP", "5-8356-7825-6246", "5835678256246"),
    ("SG", "00192200M", "00192200M"),
    ("CA", "12302 6635", "123026635"),
]

INVALID_IDS = [
    ("DE", "DE136695977", "DE followed by 9 digits"),  # check digit
    ("DE", "DE12345", "DE followed by 9 digits"),
    ("DE", "FR40303265045", "DE followed by 9 digits"),  # another country's number
    ("FR", "FR41303265045", "FR followed by a 2-character key"),
    ("ES", "ESB64717839", "ES followed by 9 characters"),
    ("GB", "GB802311781", "GB followed by 9 digits"),
    ("CH", "CHE-107.787.578 MWST", "CHE, 9 digits and MWST"),
    ("NO", "NO 995 525 829 MVA", "organisation number and MVA"),
    ("AU", "99 999 999 999", "11 digits"),
    ("IN", "27AAPFU0939F1ZO", "15 characters"),
    ("US", "07-1144442", "9 digits as NN-NNNNNNN"),
    ("US", "", "9 digits as NN-NNNNNNN"),
]


@pytest.mark.parametrize(("country", "raw", "normalized"), VALID_IDS)
def test_valid_tax_ids_are_normalized(country: str, raw: str, normalized: str) -> None:
    """R-TAX-1: a valid tax ID is accepted and returned in compact form."""
    assert validate_tax_id(country, raw) == normalized


@pytest.mark.parametrize(("country", "raw", "fragment"), INVALID_IDS)
def test_invalid_tax_ids_name_the_expected_format(country: str, raw: str, fragment: str) -> None:
    """R-TAX-1: an invalid tax ID is refused with an error naming the expected format."""
    with pytest.raises(TaxIdInvalid) as caught:
        validate_tax_id(country, raw)
    assert fragment in caught.value.message
    assert fragment in caught.value.expected_format
    assert caught.value.expected_format in caught.value.message
    assert str(caught.value) == caught.value.message


def test_german_error_message_reads_well() -> None:
    """R-TAX-1: the message says what is wrong and how a valid one looks."""
    with pytest.raises(TaxIdInvalid) as caught:
        validate_tax_id("de", "DE136695977")
    assert caught.value.message == (
        "Not a valid German VAT number (USt-IdNr.): its check digit does not match (a typo?); "
        "expected DE followed by 9 digits, e.g. DE136695976"
    )
    assert expected_format("DE") == "DE followed by 9 digits, e.g. DE136695976"


@pytest.mark.parametrize(
    ("country", "raw", "fault", "says"),
    [
        ("DE", "DE123456789", TaxIdFault.CHECK_DIGIT, "check digit does not match"),
        ("DE", "123456789", TaxIdFault.CHECK_DIGIT, "check digit does not match"),
        ("DE", "DE12345678", TaxIdFault.LENGTH, "wrong number of characters"),
        ("DE", "DE12345678X", TaxIdFault.FORMAT, "wrong format"),
        ("DE", "FR40303265045", TaxIdFault.COUNTRY, "starts with FR, another country's prefix"),
        ("AT", "DE136695976", TaxIdFault.COUNTRY, "but the company is in AT"),
        ("GB", "GB980780683", TaxIdFault.CHECK_DIGIT, "check digit does not match"),
    ],
)
def test_r_tax_1_error_names_the_actual_fault(
    country: str, raw: str, fault: TaxIdFault, says: str
) -> None:
    """R-TAX-1: "DE123456789" is DE and 9 digits: the message blames its check digit, not
    the format; another country's number is called that."""
    with pytest.raises(TaxIdInvalid) as caught:
        validate_tax_id(country, raw)
    assert caught.value.fault is fault
    assert says in caught.value.message
    if fault is not TaxIdFault.FORMAT:
        assert "wrong format" not in caught.value.message


@pytest.mark.parametrize("country", sorted(TAX_ID_FORMATS))
def test_every_documented_example_is_valid(country: str) -> None:
    """R-TAX-1: the example an error message shows passes validation itself."""
    validate_tax_id(country, TAX_ID_FORMATS[country].example)


def test_every_eu_state_and_listed_country_has_a_described_format() -> None:
    """R-TAX-1: each EU state and each country in the rate table names its format."""
    assert EU_MEMBER_STATES <= set(TAX_ID_FORMATS)
    assert set(STANDARD_RATES) <= set(TAX_ID_FORMATS)


def test_other_stdnum_country_uses_its_module() -> None:
    """R-TAX-1: countries stdnum knows beyond the listed ones are checked too (AR CUIT)."""
    assert validate_tax_id("AR", "20-26756539-3") == "20267565393"
    with pytest.raises(TaxIdInvalid) as caught:
        validate_tax_id("AR", "20-26756539-4")
    assert "CUIT" in caught.value.message


def test_country_without_known_format_accepts_sane_values() -> None:
    """R-TAX-1: with no known format, a plain value of safe characters is accepted."""
    assert validate_tax_id("KY", " ab-123/45.6  7 ") == "AB-123/45.6 7"
    for bad in ["", "   ", "<script>", "A" * 33, "-leading-dash"]:
        with pytest.raises(TaxIdInvalid) as caught:
            validate_tax_id("KY", bad)
        assert "letters, digits" in caught.value.expected_format


def test_unknown_country_is_refused() -> None:
    assert validate_country(" de ") == "DE"
    assert len(ISO_3166_ALPHA2) == 249
    for bad in ["XX", "EL", "UK", "DEU", ""]:
        with pytest.raises(CountryInvalid):
            validate_country(bad)
    with pytest.raises(CountryInvalid):
        validate_tax_id("ZZ", "123")


def test_us_company_pays_no_vat() -> None:
    """R-TAX-2: US companies: no VAT, with or without an EIN."""
    for tax_id in [None, "91-1144442"]:
        decision = tax_treatment("US", tax_id)
        assert decision == TaxDecision(TaxTreatment.NOT_APPLICABLE, None, None)
        assert compute_tax(100_000, decision) == 0


def test_eu_company_with_valid_tax_id_gets_reverse_charge() -> None:
    """R-TAX-2: a valid EU VAT number means reverse charge, citing Article 196."""
    decision = tax_treatment("DE", "DE136695976")
    assert decision.treatment is TaxTreatment.REVERSE_CHARGE
    assert decision.rate_percent is None
    assert decision.note == REVERSE_CHARGE_NOTE_EU
    assert "Article 196 of Council Directive 2006/112/EC" in REVERSE_CHARGE_NOTE_EU
    assert compute_tax(118_800, decision) == 0


@pytest.mark.parametrize(("country", "tax_id"), [("GB", "GB980780684"), ("AU", "83914571673")])
def test_non_eu_company_with_valid_tax_id_gets_reverse_charge(country: str, tax_id: str) -> None:
    """R-TAX-2: non-US, non-EU companies with a valid tax ID get the reverse charge too."""
    decision = tax_treatment(country, tax_id)
    assert decision == TaxDecision(TaxTreatment.REVERSE_CHARGE, None, REVERSE_CHARGE_NOTE)
    assert REVERSE_CHARGE_NOTE == "Reverse charge: VAT/GST to be accounted for by the recipient"


@pytest.mark.parametrize(
    ("country", "rate"),
    [
        ("DE", "19"),
        ("FR", "20"),
        ("ES", "21"),
        ("FI", "25.5"),
        ("HU", "27"),
        ("GB", "20"),
        ("CH", "8.1"),
        ("NO", "25"),
        ("AU", "10"),
        ("NZ", "15"),
        ("CA", "5"),
        ("IN", "18"),
        ("JP", "10"),
        ("SG", "9"),
    ],
)
def test_company_without_tax_id_pays_standard_rate(country: str, rate: str) -> None:
    """R-TAX-2: without a tax ID, the standard rate of the company's country applies."""
    for tax_id in [None, "", "   "]:
        decision = tax_treatment(country, tax_id)
        assert decision == TaxDecision(TaxTreatment.STANDARD_RATE, Decimal(rate), None)


def test_invalid_stored_tax_id_counts_as_none() -> None:
    """R-TAX-2: only a valid tax ID gives the reverse charge."""
    decision = tax_treatment("DE", "DE136695977")
    assert decision.treatment is TaxTreatment.STANDARD_RATE


def test_country_without_rate_and_without_tax_id_is_not_applicable() -> None:
    """R-TAX-2: the portal charges no VAT/GST it has no rate for."""
    assert standard_rate("KY") is None
    assert tax_treatment("KY", None).treatment is TaxTreatment.NOT_APPLICABLE
    assert tax_treatment("KY", "KY-123").treatment is TaxTreatment.REVERSE_CHARGE


def test_rate_table_covers_the_eu_and_is_decimal() -> None:
    """R-TAX-2, R-BILL-5: every EU state has a rate; rates are Decimals, not floats."""
    assert len(EU_MEMBER_STATES) == 27
    assert EU_MEMBER_STATES <= set(STANDARD_RATES)
    assert all(type(rate) is Decimal for rate in STANDARD_RATES.values())
    assert all(Decimal(0) < rate < Decimal(30) for rate in STANDARD_RATES.values())


@pytest.mark.parametrize(
    ("subtotal", "rate", "tax"),
    [
        (118_800, "19", 22_572),
        (50, "25", 13),  # 12.5 -> 13: a tie rounds half up
        (10, "25", 3),  # 2.5 -> 3
        (30, "8.1", 2),  # 2.43 -> 2
        (185, "8.1", 15),  # 14.985 -> 15
        (2, "25", 1),  # 0.5 -> 1
        (1, "19", 0),  # 0.19 -> 0
        (-50, "25", -13),  # credits round symmetrically
        (0, "19", 0),
        (99_999_999_999_999_999, "25.5", 25_500_000_000_000_000),  # ...999.745 -> ...000
        (10**40 + 2, "25", 25 * 10**38 + 1),  # beyond Decimal's default precision: still exact
    ],
)
def test_tax_rounds_half_up_to_the_minor_unit(subtotal: int, rate: str, tax: int) -> None:
    """R-TAX-2, R-BILL-5: tax is exact and rounds ROUND_HALF_UP to the minor unit."""
    decision = TaxDecision(TaxTreatment.STANDARD_RATE, Decimal(rate))
    result = compute_tax(subtotal, decision)
    assert result == tax
    assert type(result) is int


def test_jpy_tax_rounds_to_whole_yen() -> None:
    """R-BILL-5: JPY has no decimals; tax on 1,005 JPY at 10% is 101 JPY (100.5 half up)."""
    tax = compute_tax(1_005, tax_treatment("JP", None))
    assert tax == 101
    assert money.format_amount(tax, "JPY") == "101"
    assert money.format_amount(1_005 + tax, "JPY") == "1106"


def test_no_floats_anywhere() -> None:
    """R-BILL-5: amounts are ints in, ints out; floats and Decimals are refused."""
    decision = tax_treatment("DE", None)
    assert isinstance(decision.rate_percent, Decimal)
    tax = compute_tax(100_00, decision)
    assert type(tax) is int
    for bad in [100.0, Decimal("100"), True, "100"]:
        with pytest.raises(TypeError):
            compute_tax(bad, decision)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            money.format_amount(bad, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        money.parse_amount(11.88, "EUR")  # type: ignore[arg-type]


def test_rate_is_shown_with_two_decimals() -> None:
    assert format_rate_percent(Decimal("19")) == "19.00"
    assert format_rate_percent(Decimal("25.5")) == "25.50"
    assert format_rate_percent(Decimal("8.1")) == "8.10"


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        ("USD", 2),
        ("eur", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("BHD", 3),
        ("KWD", 3),
        ("OMR", 3),
        ("JOD", 3),
        ("TND", 3),
        ("CLF", 4),
    ],
)
def test_minor_unit_exponent_follows_iso_4217(currency: str, exponent: int) -> None:
    """R-BILL-5: each ISO 4217 currency has its own number of decimals."""
    assert money.minor_units_exponent(currency) == exponent


@pytest.mark.parametrize("code", ["XYZ", "EURO", "", "BGN", "XAU", "usd "[:2]])
def test_unknown_currency_is_refused(code: str) -> None:
    """R-BILL-5: only ISO 4217 currencies."""
    with pytest.raises(money.CurrencyInvalid):
        money.minor_units_exponent(code)


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (118_800, "USD", "1188.00"),
        (5, "EUR", "0.05"),
        (-1, "EUR", "-0.01"),
        (0, "GBP", "0.00"),
        (500, "JPY", "500"),
        (1_234, "KWD", "1.234"),
        (10**30 + 7, "USD", "10000000000000000000000000000.07"),
    ],
)
def test_amounts_format_and_parse_exactly(minor: int, currency: str, text: str) -> None:
    """R-BILL-5: minor units and decimal strings convert both ways without loss."""
    assert money.format_amount(minor, currency) == text
    assert money.parse_amount(text, currency) == minor


def test_parse_amount_refuses_what_it_would_have_to_round() -> None:
    """R-BILL-5: no silent rounding when reading an amount."""
    assert money.parse_amount("1188.5", "USD") == 118_850
    assert money.parse_amount("500.00", "JPY") == 500
    for text, currency in [("1.5", "JPY"), ("1.001", "USD"), ("1e3", "USD"), ("1,000", "USD")]:
        with pytest.raises(money.AmountInvalid):
            money.parse_amount(text, currency)
    for text in ["", ".5", "5.", "+5", "NaN", "Infinity", "٣"]:
        with pytest.raises(money.AmountInvalid):
            money.parse_amount(text, "USD")
