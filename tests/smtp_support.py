"""The whole service over HTTP with its in-process worker delivering to a real SMTP server
(aiosmtpd on a free loopback port): for rules whose proof is an email someone receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller

from tests.conftest import LiveServer, free_port, serve_app

OPERATOR = {"Authorization": "Bearer op-token"}


@dataclass
class Inbox:
    """Every message the SMTP server accepted, with its envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]

    async def wait_for(
        self, address: str, subject_part: str, count: int = 1, text_part: str = ""
    ) -> EmailMessage:
        """The `count`-th message to `address` whose subject contains `subject_part` (and whose
        text contains `text_part`: emails sent concurrently may arrive in any order)."""
        for _ in range(400):
            found = [
                m
                for m in self.to(address)
                if subject_part in str(m["Subject"]) and text_part in text_of(m)
            ]
            if len(found) >= count:
                return found[count - 1]
            await asyncio.sleep(0.05)  # waits for the outbox worker, not for time to pass
        subjects = [(r, str(m["Subject"])) for r, m in self.messages]
        raise AssertionError(f"no {subject_part!r} email to {address}: {subjects}")


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())


@dataclass
class MailedServer:
    live: LiveServer
    inbox: Inbox
    client: httpx.AsyncClient

    async def customer(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def operator(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.client.post(
            "/operator/graphql",
            json={"query": query, "variables": variables or {}},
            headers=OPERATOR,
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


@pytest_asyncio.fixture
async def mailed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[MailedServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("PORTAL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "http://api.test")
    try:
        async with serve_app(monkeypatch, tmp_path) as live:
            async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
                yield MailedServer(live, inbox, client)
    finally:
        controller.stop()
