"""R-ERR-3: the cost of a GraphQL document is bounded and checking it is linear in its size.

Fragment bombs, repeated fields and batches of them are refused before graphql-core validates
anything, while other requests keep being answered; a repeated document is checked once;
persisted documents, trusted documents and the production switches.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query, parse

import schema.gate
from core.settings import get_settings
from schema.cost import FragmentCycle, document_cost
from schema.persisted import sha256
from tests.conftest import LiveServer, free_port, gql, make_account, owner_of, serve_app
from tests.test_dashboard_queries import DASHBOARD

ROOT = Path(__file__).resolve().parents[1]
TYPENAME = "{ __typename }"


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the next one twice: 2^levels fields once expanded."""
    parts = ["query { me { ...F1 } }"]
    parts += [f"fragment F{n} on User {{ ...F{n + 1} ...F{n + 1} }}" for n in range(1, levels)]
    parts.append(f"fragment F{levels} on User {{ email }}")
    return "\n".join(parts)


def repeated_fields(count: int) -> str:
    return "query { me { " + " ".join("email" for _ in range(count)) + " } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


# ------------------------------------------------------------- the bombs, over real HTTP


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[str]:
    """`python server.py` in its own process: a validation stuck on its event loop can't stall
    this test's loop, so the guard timeout below really guards."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_PORT": str(port),
        "PORTAL_DATABASE_URL": f"sqlite://{tmp_path}/portal.sqlite3",
        "PORTAL_MAILBOX_DIR": str(tmp_path / "mailbox"),
        "PORTAL_RUN_WORKER": "false",
        "PORTAL_SECRET_KEY": "bomb-secret",
    }
    with (tmp_path / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py")],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError((tmp_path / "server.log").read_text())
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def test_r_err_3_bombs_are_refused_while_other_requests_are_answered(
    server_process: str,
) -> None:
    """R-ERR-3: a 30-level fragment bomb, 725 repeated fields and a batch of ten bombs are
    refused with QUERY_TOO_COMPLEX, and `/healthz` and `{ __typename }` sent meanwhile are
    answered. (Before: validation ran for hours on the event loop.)"""
    bombs: list[Any] = [
        {"query": fragment_bomb(30)},
        {"query": repeated_fields(725)},
        [{"query": fragment_bomb(30 + n)} for n in range(10)],
    ]
    async with httpx.AsyncClient(base_url=server_process, timeout=60) as client:

        async def guarded() -> tuple[list[httpx.Response], httpx.Response, httpx.Response]:
            sent = [asyncio.create_task(client.post("/graphql", json=bomb)) for bomb in bombs]
            health = await client.get("/healthz")
            plain = await client.post("/graphql", json={"query": TYPENAME})
            return list(await asyncio.gather(*sent)), health, plain

        refused, health, plain = await asyncio.wait_for(guarded(), timeout=60)
    assert health.status_code == 200
    assert plain.json() == {"data": {"__typename": "Query"}}
    single_fragment, single_repeated, batch = (r.json() for r in refused)
    assert codes(single_fragment) == ["QUERY_TOO_COMPLEX"]
    assert "fields once its fragments are expanded" in single_fragment["errors"][0]["message"]
    assert codes(single_repeated) == ["QUERY_TOO_COMPLEX"]
    assert "repeats fields" in single_repeated["errors"][0]["message"]
    assert [codes(item) for item in batch] == [["QUERY_TOO_COMPLEX"]] * 10


# ------------------------------------------------------------- the cost pass


def test_r_err_3_fragments_are_costed_once_and_cycles_found() -> None:
    """R-ERR-3: the cost of a 60-level bomb is computed (2^59 fields) without expanding it, and a
    fragment cycle is reported instead of looping."""
    cost = document_cost(parse(fragment_bomb(60)))
    assert cost.fields == 10**12  # saturated: 2^59 + 1 is beyond the cap
    assert document_cost(parse(DASHBOARD)).fields == 50
    cyclic = "query { me { ...A } } fragment A on User { ...B } fragment B on User { ...A }"
    with pytest.raises(FragmentCycle):
        document_cost(parse(cyclic))


@pytest.mark.usefixtures("db")
async def test_r_err_3_fragment_cycle_is_a_clear_error() -> None:
    """R-ERR-3: a cycle is refused with a clear, unmasked error."""
    result = await gql(
        "query { me { ...A } } fragment A on User { ...B } fragment B on User { ...A }"
    )
    assert result.errors is not None
    assert result.errors[0].message == "Fragment 'A' spreads itself."
    assert result.errors[0].extensions == {"code": "QUERY_TOO_COMPLEX"}


@pytest.mark.usefixtures("db")
async def test_r_err_3_a_repeated_document_is_parsed_and_validated_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-ERR-3 (and the dashboard's speed): the gate's verdict is cached by document text, so
    the second and third run of a document neither parse nor validate it again."""
    calls = {"parse": 0, "validate": 0}
    real_parse, real_validate = schema.gate.parse, schema.gate.validate  # type: ignore[attr-defined]

    def counting_parse(*args: Any, **kwargs: Any) -> Any:
        calls["parse"] += 1
        return real_parse(*args, **kwargs)

    def counting_validate(*args: Any, **kwargs: Any) -> Any:
        calls["validate"] += 1
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(schema.gate, "parse", counting_parse)
    monkeypatch.setattr(schema.gate, "validate", counting_validate)
    account = await make_account()
    viewer = await owner_of(account)
    query = "query CacheProbe { me { email firstName } }"
    for _ in range(3):
        assert (await gql(query, as_=viewer))["me"]["firstName"] == "Olga"
    assert calls == {"parse": 1, "validate": 1}


