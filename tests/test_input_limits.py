"""Hostile input, field by field: cheap checks first, text that can't be stored, numbers out of
range, RFC 5321 email lengths and one spelling per global id.

R-ERR-1 (a clear error, nothing changed, never "Unexpected error."), R-ERR-3 (cheap checks
before expensive ones).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

import resolvers.auth
import resolvers.tax
from core import ids
from models.accounts import BillingAccount
from models.invoices import Invoice
from models.payments import Payment
from models.users import User
from tests.billing_support import add_card, gid, make_invoice
from tests.conftest import gql, make_account, operator_gql, owner_of

pytestmark = pytest.mark.usefixtures("db")

REQUEST_LINK = "mutation($e: String!) { requestSignInLink(email: $e) { userErrors { code } } }"
UPDATE_PROFILE = """
mutation($first: String, $email: String) {
  updateProfile(input: {firstName: $first, email: $email}) { userErrors { field code message } }
}"""
UPDATE_COMPANY = """
mutation($id: ID!, $name: String, $taxId: String) {
  updateCompanyDetails(input: {billingAccountId: $id, name: $name, taxId: $taxId}) {
    userErrors { field code message }
  }
}"""
SET_CONTACT = """
mutation($a: ID!, $n: String!) {
  setBillingContact(input: {billingAccountId: $a, customContact: {
    firstName: $n, lastName: "L", email: "carla@acme.example"}}) { userErrors { code } }
}"""
UPDATE_CARD = """
mutation($m: ID!, $n: String) {
  updatePaymentMethod(paymentMethodId: $m, cardholderName: $n) { userErrors { code } }
}"""
PAY = """
mutation($i: ID!, $m: ID!, $k: String!) {
  payInvoice(input: {invoiceId: $i, paymentMethodId: $m, idempotencyKey: $k}) {
    userErrors { code }
  }
}"""
ISSUE = """
mutation($input: IssueInvoiceInput!) {
  issueInvoice(input: $input) { invoice { id } userErrors { field code message } }
}"""
INVOICE = "query($id: ID!) { invoice(id: $id) { id number } }"


def not_called(*_: Any, **__: Any) -> Any:
    raise AssertionError("the expensive check ran")


# ------------------------------------------------------------- cheap checks first


async def test_r_err_3_a_huge_email_is_refused_before_validation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-ERR-3: a 4 MB address in requestSignInLink is refused by its length: full email
    validation never runs on it."""
    monkeypatch.setattr(resolvers.auth, "validate_email", not_called)
    result = await gql(REQUEST_LINK, {"e": "a" * 4_000_000 + "@example.com"})
    assert result["requestSignInLink"]["userErrors"] == [{"code": "INVALID"}]


async def test_r_err_1_email_addresses_follow_rfc_5321_lengths() -> None:
    """R-ERR-1: a local part of 65 characters or an address over 254 is INVALID; 64 is fine."""
    viewer = await owner_of(await make_account())
    for address, code in [
        ("a" * 65 + "@example.com", "INVALID"),
        (
            "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 10 + ".com",
            "INVALID",
        ),
        ("a" * 64 + "@example.com", None),
    ]:
        errors = (await gql(UPDATE_PROFILE, {"email": address}, as_=viewer))["updateProfile"]
        assert [e["code"] for e in errors["userErrors"]] == ([code] if code else []), address


async def test_r_err_3_a_huge_tax_id_is_refused_before_stdnum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-ERR-3: a megabyte "tax id" is TAX_ID_INVALID on its length, before stdnum cleans it."""
    account = await make_account()
    viewer = await owner_of(account)
    monkeypatch.setattr(resolvers.tax, "_validator", not_called)
    variables = {"id": gid("BillingAccount", account.id), "taxId": "DE" + "1" * 1_000_000}
    result = (await gql(UPDATE_COMPANY, variables, as_=viewer))["updateCompanyDetails"]
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "taxId"], "TAX_ID_INVALID")
    ]


# ------------------------------------------------------------- text that can't be stored


async def test_r_err_1_lone_surrogates_are_invalid_in_every_text_input() -> None:
    """R-ERR-1: "x\\ud800y" in names, company, contact, cardholder and idempotency key is
    refused with INVALID naming where it is; nothing is stored, nothing is masked."""
    account = await make_account()
    viewer = await owner_of(account)
    card = await add_card(account)
    invoice = await make_invoice(account)
    bad = "x\ud800y"
    attempts: list[tuple[str, dict[str, Any], list[str]]] = [
        (UPDATE_PROFILE, {"first": bad}, ["first"]),
        (UPDATE_COMPANY, {"id": gid("BillingAccount", account.id), "name": bad}, ["name"]),
        (SET_CONTACT, {"a": gid("BillingAccount", account.id), "n": bad}, ["n"]),
        (UPDATE_CARD, {"m": gid("PaymentMethod", card.id), "n": bad}, ["n"]),
        (
            PAY,
            {"i": gid("Invoice", invoice.id), "m": gid("PaymentMethod", card.id), "k": bad},
            ["k"],
        ),
    ]
    for document, variables, where in attempts:
        result = await gql(document, variables, as_=viewer)
        assert result.errors is not None, document
        assert [e.extensions for e in result.errors] == [{"code": "INVALID", "field": where}]
        assert "lone surrogate" in result.errors[0].message
    operator = await operator_gql(
        "mutation($n: String!) { createBillingAccount(input: {companyName: $n, country: "
        '"DE", owner: {email: "x@example.com", firstName: "X", lastName: "Y"}}) '
        "{ userErrors { code } } }",
        {"n": bad},
    )
    assert operator.errors is not None and operator.errors[0].extensions["code"] == "INVALID"
    assert (await BillingAccount.get(id=account.id)).company_name == "Acme GmbH"
    assert not await Payment.exists()
    assert not await User.exists(first_name__contains="x")


# ------------------------------------------------------------- numbers in range


async def test_r_err_1_an_invoice_total_beyond_64_bits_is_a_user_error() -> None:
    """R-ERR-1: 100 lines of (2^31-1) * (2^31-1) (beyond a 64-bit total) is INVALID, not a crash."""
    account = await make_account()
    top = 2**31 - 1
    lines = [
        {"description": f"Line {n}", "quantity": top, "unitPriceMinor": top} for n in range(100)
    ]
    result = await operator_gql(
        ISSUE, {"input": {"billingAccountId": gid("BillingAccount", account.id), "lines": lines}}
    )
    assert result["issueInvoice"]["invoice"] is None
    assert [(e["field"], e["code"]) for e in result["issueInvoice"]["userErrors"]] == [
        (["input", "lines"], "INVALID")
    ]
    assert not await Invoice.exists()


# ------------------------------------------------------------- one spelling per id


async def test_r_err_2_global_ids_have_exactly_one_spelling() -> None:
    """Global ids: only the spelling the API hands out finds the object; "+6", "06" and
    full-width digits find nothing, like any unknown id."""
    account = await make_account()
    viewer = await owner_of(account)
    invoice = await make_invoice(account)
    canonical = gid("Invoice", invoice.id)
    assert (await gql(INVOICE, {"id": canonical}, as_=viewer))["invoice"]["id"] == canonical
    for spelling in (
        f"+{invoice.id}",
        f"0{invoice.id}",
        chr(0xFF10 + invoice.id),
        f"{invoice.id} ",
    ):
        other = base64.urlsafe_b64encode(f"Invoice:{spelling}".encode()).decode().rstrip("=")
        with pytest.raises(ids.InvalidId):
            ids.decode(other)
        assert (await gql(INVOICE, {"id": other}, as_=viewer))["invoice"] is None, spelling
