"""docs/purchases.md, run as written: every GraphQL document of the page, in order, with its
variables, over HTTP against the whole service, whose worker mails a real SMTP server.

R-SUB-4 (catalog to paid invoice), R-SUB-5 (the subscription contact's purchase confirmation
says how to get access, with the link), R-PAY-6 (the subscription renews on the card it was
bought with).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.smtp_support import MailedServer, html_of, mailed, text_of

__all__ = ["mailed"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "purchases.md"
STEP = re.compile(r"```graphql\n(?P<query>.*?)```\s*```json\n(?P<variables>.*?)```", re.S)

CREATE_ACCOUNT = """
mutation($input: CreateBillingAccountInput!) {
  createBillingAccount(input: $input) { billingAccount { id } userErrors { code } }
}"""
REQUEST_LINK = "mutation($e: String!) { requestSignInLink(email: $e) { userErrors { code } } }"
SIGN_IN = "mutation($t: String!) { signInWithLink(token: $t) { session { token } } }"


def steps() -> list[tuple[str, str]]:
    found = [(m["query"], m["variables"]) for m in STEP.finditer(DOC.read_text("utf-8"))]
    assert len(found) >= 7, f"the steps of {DOC.name} were not found"
    return found


async def signed_in_owner(server: MailedServer) -> tuple[str, str]:
    owner = {"email": "olga@acme.example", "firstName": "Olga", "lastName": "Owner"}
    created = await server.operator(
        CREATE_ACCOUNT,
        {
            "input": {
                "companyName": "Acme GmbH",
                "country": "DE",
                "currency": "EUR",
                "owner": owner,
            }
        },
    )
    account = created["createBillingAccount"]["billingAccount"]["id"]
    await server.customer(REQUEST_LINK, {"e": owner["email"]})
    mail = await server.inbox.wait_for(owner["email"], "sign-in link")
    match = re.search(r"/sign-in\?token=([\w\-]+)", text_of(mail))
    assert match
    signed = await server.customer(SIGN_IN, {"t": match.group(1)})
    return account, signed.json()["data"]["signInWithLink"]["session"]["token"]


async def test_r_sub_4_the_purchase_walkthrough_runs_as_documented(mailed: MailedServer) -> None:
    account, token = await signed_in_owner(mailed)
    ids = {"BILLING_ACCOUNT_ID": account}
    results: list[dict[str, Any]] = []

    for query, raw in steps():
        for name, value in ids.items():
            raw = raw.replace(f'"{name}"', json.dumps(value))
        variables = json.loads(raw)
        if "saveCatalog" in query:
            data = await mailed.operator(query, variables)
        else:
            body = (await mailed.customer(query, variables, token)).json()
            assert "errors" not in body, (query, body)
            data = body["data"]
        for payload in data.values():
            if isinstance(payload, dict) and "userErrors" in payload:
                assert payload["userErrors"] == [], (query, payload)
        results.append(data)
        ids.update(found_ids(data))

    bought = next(r["purchaseSubscription"] for r in results if "purchaseSubscription" in r)
    assert bought["purchase"]["status"] == "COMPLETED"
    assert bought["payment"]["status"] == "SUCCEEDED"
    assert bought["subscription"]["renewalPaymentMethod"] == {"last4": "4242"}
    invoice = next(r["invoice"] for r in results if "invoice" in r)
    assert invoice["status"] == "PAID" and invoice["amountDue"] == {"amount": "0.00"}
    assert invoice["total"] == {"amount": "1927.80", "currency": "EUR"}
    assert (invoice["taxTreatment"], invoice["taxRatePercent"]) == ("STANDARD_RATE", "19.00")
    assert invoice["subscription"]["name"] == bought["subscription"]["name"]
    add_on = next(r["purchaseAddOn"] for r in results if "purchaseAddOn" in r)
    assert add_on["subscription"]["addOns"] == [
        {"name": "Compute minutes 1,000", "packs": 2, "packSize": 1000}
    ]
    seats = next(r["updateSubscriptionSeats"] for r in results if "updateSubscriptionSeats" in r)
    assert seats["subscription"] == {"seats": 8}

    confirmation = await mailed.inbox.wait_for("olga@acme.example", "how to get access")
    text, html = text_of(confirmation), html_of(confirmation)
    link = f"http://app.test/accounts/{account}/subscriptions"
    assert text.startswith("Hello Olga Owner,")
    assert "link subscription" in text and link in text
    assert f'href="{link}"' in html and "Link the subscription to a group" in html
    # the purchase's receipt (the add-on's receipt may arrive first: the worker sends in parallel)
    receipt = await mailed.inbox.wait_for(
        "olga@acme.example", "Payment received", text_part="1927.80"
    )
    assert "1927.80" in text_of(receipt)


def found_ids(data: dict[str, Any]) -> dict[str, str]:
    """The ids later steps refer to, from the answers of earlier ones."""
    found: dict[str, str] = {}
    if "saveCatalogPlan" in data:
        found["PLAN_ID"] = data["saveCatalogPlan"]["plan"]["id"]
    if "saveCatalogAddOn" in data:
        found["ADD_ON_ID"] = data["saveCatalogAddOn"]["addOn"]["id"]
    if "addPaymentMethod" in data:
        found["CARD_ID"] = data["addPaymentMethod"]["paymentMethod"]["id"]
    if "purchaseSubscription" in data:
        found["INVOICE_ID"] = data["purchaseSubscription"]["invoice"]["id"]
        found["SUBSCRIPTION_ID"] = data["purchaseSubscription"]["subscription"]["id"]
    return found
