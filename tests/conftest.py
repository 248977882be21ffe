"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when PORTAL_TEST_POSTGRES_URL is
set), a GraphQL caller, factories for users, accounts and sessions, and the process services
of each test, whose clock tests move (`services.clock.advance`, `current_services().clock`)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from starlette.requests import Request
from tortoise.contrib.test import tortoise_test_context

from core import secrets
from core.request_context import current_request_id
from core.settings import get_settings
from models import MODEL_MODULES
from models.accounts import BillingAccount
from models.outbox import OutboxEmail
from models.users import User
from resolvers.accounts import NewAccount, create_billing_account
from resolvers.auth import start_session
from resolvers.services import Services
from schema import operator_schema, schema
from schema.context import Context

POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="PORTAL_TEST_POSTGRES_URL is not set")
    skip_redis = pytest.mark.skip(reason="PORTAL_TEST_REDIS_URL is not set")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES_URL:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not REDIS_URL:
            item.add_marker(skip_redis)


def postgres_test_url() -> str:
    """A fresh database per test: Tortoise fills `{}` with a random suffix and drops it after."""
    assert POSTGRES_URL
    return POSTGRES_URL.rsplit("/", 1)[0] + "/portal_test_{}"


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("PORTAL_") and not name.startswith("PORTAL_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PORTAL_MAILBOX_DIR", str(tmp_path / "mailbox"))
    monkeypatch.setenv("PORTAL_SIGN_IN_RESPONSE_FLOOR_MS", "0")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("PORTAL_APP_URL", "http://app.test")
    monkeypatch.setenv("PORTAL_SELLER_NAME", "Example Software GmbH")
    monkeypatch.setenv("PORTAL_SELLER_ADDRESS", "Musterstraße 1, 10115 Berlin")
    monkeypatch.setenv("PORTAL_SELLER_COUNTRY", "DE")
    monkeypatch.setenv("PORTAL_SELLER_TAX_ID", "DE129273398")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    secrets.reset()


@pytest.fixture(autouse=True)
def services(_settings: None) -> Services:
    """The process services of one test, as start-up builds them (a fresh sandbox gateway:
    charge records never leak between tests; a fresh clock: moved time never leaks either);
    `gql`, `operator_gql` and the factories below run with them."""
    built = Services.from_settings(get_settings())
    _services[:] = [built]
    return built


_services: list[Services] = []


def current_services() -> Services:
    return _services[0]


def use_services(services: Services) -> None:
    """From now on `gql` and the factories run with `services` (an app's this test serves), so
    the test and that app share one clock, as one process would."""
    _services[:] = [services]


@pytest_asyncio.fixture
async def db() -> AsyncIterator[None]:
    """A migrated-from-models database for one test: SQLite in memory, or PostgreSQL."""
    if POSTGRES_URL:
        async with tortoise_test_context(
            MODEL_MODULES, db_url=postgres_test_url(), connection_label="pg"
        ):
            await secrets.load_secret_key()
            yield
    else:
        async with tortoise_test_context(MODEL_MODULES):
            await secrets.load_secret_key()
            yield


@pytest_asyncio.fixture
async def pg_db() -> AsyncIterator[None]:
    """PostgreSQL only: for rules about concurrency, which SQLite cannot prove."""
    if not POSTGRES_URL:
        pytest.skip("PORTAL_TEST_POSTGRES_URL is not set")
    async with tortoise_test_context(
        MODEL_MODULES, db_url=postgres_test_url(), connection_label="pg"
    ):
        await secrets.load_secret_key()
        yield


def fake_request(token: str | None = None, client: str = "203.0.113.7") -> Request:
    headers = [(b"authorization", f"Bearer {token}".encode())] if token else []
    return Request(
        {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "headers": headers,
            "client": (client, 40000),
            "query_string": b"",
        }
    )


@dataclass
class Result:
    data: dict[str, Any] | None
    errors: list[Any] | None

    def __getitem__(self, key: str) -> Any:
        assert self.errors is None, self.errors
        assert self.data is not None
        return self.data[key]


@dataclass
class Viewer:
    user: User
    token: str


