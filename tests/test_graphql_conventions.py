"""GraphQL conventions: errors as data and masking (R-ERR-1), limits (R-ERR-3), global ids,
and the operator API (creating billing accounts)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

import schema.users
from models.accounts import BillingAccount, BillingContactKind, Contact, ContactRole, Manager
from models.outbox import OutboxEmail
from models.users import User
from schema.extensions import MAX_BATCH
from schema.relay import global_id
from tests.conftest import (
    LiveServer,
    emails_to,
    gql,
    make_account,
    make_user,
    operator_gql,
    owner_of,
    sign_in,
)

MAX_DEPTH, MAX_ALIASES, MAX_TOKENS = 12, 30, 3000  # the defaults in core.settings
ME = "query { me { email } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on BillingAccount { company { name } } } }"

CREATE_ACCOUNT = """
mutation($input: CreateBillingAccountInput!) {
  createBillingAccount(input: $input) {
    billingAccount {
      id
      company { name country taxId taxTreatment }
      owner { isOwner isSubscriptionContact isBillingContact email firstName }
      managers { email }
      subscriptionContact { email firstName lastName }
      billingContact { kind contact { email } }
    }
    userErrors { field code message }
  }
}"""


def new_account(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "companyName": "Newco Ltd",
        "country": "GB",
        "taxId": "GB980780684",
        "currency": "GBP",
        "owner": {"email": "nina@newco.example", "firstName": "Nina", "lastName": "New"},
    }
    data.update(overrides)
    return {"input": data}


# ------------------------------------------------------------------ R-ERR-1


@pytest.mark.usefixtures("db")
async def test_r_err_1_expected_failures_are_user_errors() -> None:
    """R-ERR-1: an expected failure is a userError in the payload, never a GraphQL error."""
    result = await gql(
        'mutation { updateProfile(input: {firstName: "X"}) { userErrors { code } } }'
    )
    assert result.errors is None
    assert result["updateProfile"]["userErrors"] == [{"code": "UNAUTHENTICATED"}]


@pytest.mark.usefixtures("db")
async def test_r_err_1_unexpected_error_is_masked_and_logged_with_request_id(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """R-ERR-1: an unexpected exception reaches the client as "Unexpected error." only; the log
    line has the request id and the real exception."""

    def broken(self: Any, info: Any) -> Any:
        raise RuntimeError("database password is hunter2")

    viewer = await sign_in(await make_user())
    monkeypatch.setattr(schema.users.User, "from_model", classmethod(broken))
    with caplog.at_level(logging.ERROR, logger="portal.graphql"):
        result = await gql(ME, as_=viewer)
    assert result.errors is not None
    assert [e.message for e in result.errors] == ["Unexpected error."]
    assert "hunter2" not in str(result.errors[0].formatted)
    [record] = [r for r in caplog.records if r.name == "portal.graphql"]
    message = record.getMessage()
    assert "request" in message
    request_id = message.split("request ", 1)[1].split()[0]
    assert len(request_id) == 16 and request_id != "-"
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])


@pytest.mark.usefixtures("db")
async def test_r_err_1_domain_errors_in_queries_are_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """R-ERR-1: a DomainError raised in a query field (directly or via `query_error`) reaches
    the client with its message and code; it is not masked."""
    from resolvers.errors import DomainError, ErrorCode
    from schema.errors import query_error

    viewer = await sign_in(await make_user())
    for raised in (
        DomainError(ErrorCode.FORBIDDEN, "Not for you."),
        query_error(DomainError(ErrorCode.FORBIDDEN, "Not for you.")),
    ):

        def broken(self: Any, info: Any, raised: Exception = raised) -> Any:
            raise raised

        monkeypatch.setattr(schema.users.User, "from_model", classmethod(broken))
        result = await gql(ME, as_=viewer)
        assert result.errors is not None
        assert [(e.message, e.extensions) for e in result.errors] == [
            ("Not for you.", {"code": "FORBIDDEN"})
        ]


# ------------------------------------------------------------------ R-ERR-3


def deep_query(depth: int) -> str:
    inner = "email"
    for _ in range(depth):
        inner = f"billingAccounts {{ owner {{ user {{ {inner} }} }} }}"
    return f"query {{ me {{ {inner} }} }}"


@pytest.mark.usefixtures("db")
async def test_r_err_3_too_deep_is_refused() -> None:
    """R-ERR-3: a document deeper than the limit is refused with a clear error, not executed."""
    result = await gql(deep_query(MAX_DEPTH))
    assert result.data is None
    assert result.errors is not None
    assert "exceeds maximum operation depth" in result.errors[0].message
    assert all(e.message != "Unexpected error." for e in result.errors)
    ok = await gql(deep_query(2))
    assert ok.errors is None


@pytest.mark.usefixtures("db")
async def test_r_err_3_too_many_aliases_is_refused() -> None:
    """R-ERR-3: more aliases than the limit is refused."""
    aliases = " ".join(f"a{n}: me {{ email }}" for n in range(MAX_ALIASES + 1))
    result = await gql(f"query {{ {aliases} }}")
    assert result.data is None
    assert result.errors is not None
    assert "aliases" in result.errors[0].message.lower()


@pytest.mark.usefixtures("db")
async def test_r_err_3_too_many_tokens_is_refused() -> None:
    """R-ERR-3: a document with more tokens than the limit is refused."""
    fields = " ".join("a" for _ in range(MAX_TOKENS + 1))
    result = await gql(f"query {{ {fields} }}")
    assert result.data is None
    assert result.errors is not None
    assert "token" in result.errors[0].message.lower()


@pytest.mark.usefixtures("db")
async def test_r_err_3_page_size_over_100_is_refused() -> None:
    """R-ERR-3: `first` above 100 is a clear INVALID error, not a server error."""
    await make_account()
    result = await operator_gql("query { billingAccounts(first: 101) { id } }")
    assert result.errors is not None
    assert result.errors[0].message == "`first` must be between 0 and 100."
    ok = await operator_gql("query { billingAccounts(first: 100) { id } }")
    assert len(ok["billingAccounts"]) == 1


async def test_r_err_3_batch_limit_over_http(live_server: LiveServer) -> None:
    """R-ERR-3: a batch above the limit is refused over HTTP with a 400, never a 500;
    a batch within it is answered."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        ok = await client.post("/graphql", json=[{"query": "{ __typename }"}] * MAX_BATCH)
        assert ok.status_code == 200
        assert len(ok.json()) == MAX_BATCH
        too_many = await client.post(
            "/graphql", json=[{"query": "{ __typename }"}] * (MAX_BATCH + 1)
        )
        assert too_many.status_code == 400
        assert "too many operations" in too_many.text.lower()
        deep = await client.post("/graphql", json={"query": deep_query(MAX_DEPTH)})
        assert deep.status_code == 200
        assert "exceeds maximum operation depth" in deep.json()["errors"][0]["message"]


