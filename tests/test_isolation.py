"""R-ERR-2: another account's id behaves exactly like an id that does not exist.

The cases are built from the live customer schema: every query and mutation argument that holds
an id (also inside input objects) gets, in turn, an object of another account and a missing
object of the same type, with every other argument valid and the viewer's own. Both must give the
same answer (null, or the same NOT_FOUND user error) and change nothing. A new id-taking field
fails `test_r_err_2_every_id_argument_is_in_the_table` until it is listed in `MUTATIONS`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)

from core import ids
from models.accounts import BillingAccount, Manager
from models.activity import ActivityEntry
from models.catalog import AddOnKind, CatalogAddOn, CatalogPlan
from models.invitations import Invitation
from models.invoices import Invoice
from models.notifications import Event, EventKind, Notification
from models.payments import PaymentMethod
from models.subscriptions import Deployment, Subscription
from notifications.events import record_event
from schema import schema
from schema.relay import global_id
from tests.conftest import Viewer, current_services, gql, make_account, make_user, owner_of

# The type of object an id argument names, by the argument's name.
ID_TYPES = {
    "billingAccountId": "BillingAccount",
    "managerId": "BillingAccountManager",
    "invitationId": "Invitation",
    "paymentMethodId": "PaymentMethod",
    "invoiceId": "Invoice",
    "subscriptionId": "ProductSubscription",
    "ids": "Notification",
}
# Ids of the catalog, which belongs to no account: the same for every viewer.
CATALOG_IDS = {"planId": "CatalogPlan", "addOnId": "CatalogAddOn"}

# Every id-holding argument path of every customer mutation.
MUTATIONS: dict[str, set[tuple[str, ...]]] = {
    "updateCompanyDetails": {("input", "billingAccountId")},
    "transferOwnership": {("billingAccountId",), ("managerId",)},
    "inviteBillingAccountManager": {("billingAccountId",)},
    "resendInvitation": {("invitationId",)},
    "revokeInvitation": {("invitationId",)},
    "removeBillingAccountManager": {("managerId",)},
    "setSubscriptionContact": {("billingAccountId",), ("managerId",)},
    "setBillingContact": {("input", "billingAccountId"), ("input", "managerId")},
    "addPaymentMethod": {("billingAccountId",)},
    "updatePaymentMethod": {("paymentMethodId",)},
    "deletePaymentMethod": {("paymentMethodId",)},
    "payInvoice": {("input", "invoiceId"), ("input", "paymentMethodId")},
    "associateSubscriptionNamespace": {("subscriptionId",)},
    "updateSubscriptionSeats": {("subscriptionId",), ("paymentMethodId",)},
    "setSubscriptionAutoRenew": {("subscriptionId",)},
    "setSubscriptionPaymentMethod": {("subscriptionId",), ("paymentMethodId",)},
    "purchaseSubscription": {("input", "billingAccountId"), ("input", "paymentMethodId")},
    "purchaseAddOn": {("input", "subscriptionId"), ("input", "paymentMethodId")},
    "markNotificationsRead": {("ids",)},
}

# Id-taking queries: each returns null for an id the viewer cannot see.
QUERIES = {"node": "Node", "billingAccount": "BillingAccount", "invoice": "Invoice"}

# Values for arguments that are not ids, so the id check is what decides.
VALUES: dict[str, Any] = {
    "email": "new.manager@example.com",
    "paymentToken": "tok_visa",
    "namespacePath": "acme-group",
    "seats": 25,
    "autoRenew": False,
    "idempotencyKey": "isolation-1",
    "deployment": "GITLAB_COM",
    "quantity": 2,
}

# Optional arguments worth giving, so the call is a real change (not a no-op).
OPTIONAL_VALUES: dict[str, Any] = {"cardholderName": "Ada Lovelace", "name": "Renamed GmbH"}

MISSING_PK = 987_654

NODE = "query($id: ID!) { node(id: $id) { id } }"
FOREIGN_INVITATION = """
query($id: ID!) {
  node(id: $id) { ... on Invitation { companyName billingAccount { id } } }
}"""


def id_paths(field: GraphQLField) -> set[tuple[str, ...]]:
    """Every argument path, into input objects too, whose named type is ID."""
    found: set[tuple[str, ...]] = set()

    def walk(name: str, type_: Any, path: tuple[str, ...]) -> None:
        named = get_named_type(type_)
        if isinstance(named, GraphQLScalarType) and named.name == "ID":
            found.add((*path, name))
        elif isinstance(named, GraphQLInputObjectType):
            for child, child_field in named.fields.items():
                walk(child, child_field.type, (*path, name))

    for name, arg in field.args.items():
        walk(name, arg.type, ())
    return found


def live_mutations() -> dict[str, GraphQLField]:
    mutation = schema._schema.mutation_type
    assert mutation is not None
    return dict(mutation.fields)


@dataclass
class World:
    viewer: Viewer
    own: dict[str, str]  # type name -> a global id of the viewer's account
    foreign: dict[str, str]  # type name -> the same kind of object in another account
    other_owner: Viewer
    catalog: dict[str, str]  # argument name -> a catalog id


async def catalog_ids() -> dict[str, str]:
    now = current_services().clock.now()
    plan = await CatalogPlan.create(
        code="premium", name="Premium", prices={"USD": 29_00}, created_at=now, updated_at=now
    )
    add_on = await CatalogAddOn.create(
        code="storage-10",
        name="Storage 10 GB",
        kind=AddOnKind.STORAGE,
        pack_size=10,
        prices={"USD": 60_00},
        created_at=now,
        updated_at=now,
    )
    return {
        "planId": global_id("CatalogPlan", plan.id),
        "addOnId": global_id("CatalogAddOn", add_on.id),
    }


async def populate(account: BillingAccount, second_manager: str) -> dict[str, str]:
    """One object of each kind in `account`, built from the models, as global ids by type."""
    now = current_services().clock.now()
    owner = await Manager.get(account_id=account.id, is_owner=True)
    user = await make_user(second_manager, "Second", "Manager")
    manager = await Manager.create(account=account, user=user, added_at=now)
    invitation = await Invitation.create(
        account=account,
        email=f"invitee.{account.id}@example.com",
        token_hash=f"hash-{account.id}",
        invited_by=owner,
        created_at=now,
        expires_at=now + timedelta(days=7),
    )
    method = await PaymentMethod.create(
        account=account,
        gateway_ref=f"card_{account.id}",
        brand="VISA",
        last4="4242",
        exp_month=12,
        exp_year=now.year + 3,
        is_default=True,
        created_at=now,
    )
    subscription = await Subscription.create(
        account=account,
        name=f"A-S9000000{account.id}",
        plan="Premium",
        deployment=Deployment.GITLAB_COM,
        seats=10,
        unit_price_minor=29_00,
        start_date=date(2026, 1, 1),
        end_date=date(2027, 1, 1),
        created_at=now,
    )
    invoice = await Invoice.create(
        account=account,
        subscription=subscription,
        number=f"INV-ISO-{account.id}",
        issued_at=now,
        due_date=date(2026, 12, 31),
        currency="EUR",
        subtotal_minor=10_000,
        tax_minor=1_900,
        total_minor=11_900,
        tax_treatment="STANDARD_RATE",
        buyer={"company_name": account.company_name},
    )
    event = await record_event(
        current_services().live,
        current_services().clock,
        account,
        EventKind.MANAGER_ADDED,
        "Manager added",
        "A test event",
    )
    notification = await Notification.get(event_id=event.id)
    rows = {
        "BillingAccount": account.id,
        "BillingAccountManager": manager.id,
        "Invitation": invitation.id,
        "PaymentMethod": method.id,
        "ProductSubscription": subscription.id,
        "Invoice": invoice.id,
        "Notification": notification.id,
    }
    return {type_name: global_id(type_name, pk) for type_name, pk in rows.items()}


@pytest.fixture
async def world(db: None) -> World:
    mine = await make_account()
    theirs = await make_account("other@example.com", "Other Ltd")
    return World(
        viewer=await owner_of(mine),
        own=await populate(mine, "second@example.com"),
        foreign=await populate(theirs, "their.second@example.com"),
        other_owner=await owner_of(theirs),
        catalog=await catalog_ids(),
    )


def missing(global_value: str) -> str:
    type_name, _ = ids.decode(global_value)
    return global_id(type_name, MISSING_PK)


def value_for(name: str, type_: Any, path: tuple[str, ...], world: World) -> Any:
    """A valid value for an argument: the viewer's own object for ids, else a plain value."""
    named = get_named_type(type_)
    if named.name == "ID" and name in CATALOG_IDS:
        return world.catalog[name]
    if named.name == "ID":
        value = world.own[ID_TYPES[name]]
        return [value] if isinstance(_unwrap(type_), GraphQLList) else value
    if isinstance(named, GraphQLInputObjectType):
        return {
            child: value_for(child, f.type, (*path, name), world)
            for child, f in named.fields.items()
            if _wanted(child, f.type)
        }
    if name in VALUES or name in OPTIONAL_VALUES:
        return {**VALUES, **OPTIONAL_VALUES}[name]
    return {"String": "x", "Int": 1, "Boolean": True}.get(named.name, "x")


