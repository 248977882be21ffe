"""Logs for operators (routes/access.py, core/logs.py, schema/errors.py): one access line per
request with its operation and request id, levels that mean something, JSON or text.

R-ERR-1 (unexpected errors are logged with the request id, once).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx
import pytest

import resolvers.auth
from core.logs import JsonFormatter, RequestIdFilter, TextFormatter
from documents.invoice_pdf import render_invoice_pdf
from tests.conftest import LiveServer
from tests.test_invoice_pdf import REVERSE_CHARGE_INVOICE

ME = "query Me { me { email } }"
TYPO = "query Typo { mee { email } }"
REQUEST_LINK = 'mutation Ask { requestSignInLink(email: "x@example.com") { userErrors { code } } }'

TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?P<level>[A-Z]+) +portal\.access \[(?P<rid>[^\]]+)\] "
    r"(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>[\d.]+)ms op=(?P<op>\S+)$"
)


def access_records(caplog: pytest.LogCaptureFixture, path: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "portal.access" and r.path == path]  # type: ignore[attr-defined]


def as_json(record: logging.LogRecord) -> dict[str, Any]:
    return dict(json.loads(JsonFormatter().format(record)))


def as_text(record: logging.LogRecord) -> str:
    RequestIdFilter().filter(record)
    return TextFormatter().format(record)


async def test_one_access_line_per_request_with_operation_status_duration_and_request_id(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Given a request with a well-formed X-Request-ID, when it is served, then exactly one
    access line names method, path, operation, status, duration and that request id."""
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post(
            "/graphql", json={"query": ME}, headers={"X-Request-ID": "trace-42.a_b"}
        )
    assert response.headers["x-request-id"] == "trace-42.a_b"
    [record] = access_records(caplog, "/graphql")
    line = as_json(record)
    assert line["logger"] == "portal.access"
    assert line["level"] == "INFO"
    assert line["method"] == "POST"
    assert line["path"] == "/graphql"
    assert line["operation"] == "Me"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == "trace-42.a_b"
    parsed = TEXT_LINE.match(as_text(record))
    assert parsed, as_text(record)
    assert parsed.group("rid", "method", "path", "status", "op") == (
        "trace-42.a_b",
        "POST",
        "/graphql",
        "200",
        "Me",
    )


async def test_malformed_request_id_is_replaced_and_routes_are_logged_too(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.get(
            "/invoices/nope.pdf", headers={"X-Request-ID": "no spaces allowed"}
        )
    assert response.status_code == 401
    fresh = response.headers["x-request-id"]
    assert fresh != "no spaces allowed" and re.fullmatch(r"[0-9a-f]{16}", fresh)
    [record] = access_records(caplog, "/invoices/nope.pdf")
    line = as_json(record)
    assert (line["method"], line["status"], line["operation"], line["request_id"]) == (
        "GET",
        401,
        "-",
        fresh,
    )


async def test_client_mistakes_are_info_and_never_error(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A typo in a query is the client's mistake: INFO, no traceback."""
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post("/graphql", json={"query": TYPO})
    assert "mee" in response.json()["errors"][0]["message"]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    [logged] = [r for r in caplog.records if r.name == "portal.graphql"]
    assert logged.levelno == logging.INFO
    assert logged.exc_info is None
    assert as_json(access_records(caplog, "/graphql")[0])["operation"] == "Typo"


async def test_r_err_1_unexpected_error_logged_once_with_one_traceback(
    live_server: LiveServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-ERR-1: an unexpected error is masked for the client and logged exactly once, at
    ERROR, with its traceback and the request id the response names."""

    async def broken(*args: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(resolvers.auth, "request_sign_in_link", broken)
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        response = await client.post("/graphql", json={"query": REQUEST_LINK})
    [error] = response.json()["errors"]
    assert error["message"] == "Unexpected error."
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    line = as_json(errors[0])
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["exception"].count("Traceback (most recent call last)") == 1
    assert "RuntimeError: database on fire" in line["exception"]
    assert not any(r.name.startswith("strawberry") for r in caplog.records)


def test_pdf_rendering_is_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """fontTools' font subsetting logged ~112 INFO lines per PDF; none now."""
    caplog.set_level(logging.DEBUG)
    render_invoice_pdf(REVERSE_CHARGE_INVOICE)
    assert [r.name for r in caplog.records if r.levelno >= logging.INFO] == []
