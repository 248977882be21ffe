"""Removing managers and transferring ownership (R-MGR-2, R-MGR-3, R-PROF-2, R-CON-4)."""

from __future__ import annotations

from models.accounts import BillingAccount, BillingContactKind, Contact, ContactRole, Manager
from models.notifications import Event, EventKind, Notification
from models.outbox import OutboxEmail
from resolvers.services import Services
from schema.relay import global_id
from tests.conftest import Viewer, current_services, gql, make_account, make_user, owner_of, sign_in

REMOVE = """
mutation($id: ID!) {
  removeBillingAccountManager(managerId: $id) {
    billingAccount { managers { email } subscriptionContact { email } }
    userErrors { field code message }
  }
}"""

TRANSFER = """
mutation($account: ID!, $manager: ID!) {
  transferOwnership(billingAccountId: $account, managerId: $manager) {
    billingAccount { owner { email } managers { email isOwner } }
    userErrors { field code message }
  }
}"""

ACCOUNT = """
query($id: ID!) {
  billingAccount(id: $id) {
    company { name }
    subscriptionContact { email }
    billingContact { kind contact { email } }
    prompts { code }
  }
}"""


async def add_manager(account: BillingAccount, email: str, first: str = "Bob") -> Viewer:
    user = await make_user(email, first, "Manager")
    await Manager.create(account=account, user=user, added_at=current_services().clock.now())
    return await sign_in(user)


async def manager_id(account: BillingAccount, viewer: Viewer) -> str:
    manager = await Manager.get(account_id=account.id, user_id=viewer.user.id)
    return global_id("BillingAccountManager", manager.id)


def account_id(account: BillingAccount) -> str:
    return global_id("BillingAccount", account.id)


async def test_r_mgr_2_removed_manager_loses_access_at_once(db: None) -> None:
    """R-MGR-2: right after removal the removed person reads null and NOT_FOUND."""
    account = await make_account()
    owner = await owner_of(account)
    bob = await add_manager(account, "bob@example.com")
    assert (await gql(ACCOUNT, {"id": account_id(account)}, as_=bob))["billingAccount"]

    result = await gql(REMOVE, {"id": await manager_id(account, bob)}, as_=owner)

    assert result["removeBillingAccountManager"]["userErrors"] == []
    managers = result["removeBillingAccountManager"]["billingAccount"]["managers"]
    assert managers == [{"email": "owner@example.com"}]
    assert (await gql(ACCOUNT, {"id": account_id(account)}, as_=bob))["billingAccount"] is None
    event = await Event.get(account_id=account.id, kind=EventKind.MANAGER_REMOVED)
    assert "bob@example.com" in event.message
    assert not await Notification.filter(user_id=bob.user.id).exists()


async def test_r_mgr_3_last_manager_cannot_be_removed(db: None) -> None:
    """R-MGR-3: LAST_MANAGER for the only manager."""
    account = await make_account()
    owner = await owner_of(account)

    result = await gql(REMOVE, {"id": await manager_id(account, owner)}, as_=owner)

    assert result["removeBillingAccountManager"]["userErrors"][0]["code"] == "LAST_MANAGER"
    assert await Manager.filter(account_id=account.id).count() == 1


async def test_r_mgr_3_owner_cannot_be_removed_before_transfer(db: None) -> None:
    """R-MGR-3, R-PROF-2: OWNER_CANNOT_BE_REMOVED; after a transfer the old owner can go."""
    account = await make_account()
    owner = await owner_of(account)
    bob = await add_manager(account, "bob@example.com")
    owner_manager = await manager_id(account, owner)

    refused = await gql(REMOVE, {"id": owner_manager}, as_=bob)
    transferred = await gql(
        TRANSFER,
        {"account": account_id(account), "manager": await manager_id(account, bob)},
        as_=owner,
    )
    removed = await gql(REMOVE, {"id": owner_manager}, as_=bob)

    assert refused["removeBillingAccountManager"]["userErrors"][0]["code"] == (
        "OWNER_CANNOT_BE_REMOVED"
    )
    payload = transferred["transferOwnership"]
    assert payload["userErrors"] == []
    assert payload["billingAccount"]["owner"] == {"email": "bob@example.com"}
    assert sorted((m["email"], m["isOwner"]) for m in payload["billingAccount"]["managers"]) == [
        ("bob@example.com", True),
        ("owner@example.com", False),
    ]
    assert removed["removeBillingAccountManager"]["userErrors"] == []


