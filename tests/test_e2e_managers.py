"""Managers end to end over real HTTP: invite → email → accept → contacts → remove.

R-MGR-1 (accept signed out from the emailed link), R-CON-1, R-CON-2, R-MGR-2 (removal takes
effect at once), R-CON-4 (prompt to choose a new subscription contact).
"""

from __future__ import annotations

import httpx

from tests.conftest import LiveServer
from tests.test_server import post, wait_for_mail

CREATE_ACCOUNT = """
mutation($input: CreateBillingAccountInput!) {
  createBillingAccount(input: $input) { billingAccount { id } userErrors { code message } }
}"""
REQUEST_LINK = "mutation($e: String!) { requestSignInLink(email: $e) { userErrors { code } } }"
SIGN_IN = "mutation($t: String!) { signInWithLink(token: $t) { session { token } } }"
INVITE = """
mutation($a: ID!, $e: String!) {
  inviteBillingAccountManager(billingAccountId: $a, email: $e) {
    invitation { displayName } userErrors { code }
  }
}"""
PENDING = "{ me { pendingInvitations { companyName status } } }"
ACCEPT = """
mutation($t: String!) {
  acceptInvitation(token: $t) {
    billingAccount { id } session { token } userErrors { code message }
  }
}"""
ACCOUNT = """
query($a: ID!) {
  billingAccount(id: $a) {
    managers { id email isSubscriptionContact }
    subscriptionContact { email }
    billingContact { kind contact { email } }
    prompts { code }
    activity(first: 10) { edges { node { action } } }
  }
}"""
SET_SUBSCRIPTION = """
mutation($a: ID!, $m: ID!) {
  setSubscriptionContact(billingAccountId: $a, managerId: $m) { userErrors { code } }
}"""
SET_BILLING = """
mutation($a: ID!) {
  setBillingContact(input: {billingAccountId: $a, customContact: {
    firstName: "Carla", lastName: "Custom", email: "carla@acme.example"}}) {
    userErrors { code }
  }
}"""
REMOVE = """
mutation($m: ID!) { removeBillingAccountManager(managerId: $m) { userErrors { code } } }
"""


async def owner_session(client: httpx.AsyncClient, live: LiveServer) -> tuple[str, str]:
    created = await client.post(
        "/operator/graphql",
        json={
            "query": CREATE_ACCOUNT,
            "variables": {
                "input": {
                    "companyName": "Acme GmbH",
                    "country": "DE",
                    "owner": {"email": "olga@acme.example", "firstName": "Olga", "lastName": "O"},
                }
            },
        },
        headers={"Authorization": "Bearer op-token"},
    )
    account_id = created.json()["data"]["createBillingAccount"]["billingAccount"]["id"]
    seen = len(live.mails())
    await post(client, "/graphql", REQUEST_LINK, {"e": "olga@acme.example"})
    token = await wait_for_mail(live, "/sign-in", seen)
    session = (await post(client, "/graphql", SIGN_IN, {"t": token}))["signInWithLink"]
    return account_id, session["session"]["token"]


async def test_invite_accept_contacts_remove_over_http(live_server: LiveServer) -> None:
    live = live_server
    async with httpx.AsyncClient(base_url=live.url, timeout=20) as client:
        account, olga = await owner_session(client, live)

        # invite → the email's link → accept signed out → signed in as a manager
        seen = len(live.mails())
        invited = await post(
            client, "/graphql", INVITE, {"a": account, "e": "bob@acme.example"}, olga
        )
        assert invited["inviteBillingAccountManager"] == {
            "invitation": {"displayName": "Awaiting user registration"},
            "userErrors": [],
        }
        token = await wait_for_mail(live, "/invitations/accept", seen)
        accepted = (await post(client, "/graphql", ACCEPT, {"t": token}))["acceptInvitation"]
        assert accepted["userErrors"] == []
        assert accepted["billingAccount"] == {"id": account}
        bob = accepted["session"]["token"]
        assert (await post(client, "/graphql", PENDING, token=bob))["me"] == {
            "pendingInvitations": []
        }

        # contacts: Bob becomes subscription contact, a custom billing contact
        seen_by_bob = (await post(client, "/graphql", ACCOUNT, {"a": account}, bob))[
            "billingAccount"
        ]
        bob_manager = next(
            m["id"] for m in seen_by_bob["managers"] if m["email"] == "bob@acme.example"
        )
        chosen = await post(
            client, "/graphql", SET_SUBSCRIPTION, {"a": account, "m": bob_manager}, olga
        )
        assert chosen["setSubscriptionContact"]["userErrors"] == []
        billing = await post(client, "/graphql", SET_BILLING, {"a": account}, olga)
        assert billing["setBillingContact"]["userErrors"] == []
        view = (await post(client, "/graphql", ACCOUNT, {"a": account}, olga))["billingAccount"]
        assert view["subscriptionContact"] == {"email": "bob@acme.example"}
        assert view["billingContact"] == {
            "kind": "CUSTOM",
            "contact": {"email": "carla@acme.example"},
        }

        # remove Bob: at once he sees nothing; the account asks for a new subscription contact
        removed = await post(client, "/graphql", REMOVE, {"m": bob_manager}, olga)
        assert removed["removeBillingAccountManager"]["userErrors"] == []
        gone = await post(client, "/graphql", ACCOUNT, {"a": account}, bob)
        assert gone["billingAccount"] is None
        after = (await post(client, "/graphql", ACCOUNT, {"a": account}, olga))["billingAccount"]
        assert [m["email"] for m in after["managers"]] == ["olga@acme.example"]
        assert after["subscriptionContact"] is None
        assert after["prompts"] == [{"code": "CHOOSE_SUBSCRIPTION_CONTACT"}]
        actions = [edge["node"]["action"] for edge in after["activity"]["edges"]]
        assert actions[:5] == [
            "manager_removed",
            "billing_contact_changed",
            "subscription_contact_changed",
            "manager_added",
            "manager_invited",
        ]
