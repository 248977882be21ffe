"""R-PROF-1 end to end, over HTTP with real emails: the owner renames themself and confirms a
new address; the contacts, the next invoice email (recipient and greeting) and the invoice
itself follow the current profile. R-CON-3: updating the profile clears the name prompt."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.smtp_support import MailedServer, mailed, text_of
from tests.test_docs_purchases import signed_in_owner

__all__ = ["mailed"]

UPDATE_PROFILE = """
mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { userErrors { code } } }
"""
CONFIRM = "mutation($t: String!) { confirmEmail(token: $t) { userErrors { code } } }"
CONTACTS = """
query($a: ID!) {
  billingAccount(id: $a) {
    subscriptionContact { firstName lastName email }
    billingContact { contact { firstName lastName email } }
    prompts { code }
  }
}"""
SET_BILLING = """
mutation($input: SetBillingContactInput!) {
  setBillingContact(input: $input) { userErrors { code } }
}
"""
ISSUE = """
mutation($a: ID!) {
  issueInvoice(input: {billingAccountId: $a, lines: [
    {description: "Premium, 1 seat", quantity: 1, unitPriceMinor: 10000}]}) {
    invoice { id number pdfUrl } userErrors { code }
  }
}"""


async def test_r_prof_1_emails_and_invoices_follow_the_managers_profile(
    mailed: MailedServer,
) -> None:
    account, token = await signed_in_owner(mailed)
    await mailed.customer(
        UPDATE_PROFILE,
        {"input": {"firstName": "Olivia", "lastName": "Newname", "email": "olivia@acme.example"}},
        token,
    )
    confirmation = await mailed.inbox.wait_for("olivia@acme.example", "Confirm")
    found = re.search(r"/confirm-email\?token=([\w\-]+)", text_of(confirmation))
    assert found
    await mailed.customer(CONFIRM, {"t": found.group(1)})

    shown = (await mailed.customer(CONTACTS, {"a": account}, token)).json()["data"]
    profile = {"firstName": "Olivia", "lastName": "Newname", "email": "olivia@acme.example"}
    assert shown["billingAccount"]["subscriptionContact"] == profile
    assert shown["billingAccount"]["billingContact"]["contact"] == profile

    issued = (await mailed.operator(ISSUE, {"a": account}))["issueInvoice"]["invoice"]
    mail = await mailed.inbox.wait_for("olivia@acme.example", issued["number"])
    assert text_of(mail).startswith("Hello Olivia Newname,")
    assert not [m for m in mailed.inbox.to("olga@acme.example") if issued["number"] in str(m)]
    pdf_path = issued["pdfUrl"].split("://", 1)[1].split("/", 1)[1]
    pdf = await mailed.client.get(f"/{pdf_path}", headers={"Authorization": f"Bearer {token}"})
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Attn: Olivia Newname <olivia@acme.example>" in text, text


async def test_r_con_3_updating_the_profile_clears_the_prompt_over_http(
    mailed: MailedServer,
) -> None:
    account, token = await signed_in_owner(mailed)
    custom = {"firstName": "Olga", "lastName": "Billing", "email": "olga@acme.example"}
    await mailed.customer(
        SET_BILLING, {"input": {"billingAccountId": account, "customContact": custom}}, token
    )
    before = (await mailed.customer(CONTACTS, {"a": account}, token)).json()["data"]
    assert before["billingAccount"]["prompts"] == [{"code": "UPDATE_CONTACT_NAME"}]

    await mailed.customer(UPDATE_PROFILE, {"input": {"lastName": "Billing"}}, token)

    after = (await mailed.customer(CONTACTS, {"a": account}, token)).json()["data"]
    assert after["billingAccount"]["prompts"] == []
