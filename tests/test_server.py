"""The service over real HTTP: health, migrations on start, GraphiQL, and a newcomer's first
session end to end (operator account → sign-in link by email → confirm → edit), on SQLite and
PostgreSQL; and `python server.py` itself.

R-AUTH-1, R-AUTH-5 (bearer over HTTP), R-CONF-1, R-PROF-1, R-COMP-1.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import POSTGRES_URL, LiveServer, free_port, serve_app

ROOT = Path(__file__).resolve().parents[1]

CREATE_ACCOUNT = """
mutation($input: CreateBillingAccountInput!) {
  createBillingAccount(input: $input) { billingAccount { id } userErrors { code message } }
}"""
REQUEST_LINK = "mutation($e: String!) { requestSignInLink(email: $e) { userErrors { code } } }"
SIGN_IN = """
mutation($t: String!) {
  signInWithLink(token: $t) { session { token } userErrors { code message } }
}"""
CONFIRM = """
mutation($t: String!) {
  confirmEmail(token: $t) { user { emailConfirmed } userErrors { code message } }
}"""
ME = "query { me { email firstName emailConfirmed billingAccounts { id company { name } } } }"
UPDATE_PROFILE = """
mutation { updateProfile(input: {firstName: "Nora"}) { user { firstName } userErrors { code } } }
"""
UPDATE_COMPANY = """
mutation($id: ID!) {
  updateCompanyDetails(input: {billingAccountId: $id, taxId: "DE136695976"}) {
    billingAccount { company { taxId taxTreatment } }
    userErrors { code message }
  }
}"""


async def post(
    client: httpx.AsyncClient,
    path: str,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        path, json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"])


async def wait_for_mail(live: LiveServer, path: str, seen: int) -> str:
    """The token of the `path` link in the next `.eml` the in-process worker writes."""
    for _ in range(200):
        mails = live.mails()
        for eml in mails[seen:]:
            message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            found = re.search(re.escape(path) + r"\?token=([\w\-]+)", body.get_content())
            if found:
                return found.group(1)
        await asyncio.sleep(0.05)  # waits for the worker task, not for time to pass
    raise AssertionError(f"no {path} email in {live.mailbox}")


async def newcomer_flow(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.url, timeout=20) as client:
        created = await client.post(
            "/operator/graphql",
            json={
                "query": CREATE_ACCOUNT,
                "variables": {
                    "input": {
                        "companyName": "Newcomer GmbH",
                        "country": "DE",
                        "owner": {
                            "email": "nora@newcomer.example",
                            "firstName": "Nora",
                            "lastName": "New",
                        },
                    }
                },
            },
            headers={"Authorization": "Bearer op-token"},
        )
        assert created.status_code == 200, created.text
        account_id = created.json()["data"]["createBillingAccount"]["billingAccount"]["id"]

        requested = await post(client, "/graphql", REQUEST_LINK, {"e": "nora@newcomer.example"})
        assert requested == {"requestSignInLink": {"userErrors": []}}
        sign_in_token = await wait_for_mail(live, "/sign-in", 0)
        seen = len(live.mails())

        signed = (await post(client, "/graphql", SIGN_IN, {"t": sign_in_token}))["signInWithLink"]
        assert signed["userErrors"] == []
        session = signed["session"]["token"]

        confirm_token = await wait_for_mail(live, "/confirm-email", seen)
        confirmed = (await post(client, "/graphql", CONFIRM, {"t": confirm_token}))["confirmEmail"]
        assert confirmed == {"user": {"emailConfirmed": True}, "userErrors": []}

        me = (await post(client, "/graphql", ME, token=session))["me"]
        assert me == {
            "email": "nora@newcomer.example",
            "firstName": "Nora",
            "emailConfirmed": True,
            "billingAccounts": [{"id": account_id, "company": {"name": "Newcomer GmbH"}}],
        }
        profile = await post(client, "/graphql", UPDATE_PROFILE, token=session)
        assert profile["updateProfile"] == {"user": {"firstName": "Nora"}, "userErrors": []}
        company = await post(client, "/graphql", UPDATE_COMPANY, {"id": account_id}, session)
        assert company["updateCompanyDetails"] == {
            "billingAccount": {
                "company": {"taxId": "DE136695976", "taxTreatment": "REVERSE_CHARGE"}
            },
            "userErrors": [],
        }
        signed_out = await post(client, "/graphql", "mutation { signOut { userErrors { code } } }")
        assert signed_out["signOut"]["userErrors"] == [{"code": "UNAUTHENTICATED"}]
        await post(
            client, "/graphql", "mutation { signOut { userErrors { code } } }", None, session
        )
        dead = await client.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {session}"}
        )
        assert dead.status_code == 401
        assert dead.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        [error] = dead.json()["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "invalid or has expired" in error["message"]


async def test_health_and_readiness(live_server: LiveServer) -> None:
    """/healthz is alive; /readyz checks the database and the broadcast channel."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": True, "broadcast": True}