async def test_r_prof_2_only_the_owner_transfers_and_only_to_a_manager(db: None) -> None:
    """R-PROF-2: a non-owner gets FORBIDDEN; another account's manager is NOT_FOUND."""
    account = await make_account()
    owner = await owner_of(account)
    bob = await add_manager(account, "bob@example.com")
    other = await make_account("other@example.com", "Other Ltd")
    other_owner = await owner_of(other)

    by_bob = await gql(
        TRANSFER,
        {"account": account_id(account), "manager": await manager_id(account, bob)},
        as_=bob,
    )
    to_stranger = await gql(
        TRANSFER,
        {"account": account_id(account), "manager": await manager_id(other, other_owner)},
        as_=owner,
    )

    assert by_bob["transferOwnership"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert to_stranger["transferOwnership"]["userErrors"] == [
        {
            "field": ["managerId"],
            "code": "NOT_FOUND",
            "message": "Billing account manager not found.",
        }
    ]
    still_owner = await Manager.get(account_id=account.id, is_owner=True)
    assert still_owner.user_id == owner.user.id  # type: ignore[attr-defined]


async def test_r_con_4_removing_the_subscription_contact_prompts_for_a_new_one(
    db: None, services: Services
) -> None:
    """R-CON-4: the contact row goes, the prompt shows, events go to the billing contact only."""
    account = await make_account()
    owner = await owner_of(account)
    bob = await add_manager(account, "bob@example.com")
    bob_manager = await Manager.get(account_id=account.id, user_id=bob.user.id)
    await Contact.filter(account_id=account.id, role=ContactRole.SUBSCRIPTION).update(
        manager_id=bob_manager.id, user_id=bob.user.id, email="bob@example.com"
    )
    await Contact.create(
        account=account,
        role=ContactRole.BILLING,
        first_name="Carla",
        last_name="Custom",
        email="carla@example.com",
        created_at=services.clock.now(),
    )
    await BillingAccount.filter(id=account.id).update(
        billing_contact_kind=BillingContactKind.CUSTOM
    )

    await gql(REMOVE, {"id": global_id("BillingAccountManager", bob_manager.id)}, as_=owner)

    seen = (await gql(ACCOUNT, {"id": account_id(account)}, as_=owner))["billingAccount"]
    assert seen["subscriptionContact"] is None
    assert {"code": "CHOOSE_SUBSCRIPTION_CONTACT"} in seen["prompts"]
    assert seen["billingContact"]["contact"]["email"] == "carla@example.com"
    removed_mails = await OutboxEmail.filter(to="bob@example.com").count()
    assert removed_mails == 0
    assert await OutboxEmail.filter(to="carla@example.com", subject__icontains="removed").exists()


async def test_r_con_4_removed_billing_contact_falls_back_to_subscription_contact(
    db: None,
    services: Services,
) -> None:
    """R-CON-4: a removed manager who was billing contact → SAME_AS_SUBSCRIPTION_CONTACT."""
    account = await make_account()
    owner = await owner_of(account)
    bob = await add_manager(account, "bob@example.com")
    bob_manager = await Manager.get(account_id=account.id, user_id=bob.user.id)
    await Contact.create(
        account=account,
        role=ContactRole.BILLING,
        manager=bob_manager,
        user=bob.user,
        first_name="Bob",
        last_name="Manager",
        email="bob@example.com",
        created_at=services.clock.now(),
    )
    await BillingAccount.filter(id=account.id).update(
        billing_contact_kind=BillingContactKind.BILLING_ACCOUNT_MANAGER
    )

    await gql(REMOVE, {"id": global_id("BillingAccountManager", bob_manager.id)}, as_=owner)

    seen = (await gql(ACCOUNT, {"id": account_id(account)}, as_=owner))["billingAccount"]
    assert seen["billingContact"] == {
        "kind": "SAME_AS_SUBSCRIPTION_CONTACT",
        "contact": {"email": "owner@example.com"},
    }
    assert not await Contact.filter(account_id=account.id, role=ContactRole.BILLING).exists()


async def test_r_err_2_another_accounts_manager_is_not_found(db: None) -> None:
    """R-ERR-2: removing a manager of an account I don't manage looks like a missing id."""
    account = await make_account()
    bob = await add_manager(account, "bob@example.com")
    stranger = await owner_of(await make_account("other@example.com", "Other Ltd"))

    foreign = await gql(REMOVE, {"id": await manager_id(account, bob)}, as_=stranger)
    missing = await gql(REMOVE, {"id": global_id("BillingAccountManager", 999)}, as_=stranger)

    assert foreign["removeBillingAccountManager"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (
        foreign["removeBillingAccountManager"]["userErrors"]
        == missing["removeBillingAccountManager"]["userErrors"]
    )
    assert await Manager.filter(account_id=account.id).count() == 2


async def test_r_con_4_same_as_billing_contact_falls_back_to_the_owner(db: None) -> None:
    """R-CON-4: with billing "same as" a removed subscription contact, the owner gets events."""
    account = await make_account()
    owner = await owner_of(account)
    bob = await add_manager(account, "bob@example.com")
    bob_manager = await Manager.get(account_id=account.id, user_id=bob.user.id)
    await Contact.filter(account_id=account.id, role=ContactRole.SUBSCRIPTION).update(
        manager_id=bob_manager.id, user_id=bob.user.id, email="bob@example.com"
    )

    await gql(REMOVE, {"id": global_id("BillingAccountManager", bob_manager.id)}, as_=owner)

    seen = (await gql(ACCOUNT, {"id": account_id(account)}, as_=owner))["billingAccount"]
    assert seen["subscriptionContact"] is None
    assert seen["billingContact"] == {
        "kind": "BILLING_ACCOUNT_MANAGER",
        "contact": {"email": "owner@example.com"},
    }
    assert await OutboxEmail.filter(to="owner@example.com", subject__icontains="removed").exists()
    assert not await OutboxEmail.filter(to="bob@example.com").exists()
    assert await Notification.filter(user_id=owner.user.id).exists()