# ------------------------------------------------------------------ global ids


@pytest.mark.usefixtures("db")
async def test_node_resolves_own_account_only() -> None:
    """Global ids: node(id) shows my account; garbage and other accounts' ids give null."""
    mine = await make_account()
    theirs = await make_account(owner_email="other@example.com", company="Other Inc")
    viewer = await owner_of(mine)
    own = await gql(NODE, {"id": global_id("BillingAccount", mine.id)}, as_=viewer)
    assert own["node"] == {
        "id": global_id("BillingAccount", mine.id),
        "company": {"name": "Acme GmbH"},
    }
    for bad in ("garbage", "", global_id("BillingAccount", theirs.id), global_id("Nope", 1)):
        assert (await gql(NODE, {"id": bad}, as_=viewer))["node"] is None, bad
    signed_out = await gql(NODE, {"id": global_id("BillingAccount", mine.id)})
    assert signed_out["node"] is None
    # ids are opaque: they do not show the database id or type in clear
    assert "BillingAccount" not in global_id("BillingAccount", mine.id)


@pytest.mark.usefixtures("db")
async def test_billing_account_query_with_other_accounts_id_is_null() -> None:
    """R-ERR-2 via the convention: billingAccount(id) of another account is null, like missing."""
    await make_account()
    theirs = await make_account(owner_email="other@example.com")
    viewer = await sign_in(await User.get(email="owner@example.com"))
    query = "query($id: ID!) { billingAccount(id: $id) { id } }"
    assert (await gql(query, {"id": global_id("BillingAccount", theirs.id)}, as_=viewer))[
        "billingAccount"
    ] is None
    assert (await gql(query, {"id": "x"}, as_=viewer))["billingAccount"] is None