@pytest.mark.usefixtures("db")
async def test_r_err_3_what_works_today_still_runs() -> None:
    """R-ERR-3 without collateral: the dashboard, GraphiQL's introspection query and a
    fragment-using query are within the default limits."""
    account = await make_account()
    viewer = await owner_of(account)
    from schema.relay import global_id

    dashboard = await gql(
        DASHBOARD, {"a": global_id("BillingAccount", account.id), "first": 20}, as_=viewer
    )
    assert dashboard["billingAccount"]["company"]["name"] == "Acme GmbH"
    introspection = await gql(get_introspection_query(descriptions=True))
    assert introspection["__schema"]["queryType"]["name"] == "Query"
    fragments = await gql(
        "query { me { ...Names ...Names } } fragment Names on User { firstName lastName }",
        as_=viewer,
    )
    assert fragments["me"] == {"firstName": "Olga", "lastName": "Owner"}


async def test_r_err_3_a_batch_shares_one_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """R-ERR-3: each document of a batch fits alone, but the batch together is over the
    request's field budget: the operations past it are refused, not each given its own."""
    monkeypatch.setenv("PORTAL_GRAPHQL_MAX_FIELDS", "100")
    document = "query { __typename " + " ".join(f"a{n}: __typename" for n in range(29)) + " }"
    assert document_cost(parse(document)).fields == 30  # three fit in 100, the fourth not
    async with serve_app(monkeypatch, tmp_path) as live:
        async with httpx.AsyncClient(base_url=live.url) as client:
            response = await client.post("/graphql", json=[{"query": document}] * 5)
            alone = await client.post("/graphql", json={"query": document})
    body = response.json()
    assert ["errors" in item for item in body] == [False, False, False, True, True]
    assert codes(body[3]) == ["QUERY_TOO_COMPLEX"]
    assert "together are too complex" in body[3]["errors"][0]["message"]
    assert "errors" not in alone.json()  # the budget is per request


# ------------------------------------------------------------- persisted documents


@pytest.mark.usefixtures("db")
async def test_r_err_3_automatic_persisted_queries() -> None:
    """APQ: an unknown hash asks for the document; sent once with its hash, it then runs by
    hash alone; a hash that does not match the text is refused."""
    query = "query Persisted { __typename }"
    digest = sha256(query)
    by_hash = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    unknown = await _execute(None, by_hash)
    assert unknown.errors is not None and unknown.errors[0].message == "PersistedQueryNotFound"
    assert (await _execute(query, by_hash)).data == {"__typename": "Query"}
    assert (await _execute(None, by_hash)).data == {"__typename": "Query"}
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    mismatch = await _execute(query, wrong)
    assert mismatch.errors is not None
    assert mismatch.errors[0].extensions == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}