def _unwrap(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _wanted(name: str, type_: Any) -> bool:
    return (
        isinstance(type_, GraphQLNonNull)
        or get_named_type(type_).name == "ID"
        or name in OPTIONAL_VALUES
    )


def arguments(field: GraphQLField, world: World) -> dict[str, Any]:
    return {
        name: value_for(name, arg.type, (), world)
        for name, arg in field.args.items()
        if _wanted(name, arg.type)
    }


def with_value(args: dict[str, Any], path: tuple[str, ...], value: str) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(args))
    target = copied
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = [value] if isinstance(target[path[-1]], list) else value
    return copied


def document(name: str, field: GraphQLField) -> str:
    params = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    call = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    return f"mutation({params}) {{ {name}({call}) {{ userErrors {{ field code message }} }} }}"


async def fingerprint(world: World) -> tuple[Any, ...]:
    """What the other account looks like, to prove nothing changed in it."""
    account_pk = ids.decode(world.foreign["BillingAccount"])[1]
    return (
        await Manager.filter(account_id=account_pk).order_by("id").values(),
        await Invitation.filter(account_id=account_pk).order_by("id").values(),
        await PaymentMethod.filter(account_id=account_pk).order_by("id").values(),
        await Subscription.filter(account_id=account_pk).order_by("id").values(),
        await Invoice.filter(account_id=account_pk).order_by("id").values("id", "status"),
        await Notification.filter(account_id=account_pk).order_by("id").values(),
        await BillingAccount.filter(id=account_pk).values(),
        await Event.filter(account_id=account_pk).count(),
        await ActivityEntry.filter(account_id=account_pk).count(),
    )