# ------------------------------------------------------------------ operator API


async def test_operator_api_requires_the_token(live_server: LiveServer) -> None:
    """Operator API: 401 without or with a wrong token; answers with the right one."""
    body = {"query": "{ billingAccounts { id } }"}
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        missing = await client.post("/operator/graphql", json=body)
        wrong = await client.post(
            "/operator/graphql", json=body, headers={"Authorization": "Bearer nope"}
        )
        right = await client.post(
            "/operator/graphql", json=body, headers={"Authorization": "Bearer op-token"}
        )
        customer_token = await client.post(
            "/operator/graphql", json=body, headers={"Authorization": "op-token"}
        )
    assert missing.status_code == wrong.status_code == customer_token.status_code == 401
    assert right.status_code == 200
    assert right.json() == {"data": {"billingAccounts": []}}


@pytest.mark.usefixtures("db")
async def test_operator_creates_account_with_new_owner() -> None:
    """Operator: a new owner gets a profile, is owner manager and subscription contact, the
    billing contact is "same as", and the welcome email is in the outbox."""
    result = await operator_gql(CREATE_ACCOUNT, new_account())
    payload = result["createBillingAccount"]
    assert payload["userErrors"] == []
    account = payload["billingAccount"]
    assert account["company"] == {
        "name": "Newco Ltd",
        "country": "GB",
        "taxId": "GB980780684",
        "taxTreatment": "REVERSE_CHARGE",
    }
    assert account["owner"] == {
        "isOwner": True,
        "isSubscriptionContact": True,
        "isBillingContact": True,
        "email": "nina@newco.example",
        "firstName": "Nina",
    }
    assert account["managers"] == [{"email": "nina@newco.example"}]
    assert account["subscriptionContact"] == {
        "email": "nina@newco.example",
        "firstName": "Nina",
        "lastName": "New",
    }
    assert account["billingContact"] == {
        "kind": "SAME_AS_SUBSCRIPTION_CONTACT",
        "contact": {"email": "nina@newco.example"},
    }
    user = await User.get(email="nina@newco.example")
    assert (user.first_name, user.last_name) == ("Nina", "New")
    [welcome] = await emails_to("nina@newco.example")
    assert "Newco Ltd" in welcome.text_body
    assert "http://app.test/sign-in" in welcome.text_body
    stored = await BillingAccount.get(company_name="Newco Ltd")
    assert stored.currency == "GBP"
    assert stored.billing_contact_kind is BillingContactKind.SAME_AS_SUBSCRIPTION_CONTACT


@pytest.mark.usefixtures("db")
async def test_operator_reuses_an_existing_profile() -> None:
    """Operator: an existing email's profile is reused, names unchanged."""
    existing = await make_user("nina@newco.example", first="Nina", last="Original")
    result = await operator_gql(
        CREATE_ACCOUNT,
        new_account(owner={"email": "NINA@newco.example", "firstName": "X", "lastName": "Y"}),
    )
    assert result["createBillingAccount"]["userErrors"] == []
    assert await User.all().count() == 1
    manager = await Manager.get(user_id=existing.id)
    assert manager.is_owner
    assert (await User.get(id=existing.id)).last_name == "Original"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"taxId": "GB123"}, ["input", "taxId"], "TAX_ID_INVALID"),
        ({"country": "ZZ"}, ["input", "country"], "INVALID"),
        ({"currency": "XYZ"}, ["input", "currency"], "INVALID"),
        ({"companyName": "  "}, ["input", "companyName"], "INVALID"),
        (
            {"owner": {"email": "not-an-email", "firstName": "A", "lastName": "B"}},
            ["input", "owner", "email"],
            "INVALID",
        ),
        (
            {"owner": {"email": "a@example.com", "firstName": " ", "lastName": "B"}},
            ["input", "owner", "firstName"],
            "INVALID",
        ),
    ],
)
@pytest.mark.usefixtures("db")
async def test_operator_invalid_input_creates_nothing(
    overrides: dict[str, Any], field: list[str], code: str
) -> None:
    """Operator: bad tax id, country, currency, name or email → userError; nothing created."""
    result = await operator_gql(CREATE_ACCOUNT, new_account(**overrides))
    payload = result["createBillingAccount"]
    assert payload["billingAccount"] is None
    assert payload["userErrors"][0]["code"] == code
    assert payload["userErrors"][0]["field"] == field
    assert await BillingAccount.all().count() == 0
    assert await User.all().count() == 0
    assert await Manager.all().count() == 0
    assert await Contact.filter(role=ContactRole.SUBSCRIPTION).count() == 0
    assert await OutboxEmail.all().count() == 0


