"""Subscription and billing contacts, and the prompts they raise (R-CON-1..4)."""

from __future__ import annotations

from typing import Any

from models.accounts import BillingAccount, Contact, ContactRole, Manager
from models.notifications import Event, EventKind
from resolvers import contacts
from resolvers.contacts import AccountPromptCode, Prompt
from resolvers.services import Services
from schema.relay import global_id
from tests.conftest import Viewer, current_services, gql, make_account, make_user, owner_of, sign_in

SET_SUBSCRIPTION = """
mutation($account: ID!, $manager: ID!, $details: ContactInput) {
  setSubscriptionContact(billingAccountId: $account, managerId: $manager,
                         contactDetails: $details) {
    billingAccount {
      subscriptionContact { firstName lastName email phone manager { email } }
      managers { email isSubscriptionContact isBillingContact }
    }
    userErrors { field code message }
  }
}"""

SET_BILLING = """
mutation($input: SetBillingContactInput!) {
  setBillingContact(input: $input) {
    billingAccount {
      billingContact { kind contact { firstName lastName email address { city } } }
      managers { email isSubscriptionContact isBillingContact }
    }
    userErrors { field code message }
  }
}"""

PROMPTS = """
query($id: ID!) {
  billingAccount(id: $id) { prompts { code message manager { email } } }
}"""

CARLA = {
    "firstName": "Carla",
    "lastName": "Custom",
    "email": "carla@example.com",
    "address": {"line1": "Hauptstr. 1", "city": "Berlin", "country": "DE"},
}


async def setup() -> tuple[BillingAccount, Viewer, Viewer]:
    account = await make_account()
    owner = await owner_of(account)
    user = await make_user("bob@example.com", "Bob", "Builder")
    await Manager.create(account=account, user=user, added_at=current_services().clock.now())
    return account, owner, await sign_in(user)


def ids(account: BillingAccount, manager: Manager | None = None) -> dict[str, str]:
    values: dict[str, str] = {"account": global_id("BillingAccount", account.id)}
    if manager is not None:
        values["manager"] = global_id("BillingAccountManager", manager.id)
    return values


async def manager_of(account: BillingAccount, viewer: Viewer) -> Manager:
    return await Manager.get(account_id=account.id, user_id=viewer.user.id)


async def set_billing(viewer: Viewer, account: BillingAccount, **fields: Any) -> Any:
    variables = {"input": {"billingAccountId": global_id("BillingAccount", account.id), **fields}}
    return (await gql(SET_BILLING, variables, as_=viewer))["setBillingContact"]


async def test_r_con_1_subscription_contact_chosen_from_managers(db: None) -> None:
    """R-CON-1: choosing Bob makes him the contact and records the event."""
    account, owner, bob = await setup()

    result = await gql(SET_SUBSCRIPTION, ids(account, await manager_of(account, bob)), as_=owner)

    payload = result["setSubscriptionContact"]
    assert payload["userErrors"] == []
    contact = payload["billingAccount"]["subscriptionContact"]
    assert contact == {
        "firstName": "Bob",
        "lastName": "Builder",
        "email": "bob@example.com",
        "phone": None,
        "manager": {"email": "bob@example.com"},
    }
    flags = {m["email"]: m["isSubscriptionContact"] for m in payload["billingAccount"]["managers"]}
    assert flags == {"owner@example.com": False, "bob@example.com": True}
    assert await Event.exists(account_id=account.id, kind=EventKind.SUBSCRIPTION_CONTACT_CHANGED)


async def test_r_con_1_contact_details_can_be_edited(db: None) -> None:
    """R-CON-1, R-PROF-1: a manager's contact takes a phone and an address; its name and email
    stay those of the manager's profile, and the profile is not touched."""
    account, owner, bob = await setup()
    details = {"firstName": "Bob", "lastName": "Builder", "email": "BOB@example.com"}

    result = await gql(
        SET_SUBSCRIPTION,
        {**ids(account, await manager_of(account, bob)), "details": {**details, "phone": "+49 1"}},
        as_=owner,
    )

    contact = result["setSubscriptionContact"]["billingAccount"]["subscriptionContact"]
    assert (contact["firstName"], contact["email"], contact["phone"]) == (
        "Bob",
        "bob@example.com",
        "+49 1",
    )
    await bob.user.refresh_from_db()
    assert bob.user.first_name == "Bob"


async def test_r_prof_1_a_managers_contact_cannot_take_another_name_or_email(db: None) -> None:
    """R-PROF-1: another name or email for a manager's contact is INVALID with its path (the
    manager updates the profile instead); nothing changes."""
    account, owner, bob = await setup()
    bob_id = ids(account, await manager_of(account, bob))
    other_name = {"firstName": "Robert", "lastName": "Builder", "email": "bob@example.com"}
    other_email = {"firstName": "Bob", "lastName": "Builder", "email": "billing@bob.example"}

    renamed = await gql(SET_SUBSCRIPTION, {**bob_id, "details": other_name}, as_=owner)
    readdressed = await set_billing(
        owner, account, managerId=bob_id["manager"], contactDetails=other_email
    )

    assert renamed["setSubscriptionContact"]["userErrors"][0]["field"] == [
        "contactDetails",
        "firstName",
    ]
    assert readdressed["userErrors"][0]["field"] == ["input", "contactDetails", "email"]
    contact = await Contact.get(account_id=account.id, role=ContactRole.SUBSCRIPTION)
    assert contact.manager_id == (await manager_of(account, owner)).id  # type: ignore[attr-defined]
    assert not await Contact.exists(account_id=account.id, role=ContactRole.BILLING)


