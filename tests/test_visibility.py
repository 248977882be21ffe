"""Reads are authorized where writes are (resolvers/access.py): every field reachable from `me`,
`node` and `billingAccount` is walked for a user who must not see an account, and nothing
account-owned comes back (R-CONF-1 grace period, R-MGR-2 removed manager, R-ERR-2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)

from models.accounts import BillingAccount, Manager
from models.activity import ActivityEntry
from models.invitations import Invitation
from models.invoices import Invoice
from models.notifications import Notification
from models.payments import PaymentMethod
from models.subscriptions import Subscription
from models.users import User
from resolvers.invitations import invite
from resolvers.managers import remove_manager
from resolvers.services import Services
from schema import schema
from tests.billing_support import add_card, gateway, gid, make_invoice, make_subscription
from tests.conftest import Viewer, current_services, gql, make_account, make_user, sign_in

# Types whose every instance belongs to a billing account.
ACCOUNT_OWNED = {
    "AccountPrompt",
    "ActivityEntry",
    "BillingAccount",
    "BillingAccountManager",
    "BillingContact",
    "CompanyDetails",
    "Contact",
    "Invitation",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "PaymentMethod",
    "ProductSubscription",
}
DEPTH = 5
__all__ = ["gateway"]  # the fixture


def selection(type_: Any, path: frozenset[str] = frozenset(), depth: int = DEPTH) -> str | None:
    """Every field of `type_` without required arguments, each type at most once per path."""
    named: GraphQLNamedType = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
        return ""
    if depth == 0 or named.name in path:
        return None
    parts = ["__typename"]
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        for impl in schema._schema.get_possible_types(named):
            inner = selection(impl, path, depth)
            if inner:
                parts.append(f"... on {impl.name} {inner}")
        return "{ " + " ".join(parts) + " }"
    for name, field in named.fields.items():
        required = any(
            isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
            for arg in field.args.values()
        )
        inner = None if required else selection(field.type, path | {named.name}, depth - 1)
        if inner is not None:
            parts.append(f"{name} {inner}" if inner else name)
    return "{ " + " ".join(parts) + " }"


def leaks(data: Any, viewer: User) -> list[str]:
    """Account-owned objects, and other people's profiles, anywhere in a response."""
    found: list[str] = []
    if isinstance(data, dict):
        typename = data.get("__typename")
        if typename in ACCOUNT_OWNED:
            found.append(typename)
        if typename == "User" and data.get("id") not in (None, gid("User", viewer.id)):
            found.append(f"User {data.get('id')}")
        for value in data.values():
            found += leaks(value, viewer)
    elif isinstance(data, list):
        for value in data:
            found += leaks(value, viewer)
    return found


async def account_ids(account: BillingAccount) -> list[str]:
    """The global id of every row the account owns."""
    ids = [gid("BillingAccount", account.id)]
    for type_name, model in (
        ("BillingAccountManager", Manager),
        ("Invitation", Invitation),
        ("Invoice", Invoice),
        ("PaymentMethod", PaymentMethod),
        ("ProductSubscription", Subscription),
        ("ActivityEntry", ActivityEntry),
    ):
        row = await model.filter(account_id=account.id).first()
        assert row is not None, type_name
        ids.append(gid(type_name, row.id))
    return ids


def field_by_field(root: str, type_name: str, levels: int = 2) -> list[str]:
    """Documents under `root`: the whole selection, then one per field path `levels` deep, so
    that one field's error (which nulls its parent) cannot hide what a sibling returns."""
    type_ = schema._schema.get_type(type_name)
    whole = selection(type_)
    assert whole
    return [f"{{ {root} {whole} }}", *(f"{{ {root} {p} }}" for p in _paths(type_, levels))]


def _paths(type_: Any, levels: int, path: frozenset[str] = frozenset()) -> list[str]:
    named = get_named_type(type_)
    if levels == 0 or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return []
    if isinstance(named, GraphQLInterfaceType):
        return [
            f"{{ __typename ... on {impl.name} {p} }}"
            for impl in schema._schema.get_possible_types(named)
            for p in _paths(impl, levels, path)
        ]
    found = []
    for name, field in named.fields.items():
        inner = selection(field.type, path | {named.name}, DEPTH - 1)
        if inner is None or any(
            isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
            for arg in field.args.values()
        ):
            continue
        found.append(f"{{ __typename {name} {inner} }}")
        for deeper in _paths(field.type, levels - 1, path | {named.name}):
            found.append(f"{{ __typename {name} {deeper} }}")
    return found


async def walk(viewer: Viewer, account: BillingAccount) -> list[str]:
    documents = field_by_field("me", "User")
    ids = await account_ids(account)
    ids += [gid("Notification", n.id) for n in await Notification.filter(user_id=viewer.user.id)]
    for id_ in ids:
        documents += field_by_field(f'node(id: "{id_}")', "Node", levels=1)
    documents += field_by_field(f'billingAccount(id: "{ids[0]}")', "BillingAccount")
    found: list[str] = []
    for document in documents:
        result = await gql(document, as_=viewer)
        found += leaks(result.data, viewer.user)
    return found


async def busy_account() -> tuple[BillingAccount, User]:
    """An account with a second manager, an invitation, cards, subscriptions and invoices."""
    account = await make_account()
    owner = await User.get(email="owner@example.com")
    second = await make_user("second@example.com", "Sam", "Second")
    await Manager.create(account=account, user=second, added_at=current_services().clock.now())
    await invite(current_services().clock, owner, account.id, "invitee@example.com")
    await add_card(account)
    await make_subscription(account)
    await make_invoice(account)
    return account, second


@pytest.mark.usefixtures("db", "gateway")
async def test_r_conf_1_nothing_account_owned_after_the_grace_period(services: Services) -> None:
    """R-CONF-1: given a manager whose email is unconfirmed past the grace period, when every
    field reachable from `me`, `node` and `billingAccount` is read, nothing account-owned is
    returned."""
    account, second = await busy_account()
    second.email_confirmed_at = None
    second.first_signed_in_at = services.clock.now()
    await second.save()
    viewer = await sign_in(second)
    assert "Invoice" in await walk(viewer, account)  # within the grace period: visible
    services.clock.advance(timedelta(days=4))

    assert await walk(viewer, account) == []


@pytest.mark.usefixtures("db", "gateway")
async def test_r_mgr_2_nothing_account_owned_after_removal(services: Services) -> None:
    """R-MGR-2: given a manager who was removed, when every field reachable from `me`, `node`
    and `billingAccount` is read, nothing account-owned is returned."""
    account, second = await busy_account()
    viewer = await sign_in(second)
    assert "BillingAccount" in await walk(viewer, account)  # the walk does find things
    owner = await User.get(email="owner@example.com")
    manager = await Manager.get(account_id=account.id, user_id=second.id)
    await remove_manager(services.live, services.clock, owner, manager.id)

    assert await walk(viewer, account) == []