@pytest.mark.usefixtures("db")
async def test_r_err_3_trusted_documents_mode_runs_only_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trusted documents: with a manifest configured, its documents run (by text or hash)
    and anything else is refused."""
    trusted = "query Trusted { __typename }"
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({sha256(trusted): trusted}))
    monkeypatch.setenv("PORTAL_GRAPHQL_TRUSTED_DOCUMENTS", str(manifest))
    get_settings.cache_clear()
    assert (await _execute(trusted, None)).data == {"__typename": "Query"}
    by_hash = {"persistedQuery": {"version": 1, "sha256Hash": sha256(trusted)}}
    assert (await _execute(None, by_hash)).data == {"__typename": "Query"}
    other = await _execute("query Other { __typename }", None)
    assert other.errors is not None
    assert other.errors[0].extensions == {"code": "PERSISTED_QUERY_NOT_TRUSTED"}


async def _execute(query: str | None, extensions: dict[str, Any] | None) -> Any:
    from schema import schema as customer_schema
    from schema.context import Context
    from tests.conftest import current_services, fake_request

    return await customer_schema.execute(
        query,
        context_value=Context(request=fake_request(), response=None, services=current_services()),
        operation_extensions=extensions,
    )


# ------------------------------------------------------------- production switches


@pytest.mark.usefixtures("db")
async def test_r_err_3_introspection_and_suggestions_can_be_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Production switches: with PORTAL_GRAPHQL_INTROSPECTION=false the schema can't be read
    (`__typename` still works); with PORTAL_GRAPHQL_SUGGESTIONS=false no "Did you mean"."""
    typo = "{ mee { email } }"
    enum = (
        "query($a: ID!, $s: InvoiceStatus) "
        "{ billingAccount(id: $a) { id invoices(status: $s) { totalCount } } }"
    )
    enum_typo = {"a": "x", "s": "PAIDD"}
    shown = await gql(typo)
    assert shown.errors is not None and "Did you mean" in shown.errors[0].message
    shown_enum = await gql(enum, enum_typo)
    assert shown_enum.errors is not None and "Did you mean" in shown_enum.errors[0].message
    assert (await gql("{ __schema { queryType { name } } }")).errors is None
    monkeypatch.setenv("PORTAL_GRAPHQL_INTROSPECTION", "false")
    monkeypatch.setenv("PORTAL_GRAPHQL_SUGGESTIONS", "false")
    get_settings.cache_clear()
    hidden = await gql(typo)
    assert hidden.errors is not None
    assert "Did you mean" not in hidden.errors[0].message
    hidden_enum = await gql(enum, enum_typo)
    assert hidden_enum.errors is not None
    assert "Did you mean" not in hidden_enum.errors[0].message
    refused = await gql("{ __schema { queryType { name } } }")
    assert refused.errors is not None and "introspection" in refused.errors[0].message.lower()
    assert (await gql(TYPENAME))["__typename"] == "Query"


async def test_r_err_3_persisted_queries_over_http(live_server: LiveServer) -> None:
    """APQ as Apollo Client speaks it over HTTP: hash only (POST or GET), then hash and text,
    then hash only again."""
    query = "query OverHttp { __typename }"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        unknown = await client.post("/graphql", json={"extensions": extensions})
        assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        sent = await client.post("/graphql", json={"query": query, "extensions": extensions})
        assert sent.json() == {"data": {"__typename": "Query"}}
        by_hash = await client.post("/graphql", json={"extensions": extensions})
        assert by_hash.json() == {"data": {"__typename": "Query"}}
        by_get = await client.get("/graphql", params={"extensions": json.dumps(extensions)})
        assert by_get.json() == {"data": {"__typename": "Query"}}