CASES = sorted((name, path) for name, paths in MUTATIONS.items() for path in paths)


def test_r_err_2_every_id_argument_is_in_the_table() -> None:
    """R-ERR-2: no id-taking mutation or query escapes the isolation table."""
    live = {
        name: {p for p in id_paths(f) if p[-1] not in CATALOG_IDS}
        for name, f in live_mutations().items()
        if id_paths(f)
    }
    assert live == {name: paths for name, paths in MUTATIONS.items() if name in live}, (
        "an id-taking mutation changed or appeared: list its id paths in MUTATIONS"
    )
    assert set(MUTATIONS) <= set(live), f"not in the schema: {set(MUTATIONS) - set(live)}"
    query = schema._schema.query_type
    assert query is not None
    assert {name for name, f in query.fields.items() if id_paths(f)} == set(QUERIES)
    assert {t for paths in MUTATIONS.values() for p in paths for t in [ID_TYPES[p[-1]]]} <= set(
        ID_TYPES.values()
    )


async def test_r_err_2_own_ids_resolve_so_the_table_is_not_vacuous(world: World) -> None:
    """The ids the table uses name real, visible objects of the viewer's own account."""
    for type_name, own_id in world.own.items():
        result = await gql(
            "query($id: ID!) { node(id: $id) { id } }", {"id": own_id}, as_=world.viewer
        )
        assert result["node"] == {"id": own_id}, type_name


@pytest.mark.parametrize(("name", "path"), CASES, ids=[f"{n}:{'.'.join(p)}" for n, p in CASES])
async def test_r_err_2_mutation_with_another_accounts_id_is_not_found(
    world: World, name: str, path: tuple[str, ...]
) -> None:
    """R-ERR-2: given another account's id, the mutation answers as for a missing id."""
    field = live_mutations().get(name)
    if field is None:
        pytest.skip(f"{name} is not in the schema yet")
    base = arguments(field, world)
    foreign_id = world.foreign[ID_TYPES[path[-1]]]
    before = await fingerprint(world)

    foreign = await gql(document(name, field), with_value(base, path, foreign_id), as_=world.viewer)
    absent = await gql(
        document(name, field), with_value(base, path, missing(foreign_id)), as_=world.viewer
    )

    assert foreign[name]["userErrors"] == absent[name]["userErrors"]
    assert [e["code"] for e in foreign[name]["userErrors"]] == ["NOT_FOUND"], foreign[name]
    assert await fingerprint(world) == before


@pytest.mark.parametrize("query", sorted(QUERIES))
async def test_r_err_2_query_with_another_accounts_id_is_null(world: World, query: str) -> None:
    """R-ERR-2: node/billingAccount/invoice give null for another account's objects."""
    wanted = QUERIES[query]
    types = sorted(world.foreign) if wanted == "Node" else [wanted]
    for type_name in types:
        foreign_id = world.foreign[type_name]
        doc = f"query($id: ID!) {{ result: {query}(id: $id) {{ id }} }}"
        own = await gql(doc, {"id": world.own[type_name]}, as_=world.viewer)
        foreign = await gql(doc, {"id": foreign_id}, as_=world.viewer)
        absent = await gql(doc, {"id": missing(foreign_id)}, as_=world.viewer)
        theirs = await gql(doc, {"id": foreign_id}, as_=world.other_owner)

        assert own["result"] is not None, type_name
        assert foreign["result"] is None and absent["result"] is None, type_name
        assert theirs["result"] == {"id": foreign_id}, type_name


async def test_r_err_2_another_accounts_invitation_token_holder_sees_company_name_only(
    world: World,
) -> None:
    """R-ERR-2: the viewer cannot reach another account through an invitation's fields."""
    result = await gql(FOREIGN_INVITATION, {"id": world.foreign["Invitation"]}, as_=world.viewer)

    assert result["node"] is None
