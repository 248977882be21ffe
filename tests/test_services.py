"""The process's services are built once at start-up and handed down through the request
context, never built on the spot nor kept in module globals (issue 9)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from schema.context import Context
from tests.conftest import serve_app


def test_a_context_cannot_be_built_without_the_process_services() -> None:
    """issue 9: a context that forgot its services is an error, not a second set of services
    (a second sandbox gateway) built on the spot."""
    services = next(f for f in dataclasses.fields(Context) if f.name == "services")
    assert services.default is dataclasses.MISSING
    assert services.default_factory is dataclasses.MISSING


async def test_the_server_starts_its_hub_into_its_services_and_takes_it_out_at_shutdown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """issue 9: the broadcast hub is the server's, reached through its services (no module
    global): started with the server, gone with it."""
    async with serve_app(monkeypatch, tmp_path) as server:
        hub = server.services.live.hub
        assert hub is not None and await hub.ping()
    assert server.services.live.hub is None
    assert not await hub.ping()