async def test_r_con_1_invalid_contact_details_refused_with_field_path(db: None) -> None:
    """R-ERR-1: an empty name or bad email is INVALID with its path; nothing changes."""
    account, owner, bob = await setup()
    details = {"firstName": " ", "lastName": "B", "email": "bob@example.com"}

    result = await gql(
        SET_SUBSCRIPTION,
        {**ids(account, await manager_of(account, bob)), "details": details},
        as_=owner,
    )

    assert result["setSubscriptionContact"]["userErrors"][0]["field"] == [
        "contactDetails",
        "firstName",
    ]
    contact = await Contact.get(account_id=account.id, role=ContactRole.SUBSCRIPTION)
    assert contact.email == "owner@example.com"


async def test_r_con_2_billing_contact_custom_manager_and_same_as(db: None) -> None:
    """R-CON-2: the three kinds, each recorded as BILLING_CONTACT_CHANGED."""
    account, owner, bob = await setup()
    bob_id = global_id("BillingAccountManager", (await manager_of(account, bob)).id)

    custom = await set_billing(owner, account, customContact=CARLA)
    bob_details = {"firstName": "Bob", "lastName": "Builder", "email": "bob@example.com"}
    manager = await set_billing(
        owner, account, managerId=bob_id, contactDetails={**bob_details, "phone": "+49 2"}
    )
    same = await set_billing(owner, account, sameAsSubscriptionContact=True)

    assert custom["billingAccount"]["billingContact"] == {
        "kind": "CUSTOM",
        "contact": {
            "firstName": "Carla",
            "lastName": "Custom",
            "email": "carla@example.com",
            "address": {"city": "Berlin"},
        },
    }
    assert manager["billingAccount"]["billingContact"]["kind"] == "BILLING_ACCOUNT_MANAGER"
    assert manager["billingAccount"]["billingContact"]["contact"]["firstName"] == "Bob"
    assert {m["email"]: m["isBillingContact"] for m in manager["billingAccount"]["managers"]} == {
        "owner@example.com": False,
        "bob@example.com": True,
    }
    assert same["billingAccount"]["billingContact"]["kind"] == "SAME_AS_SUBSCRIPTION_CONTACT"
    assert same["billingAccount"]["billingContact"]["contact"]["email"] == "owner@example.com"
    assert {m["email"]: m["isBillingContact"] for m in same["billingAccount"]["managers"]} == {
        "owner@example.com": True,
        "bob@example.com": False,
    }
    changes = Event.filter(account_id=account.id, kind=EventKind.BILLING_CONTACT_CHANGED)
    assert await changes.count() == 3


async def test_r_con_2_exactly_one_choice(db: None) -> None:
    """R-CON-2: none, two, or contactDetails without managerId → INVALID with a field path."""
    account, owner, bob = await setup()
    bob_id = global_id("BillingAccountManager", (await manager_of(account, bob)).id)

    none = await set_billing(owner, account)
    false_only = await set_billing(owner, account, sameAsSubscriptionContact=False)
    two = await set_billing(owner, account, sameAsSubscriptionContact=True, managerId=bob_id)
    details = await set_billing(owner, account, customContact=CARLA, contactDetails=CARLA)
    bad_email = await set_billing(owner, account, customContact={**CARLA, "email": "nope"})

    for refused in (none, false_only, two):
        assert refused["userErrors"][0]["code"] == "INVALID"
        assert refused["userErrors"][0]["field"] == ["input"]
    assert details["userErrors"][0]["field"] == ["input", "contactDetails"]
    assert bad_email["userErrors"][0]["field"] == ["input", "customContact", "email"]
    assert not await Contact.filter(account_id=account.id, role=ContactRole.BILLING).exists()


async def test_r_con_2_manager_of_another_account_is_not_found(db: None) -> None:
    """R-ERR-2: a manager id from another account is NOT_FOUND."""
    account, owner, _ = await setup()
    other = await make_account("other@example.com", "Other Ltd")
    foreign = await Manager.get(account_id=other.id)

    result = await set_billing(
        owner, account, managerId=global_id("BillingAccountManager", foreign.id)
    )

    assert result["userErrors"][0]["code"] == "NOT_FOUND"
    assert result["userErrors"][0]["field"] == ["input", "managerId"]