async def test_responses_carry_the_request_id(live_server: LiveServer) -> None:
    """R-ERR-1: every GraphQL response names its request id, the one masked errors are logged
    with, so a user can quote it."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        first = await client.post("/graphql", json={"query": "{ __typename }"})
        second = await client.post("/graphql", json={"query": "{ __typename }"})
    ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")]
    assert all(ids) and ids[0] != ids[1]


async def test_graphiql_for_browsers(live_server: LiveServer) -> None:
    """GET /graphql from a browser serves GraphiQL."""
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "graphiql" in page.text.lower()


def sqlite_tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return {name for (name,) in rows}


FOUNDATION_TABLES = {
    "users",
    "sessions",
    "one_time_tokens",
    "billing_accounts",
    "managers",
    "contacts",
    "outbox_emails",
    "rate_limit_hits",
    "system_values",
}


async def test_migrations_applied_on_start_and_restart_is_a_no_op(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The database schema is brought up to date on start; starting again changes nothing."""
    async with serve_app(monkeypatch, tmp_path):
        pass
    db = tmp_path / "portal.sqlite3"
    tables = sqlite_tables(db)
    # the foundation's tables (tests/test_migrations.py checks every model against migrations)
    assert FOUNDATION_TABLES <= tables, FOUNDATION_TABLES - tables
    assert "tortoise_migrations" in tables
    with sqlite3.connect(db) as conn:
        (applied,) = conn.execute("SELECT count(*) FROM tortoise_migrations").fetchone()
    assert applied >= 1
    schema_before = _sqlite_schema(db)
    async with serve_app(monkeypatch, tmp_path):
        pass
    assert _sqlite_schema(db) == schema_before


def _sqlite_schema(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        migrations = [
            row
            for table in ("tortoise_migrations",)
            if table in {name for (_, name, _) in schema}
            for row in conn.execute(f"SELECT * FROM {table}").fetchall()
        ]
    return [*schema, *migrations]


async def test_newcomer_flow_over_http(live_server: LiveServer) -> None:
    """A newcomer: the operator creates the account, the owner asks for a link, opens it from
    the mailbox, confirms the email, and sees and edits profile and company with a bearer."""
    await newcomer_flow(live_server)


@pytest.mark.postgres
async def test_newcomer_flow_over_http_on_postgres(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same flow on a fresh PostgreSQL database, migrated on start."""
    import asyncpg

    assert POSTGRES_URL
    name = f"portal_live_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        async with serve_app(monkeypatch, tmp_path, url) as live:
            await newcomer_flow(live)
        async with serve_app(monkeypatch, tmp_path, url):  # restart: migrations are a no-op
            pass
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.mark.slow
def test_python_server_py_starts_and_stops(tmp_path: Path) -> None:
    """`python server.py` serves on PORTAL_PORT with the embedded defaults and stops cleanly."""
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update({"PORTAL_PORT": str(port), "PORTAL_RUN_WORKER": "true"})
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py")],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = (tmp_path / "server.log").read_text()
                    raise AssertionError(f"server.py did not start:\n{output}") from None
                time.sleep(0.1)  # waiting for a process to start, not for time to pass
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert (tmp_path / "portal.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        finally:
            log.close()
    assert code == 0, (tmp_path / "server.log").read_text()
