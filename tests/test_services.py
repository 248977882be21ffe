"""The process's services are built once at start-up and handed down through the request
context, never built on the spot nor kept in module globals (issue 9)."""

from __future__ import annotations

import dataclasses

from schema.context import Context


def test_a_context_cannot_be_built_without_the_process_services() -> None:
    """issue 9: a context that forgot its services is an error, not a second set of services
    (a second sandbox gateway) built on the spot."""
    services = next(f for f in dataclasses.fields(Context) if f.name == "services")
    assert services.default is dataclasses.MISSING
    assert services.default_factory is dataclasses.MISSING