async def test_r_con_3_differing_contact_name_prompts_the_manager_and_others(db: None) -> None:
    """R-CON-3: a contact with Bob's email under another name: Bob is asked to update his
    profile; others to ask him."""
    account, owner, bob = await setup()
    await set_billing(
        owner,
        account,
        customContact={"firstName": "Robert", "lastName": "Builder", "email": "bob@example.com"},
    )

    to_bob = await gql(PROMPTS, {"id": ids(account)["account"]}, as_=bob)
    to_owner = await gql(PROMPTS, {"id": ids(account)["account"]}, as_=owner)

    [bob_prompt] = to_bob["billingAccount"]["prompts"]
    [owner_prompt] = to_owner["billingAccount"]["prompts"]
    assert bob_prompt["code"] == owner_prompt["code"] == "UPDATE_CONTACT_NAME"
    assert bob_prompt["manager"] == owner_prompt["manager"] == {"email": "bob@example.com"}
    assert "Update your profile" in bob_prompt["message"]
    assert "Ask them" in owner_prompt["message"]


async def test_r_con_3_no_prompt_when_names_match(db: None) -> None:
    """R-CON-3: the default contact (profile names) raises no prompt."""
    account, owner, _ = await setup()

    result = await gql(PROMPTS, {"id": ids(account)["account"]}, as_=owner)

    assert result["billingAccount"]["prompts"] == []


async def test_prompt_sources_are_extensible(db: None) -> None:
    """Other domains add prompts by appending to PROMPT_SOURCES."""
    account, owner, _ = await setup()

    async def extra(account: BillingAccount, viewer: Any) -> list[Prompt]:
        return [Prompt(AccountPromptCode.CHOOSE_SUBSCRIPTION_CONTACT, "extra")]

    contacts.PROMPT_SOURCES.append(extra)
    try:
        prompts = await contacts.account_prompts(account, owner.user)
    finally:
        contacts.PROMPT_SOURCES.remove(extra)

    assert [p.message for p in prompts] == ["extra"]


UPDATE_PROFILE = """
mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { userErrors { code } } }
"""
CONFIRM = "mutation($t: String!) { confirmEmail(token: $t) { userErrors { code } } }"
CONTACTS = """
query($id: ID!) {
  billingAccount(id: $id) {
    subscriptionContact { firstName lastName email }
    billingContact { kind contact { firstName lastName email } }
    prompts { code }
  }
}"""


async def test_r_prof_1_manager_contacts_follow_the_current_profile(
    db: None, services: Services
) -> None:
    """R-PROF-1: the owner renames themself and confirms a new email: both contacts show it at
    once, the next invoice email goes to the new address greeting the new name, and the invoice
    names them; a custom contact keeps its own details."""
    from resolvers.invoices import LineValue, issue_invoice
    from tests.conftest import emails_to, link_token

    account, owner, _ = await setup()
    await gql(
        UPDATE_PROFILE,
        {"input": {"firstName": "Olivia", "lastName": "Newname", "email": "olivia@example.com"}},
        as_=owner,
    )
    [confirmation] = await emails_to("olivia@example.com")
    await gql(CONFIRM, {"t": link_token(confirmation, "/confirm-email")})

    shown = (await gql(CONTACTS, {"id": ids(account)["account"]}, as_=owner))["billingAccount"]
    expected = {"firstName": "Olivia", "lastName": "Newname", "email": "olivia@example.com"}
    assert shown["subscriptionContact"] == expected
    assert shown["billingContact"]["contact"] == expected

    invoice = await issue_invoice(
        services.live, services.clock, account, [LineValue("Premium", 1, 10_000)]
    )
    [mail] = [m for m in await emails_to("olivia@example.com") if "Invoice" in m.subject]
    assert mail.text_body.startswith("Hello Olivia Newname,")
    old_address = await emails_to("owner@example.com")
    assert not [m for m in old_address if "Invoice" in m.subject]  # nothing to the old one
    assert invoice.buyer["contact_name"] == "Olivia Newname"
    assert invoice.buyer["contact_email"] == "olivia@example.com"

    await set_billing(owner, account, customContact=CARLA)
    await gql(UPDATE_PROFILE, {"input": {"firstName": "Olga"}}, as_=owner)
    shown = (await gql(CONTACTS, {"id": ids(account)["account"]}, as_=owner))["billingAccount"]
    assert shown["subscriptionContact"]["firstName"] == "Olga"
    assert shown["billingContact"]["contact"]["email"] == "carla@example.com"


async def test_r_con_3_updating_the_profile_to_match_clears_the_prompt(db: None) -> None:
    """R-CON-3: a contact under Bob's email is named "Robert Builder"; when Bob updates his
    profile to that name, the prompt is gone."""
    account, owner, bob = await setup()
    robert = {"firstName": "Robert", "lastName": "Builder", "email": "bob@example.com"}
    await set_billing(owner, account, customContact=robert)
    before = await gql(CONTACTS, {"id": ids(account)["account"]}, as_=bob)
    assert before["billingAccount"]["prompts"] == [{"code": "UPDATE_CONTACT_NAME"}]

    await gql(UPDATE_PROFILE, {"input": {"firstName": "Robert"}}, as_=bob)

    after = await gql(CONTACTS, {"id": ids(account)["account"]}, as_=bob)
    assert after["billingAccount"]["prompts"] == []