@pytest.mark.usefixtures("db")
async def test_operator_lists_and_searches_accounts() -> None:
    """Operator: billingAccount(id) and billingAccounts(search) see every account."""
    first = await make_account(company="Alpha GmbH")
    await make_account(owner_email="b@example.com", company="Beta GmbH")
    found = await operator_gql('query { billingAccounts(search: "alp") { company { name } } }')
    assert found["billingAccounts"] == [{"company": {"name": "Alpha GmbH"}}]
    one = await operator_gql(
        "query($id: ID!) { billingAccount(id: $id) { company { name } } }",
        {"id": global_id("BillingAccount", first.id)},
    )
    assert one["billingAccount"] == {"company": {"name": "Alpha GmbH"}}


@pytest.mark.usefixtures("db")
async def test_r_err_1_nul_characters_are_not_server_errors() -> None:
    """R-ERR-1: text with NUL characters (PostgreSQL cannot store them) is refused with a clear
    error before anything runs, never an unexpected error."""
    account = await make_account()
    viewer = await owner_of(account)
    documents: list[tuple[str, dict[str, Any]]] = [
        (
            "mutation($e: String!) { requestSignInLink(email: $e) { userErrors { code } } }",
            {"e": "ada\x00@example.com"},
        ),
        (
            "mutation($t: String!) { signInWithLink(token: $t) { userErrors { code } } }",
            {"t": "abc\x00def"},
        ),
        (
            "mutation($t: String!) { confirmEmail(token: $t) { userErrors { code } } }",
            {"t": "abc\x00def"},
        ),
        (
            "mutation($n: String!) { updateProfile(input: {firstName: $n}) "
            "{ userErrors { code } } }",
            {"n": "Ad\x00a"},
        ),
        (
            "mutation($id: ID!, $n: String!) { updateCompanyDetails(input: "
            '{billingAccountId: $id, name: $n, address: {line1: $n, city: $n, country: "DE"}})'
            " { userErrors { code } } }",
            {"id": global_id("BillingAccount", account.id), "n": "Acme\x00"},
        ),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": "\x00"}),
    ]
    for document, variables in documents:
        result = await gql(document, variables, as_=viewer)
        assert result.errors is not None, document
        assert [e.message for e in result.errors] == [
            "Text must not contain NUL characters (\\u0000)."
        ], document
    inline = await gql('mutation { updateProfile(input: {firstName: "A\\u0000"}) { user { id } } }')
    assert inline.errors is not None and "NUL" in inline.errors[0].message
    stored = await BillingAccount.get(id=account.id)
    assert "\x00" not in stored.company_name


PAGE = "query($after: String) { billingAccounts(first: 2, after: $after) { id company { name } } }"


async def test_operator_pages_through_billing_accounts_by_the_last_id_seen(db: None) -> None:
    """R-ERR-3: the operator's account list is paged: `after` is the last id of a page."""
    for n, name in enumerate(["Alpha", "Beta", "Gamma"]):
        await make_account(owner_email=f"o{n}@example.com", company=name)
    first = (await operator_gql(PAGE))["billingAccounts"]
    assert [a["company"]["name"] for a in first] == ["Alpha", "Beta"]
    rest = (await operator_gql(PAGE, {"after": first[-1]["id"]}))["billingAccounts"]
    assert [a["company"]["name"] for a in rest] == ["Gamma"]
    bad = await operator_gql(PAGE, {"after": "not-an-id"})
    assert bad.errors and "last billing account" in bad.errors[0].message
