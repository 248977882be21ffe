"""Personal details and company details through the API: R-PROF-1, R-COMP-1, R-TAX-1, R-TAX-2."""

from __future__ import annotations

from typing import Any

import pytest

from models.accounts import BillingAccount
from models.users import User
from schema.relay import global_id
from tests.conftest import Viewer, gql, make_account, make_user, owner_of, sign_in

pytestmark = pytest.mark.usefixtures("db")

UPDATE_PROFILE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    user { email firstName lastName }
    userErrors { field code message }
  }
}"""

COMPANY = """
query($id: ID!) {
  billingAccount(id: $id) {
    company {
      name taxId country taxTreatment
      address { line1 line2 city postalCode region country }
    }
  }
}"""

UPDATE_COMPANY = """
mutation($input: UpdateCompanyDetailsInput!) {
  updateCompanyDetails(input: $input) {
    billingAccount { company { name taxId country taxTreatment address { line1 city country } } }
    userErrors { field code message }
  }
}"""


async def update_company(viewer: Viewer, account: BillingAccount, **fields: Any) -> Any:
    variables = {"input": {"billingAccountId": global_id("BillingAccount", account.id), **fields}}
    return (await gql(UPDATE_COMPANY, variables, as_=viewer))["updateCompanyDetails"]


async def company(viewer: Viewer, account: BillingAccount) -> Any:
    result = await gql(COMPANY, {"id": global_id("BillingAccount", account.id)}, as_=viewer)
    return result["billingAccount"]["company"]


# ------------------------------------------------------------------ R-PROF-1


async def test_r_prof_1_edit_names() -> None:
    """R-PROF-1: a user edits first and last name; spaces are tidied."""
    viewer = await sign_in(await make_user("ada@example.com"))
    result = await gql(
        UPDATE_PROFILE, {"input": {"firstName": "  Augusta ", "lastName": "King"}}, as_=viewer
    )
    assert result["updateProfile"] == {
        "user": {"email": "ada@example.com", "firstName": "Augusta", "lastName": "King"},
        "userErrors": [],
    }
    stored = await User.get(email="ada@example.com")
    assert (stored.first_name, stored.last_name) == ("Augusta", "King")


async def test_r_prof_1_empty_name_is_invalid_and_changes_nothing() -> None:
    """R-PROF-1: an empty name is INVALID naming its field; the other field is not changed."""
    viewer = await sign_in(await make_user("ada@example.com"))
    result = await gql(
        UPDATE_PROFILE, {"input": {"firstName": "Augusta", "lastName": "   "}}, as_=viewer
    )
    payload = result["updateProfile"]
    assert payload["user"] is None
    assert payload["userErrors"][0]["code"] == "INVALID"
    assert payload["userErrors"][0]["field"] == ["input", "lastName"]
    stored = await User.get(email="ada@example.com")
    assert (stored.first_name, stored.last_name) == ("Ada", "Lovelace")


async def test_r_prof_1_too_long_name_is_invalid() -> None:
    """R-PROF-1: names longer than 100 characters are refused."""
    viewer = await sign_in(await make_user("ada@example.com"))
    result = await gql(UPDATE_PROFILE, {"input": {"firstName": "A" * 101}}, as_=viewer)
    assert result["updateProfile"]["userErrors"][0]["field"] == ["input", "firstName"]


async def test_r_prof_1_signed_out_is_unauthenticated() -> None:
    """R-PROF-1: only a signed-in user edits a profile."""
    result = await gql(UPDATE_PROFILE, {"input": {"firstName": "X"}})
    assert result["updateProfile"]["userErrors"][0]["code"] == "UNAUTHENTICATED"


async def test_r_prof_1_manager_details_follow_profile() -> None:
    """R-PROF-1: a manager's name shown on the account is their profile's name."""
    account = await make_account()
    owner = await owner_of(account)
    await gql(UPDATE_PROFILE, {"input": {"firstName": "Olivia"}}, as_=owner)
    query = "query($id: ID!) { billingAccount(id: $id) { owner { firstName email } } }"
    result = await gql(query, {"id": global_id("BillingAccount", account.id)}, as_=owner)
    assert result["billingAccount"]["owner"] == {
        "firstName": "Olivia",
        "email": "owner@example.com",
    }


# ------------------------------------------------------------------ R-COMP-1


async def test_r_comp_1_manager_edits_company_details() -> None:
    """R-COMP-1: a manager changes name, country, tax id and address."""
    account = await make_account(country="DE")
    owner = await owner_of(account)
    result = await update_company(
        owner,
        account,
        name="  Acme   Holding AG ",
        country="at",
        taxId="ATU13585627",
        address={"line1": "Ring 1", "city": "Wien", "country": "AT", "postalCode": "1010"},
    )
    assert result["userErrors"] == []
    assert result["billingAccount"]["company"] == {
        "name": "Acme Holding AG",
        "taxId": "ATU13585627",
        "country": "AT",
        "taxTreatment": "REVERSE_CHARGE",
        "address": {"line1": "Ring 1", "city": "Wien", "country": "AT"},
    }
    shown = await company(owner, account)
    assert shown["address"]["postalCode"] == "1010"
    assert shown["address"]["line2"] is None


async def test_r_comp_1_non_manager_gets_not_found() -> None:
    """R-COMP-1: someone who does not manage the account gets NOT_FOUND; nothing changes."""
    account = await make_account()
    stranger = await sign_in(await make_user("stranger@example.com"))
    result = await update_company(stranger, account, name="Hijacked")
    assert result["billingAccount"] is None
    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await BillingAccount.get(id=account.id)).company_name == "Acme GmbH"
    seen = await gql(COMPANY, {"id": global_id("BillingAccount", account.id)}, as_=stranger)
    assert seen["billingAccount"] is None


async def test_r_comp_1_invalid_values_change_nothing() -> None:
    """R-COMP-1: an empty name or an unknown country is INVALID with its field."""
    account = await make_account()
    owner = await owner_of(account)
    bad_name = await update_company(owner, account, name="  ", taxId="DE136695976")
    assert bad_name["userErrors"][0]["field"] == ["input", "name"]
    bad_country = await update_company(owner, account, country="XX")
    assert bad_country["userErrors"][0]["code"] == "INVALID"
    assert bad_country["userErrors"][0]["field"] == ["input", "country"]
    stored = await BillingAccount.get(id=account.id)
    assert (stored.company_name, stored.country, stored.tax_id) == ("Acme GmbH", "DE", None)


# ------------------------------------------------------------------ R-TAX-1


@pytest.mark.parametrize(
    ("country", "tax_id", "stored"),
    [
        ("DE", "DE 136 695 976", "DE136695976"),
        ("FR", "FR40303265045", "FR40303265045"),
        ("GB", "GB980780684", "GB980780684"),
        ("CH", "CHE-116.281.710 MWST", "CHE116281710MWST"),
        ("US", "12-3456789", "123456789"),
    ],
)
async def test_r_tax_1_valid_tax_ids_per_country(country: str, tax_id: str, stored: str) -> None:
    """R-TAX-1: a valid tax id for the country is accepted and stored normalised."""
    account = await make_account()
    owner = await owner_of(account)
    result = await update_company(owner, account, country=country, taxId=tax_id)
    assert result["userErrors"] == []
    assert result["billingAccount"]["company"]["taxId"] == stored


@pytest.mark.parametrize(
    ("country", "tax_id", "format_hint"),
    [
        ("DE", "DE136695977", "DE followed by 9 digits"),
        ("DE", "DE123", "DE followed by 9 digits"),
        ("US", "1", "NN-NNNNNNN"),
        ("FR", "DE136695976", "FR"),
    ],
)
async def test_r_tax_1_invalid_tax_id_names_expected_format(
    country: str, tax_id: str, format_hint: str
) -> None:
    """R-TAX-1: an invalid tax id is TAX_ID_INVALID, names the expected format, changes nothing."""
    account = await make_account(tax_id="DE136695976")
    owner = await owner_of(account)
    result = await update_company(owner, account, country=country, taxId=tax_id, name="New")
    assert result["billingAccount"] is None
    [error] = result["userErrors"]
    assert error["code"] == "TAX_ID_INVALID"
    assert error["field"] == ["input", "taxId"]
    assert format_hint in error["message"]
    stored = await BillingAccount.get(id=account.id)
    assert (stored.company_name, stored.country, stored.tax_id) == (
        "Acme GmbH",
        "DE",
        "DE136695976",
    )


async def test_r_tax_1_empty_tax_id_clears_it() -> None:
    """R-TAX-1: "" clears the tax id."""
    account = await make_account(tax_id="DE136695976")
    owner = await owner_of(account)
    result = await update_company(owner, account, taxId="")
    assert result["billingAccount"]["company"]["taxId"] is None


# ------------------------------------------------------------------ R-TAX-2


async def test_r_tax_2_treatment_from_country_and_tax_id() -> None:
    """R-TAX-2: DE with a VAT id → reverse charge; DE without → standard rate; US → none."""
    account = await make_account(country="DE", tax_id="DE136695976")
    owner = await owner_of(account)
    assert (await company(owner, account))["taxTreatment"] == "REVERSE_CHARGE"
    cleared = await update_company(owner, account, taxId="")
    assert cleared["billingAccount"]["company"]["taxTreatment"] == "STANDARD_RATE"
    us = await update_company(owner, account, country="US")
    assert us["billingAccount"]["company"]["taxTreatment"] == "NOT_APPLICABLE"
    us_with_ein = await update_company(owner, account, taxId="91-1144442")
    assert us_with_ein["billingAccount"]["company"]["taxTreatment"] == "NOT_APPLICABLE"


async def test_r_tax_2_changing_country_revalidates_tax_id() -> None:
    """R-TAX-2: moving a DE company with a DE VAT id to FR refuses (the id is not French)."""
    account = await make_account(country="DE", tax_id="DE136695976")
    owner = await owner_of(account)
    result = await update_company(owner, account, country="FR")
    assert result["userErrors"][0]["code"] == "TAX_ID_INVALID"
    assert result["userErrors"][0]["field"] == ["input", "taxId"]
    stored = await BillingAccount.get(id=account.id)
    assert (stored.country, stored.tax_id) == ("DE", "DE136695976")
    moved = await update_company(owner, account, country="FR", taxId="FR40303265045")
    assert moved["billingAccount"]["company"]["taxTreatment"] == "REVERSE_CHARGE"
