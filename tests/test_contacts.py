"""Subscription and billing contacts, and the prompts they raise (R-CON-1..4)."""

from __future__ import annotations

from typing import Any

from core import clock
from models.accounts import BillingAccount, Contact, ContactRole, Manager
from models.notifications import Event, EventKind
from resolvers import contacts
from resolvers.contacts import AccountPromptCode, Prompt
from schema.relay import global_id
from tests.conftest import Viewer, gql, make_account, make_user, owner_of, sign_in

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
    await Manager.create(account=account, user=user, added_at=clock.now())
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
    """R-CON-1: edited details are stored on the contact, not the profile."""
    account, owner, bob = await setup()
    details = {"firstName": "Robert", "lastName": "Builder", "email": "billing@bob.example"}

    result = await gql(
        SET_SUBSCRIPTION,
        {**ids(account, await manager_of(account, bob)), "details": {**details, "phone": "+49 1"}},
        as_=owner,
    )

    contact = result["setSubscriptionContact"]["billingAccount"]["subscriptionContact"]
    assert (contact["firstName"], contact["email"], contact["phone"]) == (
        "Robert",
        "billing@bob.example",
        "+49 1",
    )
    await bob.user.refresh_from_db()
    assert bob.user.first_name == "Bob"


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
    manager = await set_billing(
        owner, account, managerId=bob_id, contactDetails={**CARLA, "firstName": "Bobby"}
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
    assert manager["billingAccount"]["billingContact"]["contact"]["firstName"] == "Bobby"
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
    """R-CON-3: the manager is asked to update their profile; others to ask them."""
    account, owner, bob = await setup()
    await gql(
        SET_SUBSCRIPTION,
        {
            **ids(account, await manager_of(account, bob)),
            "details": {"firstName": "Robert", "lastName": "Builder", "email": "bob@example.com"},
        },
        as_=owner,
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