async def gql(
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    as_: Viewer | None = None,
    client: str = "203.0.113.7",
) -> Result:
    """Run a customer API document as `as_` (or signed out), like an HTTP request would."""
    current_request_id.set(uuid.uuid4().hex[:16])  # as the RequestId middleware does
    context = Context(
        request=fake_request(as_.token if as_ else None, client),
        response=None,
        services=current_services(),
    )
    if as_ is not None:
        from resolvers.auth import authenticate

        found = await authenticate(current_services().clock, as_.token)
        if found is not None:
            context.session, context.user = found
    result = await schema.execute(query, variable_values=variables, context_value=context)
    return Result(data=result.data, errors=result.errors)


async def operator_gql(query: str, variables: dict[str, Any] | None = None) -> Result:
    context = Context(
        request=fake_request(), response=None, operator=True, services=current_services()
    )
    result = await operator_schema.execute(query, variable_values=variables, context_value=context)
    return Result(data=result.data, errors=result.errors)


async def make_user(
    email: str = "ada@example.com",
    first: str = "Ada",
    last: str = "Lovelace",
    confirmed: bool = True,
) -> User:
    now = current_services().clock.now()
    return await User.create(
        email=email,
        first_name=first,
        last_name=last,
        created_at=now,
        first_signed_in_at=now,
        email_confirmed_at=now if confirmed else None,
    )


async def sign_in(user: User) -> Viewer:
    return Viewer(user=user, token=(await start_session(current_services().clock, user)).token)


async def make_account(
    owner_email: str = "owner@example.com",
    company: str = "Acme GmbH",
    country: str = "DE",
    tax_id: str | None = None,
) -> BillingAccount:
    clock = current_services().clock
    account = await create_billing_account(
        clock,
        NewAccount(
            company_name=company,
            country=country,
            tax_id=tax_id,
            owner_email=owner_email,
            owner_first_name="Olga",
            owner_last_name="Owner",
        ),
    )
    owner = await User.get(email=owner_email)
    if owner.first_signed_in_at is None:
        owner.first_signed_in_at = owner.email_confirmed_at = clock.now()
        await owner.save()
    return account


async def owner_of(account: BillingAccount) -> Viewer:
    manager = await account.managers.filter(is_owner=True).first().prefetch_related("user")
    assert manager is not None
    return await sign_in(manager.user)


async def emails_to(address: str) -> list[OutboxEmail]:
    return await OutboxEmail.filter(to=address).order_by("id")


def link_token(email: OutboxEmail, path: str) -> str:
    """The token of the first `path?token=` link in an email's text."""
    import re

    match = re.search(re.escape(path) + r"\?token=([\w\-]+)", email.text_body)
    assert match, f"no {path} link in: {email.text_body}"
    return match.group(1)


# ---------------------------------------------------------------- a real HTTP server


@dataclass
class LiveServer:
    url: str
    mailbox: Path
    database_url: str
    services: Services

    def mails(self) -> list[Path]:
        """The `.eml` files written so far, oldest first."""
        if not self.mailbox.exists():
            return []
        return sorted(self.mailbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serve_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    database_url: str | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[LiveServer]:
    """`server.create_app` under uvicorn on a free port, in this event loop (lifespan on).
    PORTAL_PORT is that port; `env` adds or overrides settings."""
    import asyncio

    import uvicorn
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    import server

    database_url = database_url or f"sqlite://{tmp_path}/portal.sqlite3"
    mailbox = tmp_path / "mailbox"
    port = free_port()
    settings_env = {
        "PORTAL_PORT": str(port),
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_MAILBOX_DIR": str(mailbox),
        "PORTAL_OPERATOR_TOKEN": "op-token",
        "PORTAL_SECRET_KEY": "live-secret-key",
        "PORTAL_APP_URL": "http://app.test",
        "PORTAL_SIGN_IN_RESPONSE_FLOOR_MS": "0",
        **(env or {}),
    }
    for name, value in settings_env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    # Tortoise caches insert SQL per connection name: "default" may have been SQLite before.
    EXECUTOR_CACHE.clear()
    app = server.create_app(get_settings())
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    task = asyncio.create_task(uv.serve())
    try:
        while not uv.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.02)
        yield LiveServer(
            url=f"http://127.0.0.1:{port}",
            mailbox=mailbox,
            database_url=database_url,
            services=app.state.services,
        )
    finally:
        uv.should_exit = True
        await asyncio.wait_for(task, 15)
        EXECUTOR_CACHE.clear()


@pytest_asyncio.fixture
async def live_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[LiveServer]:
    """The whole service over real HTTP on SQLite: operator token `op-token`, mailbox folder."""
    async with serve_app(monkeypatch, tmp_path) as live:
        yield live
