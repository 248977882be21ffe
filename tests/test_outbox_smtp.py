"""Email delivery from the outbox: real SMTP into an in-test aiosmtpd server, retries when the
server is down, permanent rejections, and the mailbox folder for a newcomer (R-NOT-4)."""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from core.settings import get_settings
from models.outbox import OutboxEmail, OutboxStatus
from models.users import User
from notifications.outbox import enqueue_email
from notifications.worker import worker_for
from resolvers.auth import request_sign_in_link
from resolvers.services import Services
from tests.conftest import current_services, free_port, link_token, make_user

pytestmark = pytest.mark.usefixtures("db")

REJECTED = "rejected@example.com"


class Collector:
    """An SMTP server's handler: keeps every accepted message; refuses REJECTED with 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: list[Any] = []  # the client connection each message came over

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address == REJECTED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        self.peers.append(session.peer)
        return "250 Message accepted"


def start_smtp(port: int) -> tuple[Controller, Collector]:
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


@pytest.fixture
def smtp_port(monkeypatch: pytest.MonkeyPatch) -> int:
    port = free_port()
    monkeypatch.setenv("PORTAL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("PORTAL_MAIL_FROM", "Portal <portal@vendor.example>")
    get_settings.cache_clear()
    return port


@pytest.fixture
def smtp_server(smtp_port: int) -> Iterator[Collector]:
    controller, handler = start_smtp(smtp_port)
    yield handler
    controller.stop()


async def signed_up(address: str = "ada@example.com") -> User:
    user = await make_user(address)
    await request_sign_in_link(current_services().clock, address, "203.0.113.7")
    return user


async def test_r_not_4_real_smtp_delivery_text_and_html(
    smtp_server: Collector, services: Services
) -> None:
    """Given a sign-in email in the outbox, the worker delivers it over SMTP with a text and an
    HTML part, both linking to PORTAL_APP_URL with the token; the row is marked sent."""
    await signed_up()
    row = await OutboxEmail.get(to="ada@example.com")
    token = link_token(row, "/sign-in")

    assert await worker_for(get_settings(), services.clock).run_once() == 1

    [message] = smtp_server.messages
    assert smtp_server.envelopes == [("portal@vendor.example", ["ada@example.com"])]
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Portal <portal@vendor.example>"
    assert str(message["Message-ID"]).strip() == row.message_id
    assert message["Subject"] == row.subject
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    link = f"http://app.test/sign-in?token={token}"
    assert link in text.get_content()
    assert link in html.get_content()
    assert "<html" in html.get_content().lower()

    sent = await OutboxEmail.get(id=row.id)
    assert sent.status is OutboxStatus.SENT
    assert sent.attempts == 1 and sent.sent_at is not None and sent.last_error is None
    assert await worker_for(get_settings(), services.clock).run_once() == 0  # sent once only


async def test_r_not_4_smtp_down_then_back(smtp_port: int, services: Services) -> None:
    """Given no SMTP server, the mail stays pending with attempts=1 and the error; it is not
    retried before its backoff; once the server is back and the backoff passed, it is sent."""
    await signed_up()
    worker = worker_for(get_settings(), services.clock)
    assert await worker.run_once() == 1
    row = await OutboxEmail.get(to="ada@example.com")
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 1
    assert row.last_error
    assert row.next_attempt_at > services.clock.now()
    assert await worker.run_once() == 0  # backing off

    controller, handler = start_smtp(smtp_port)
    try:
        services.clock.advance(timedelta(minutes=1))
        assert await worker.run_once() == 1
    finally:
        controller.stop()
    delivered = await OutboxEmail.get(id=row.id)
    assert delivered.status is OutboxStatus.SENT
    assert delivered.attempts == 2
    assert delivered.last_error is None
    assert [m["To"] for m in handler.messages] == ["ada@example.com"]


async def test_r_not_4_permanent_rejection_fails(
    smtp_server: Collector, services: Services
) -> None:
    """Given a 550 rejection, the mail is failed at once and never retried."""
    await signed_up(REJECTED)
    worker = worker_for(get_settings(), services.clock)
    assert await worker.run_once() == 1
    row = await OutboxEmail.get(to=REJECTED)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 1
    assert row.last_error is not None and "550" in row.last_error
    services.clock.advance(timedelta(days=1))
    assert await worker.run_once() == 0
    assert smtp_server.messages == []


async def test_r_not_4_mailbox_writes_eml_and_logs_link(
    caplog: pytest.LogCaptureFixture,
    services: Services,
) -> None:
    """Without PORTAL_SMTP_URL, the email is written as a .eml file in PORTAL_MAILBOX_DIR and its
    link is logged (at INFO, on a line of its own), so a newcomer can click it. The .eml's text
    is not quoted-printable: the link can be copied out of the raw file as it is."""
    await signed_up()
    row = await OutboxEmail.get(to="ada@example.com")
    token = link_token(row, "/sign-in")
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        assert await worker_for(get_settings(), services.clock).run_once() == 1

    [path] = list(get_settings().mailbox_dir.glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "ada@example.com"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert f"http://app.test/sign-in?token={token}" in body.get_content()
    assert message.get_body(preferencelist=("html",)) is not None
    assert f"http://app.test/sign-in?token={token}" in caplog.text
    [logged] = [r for r in caplog.records if r.name == "portal.mail"]
    assert logged.levelno == logging.INFO
    assert f"  link: http://app.test/sign-in?token={token}" in logged.getMessage().splitlines()
    assert f"/sign-in?token={token}\n".encode() in path.read_bytes().replace(b"\r\n", b"\n")
    assert b"=3D" not in path.read_bytes()
    assert (await OutboxEmail.get(id=row.id)).status is OutboxStatus.SENT


async def test_r_not_4_one_smtp_connection_carries_many_emails_and_each_is_sent_once(
    smtp_server: Collector,
    services: Services,
) -> None:
    """Given 30 queued emails, one of them refused (550), the worker delivers the others over a
    few reused SMTP connections (not one each), marks each sent exactly once, and the refused
    one failed; a second pass sends nothing."""
    addresses = [f"user{n}@example.com" for n in range(30)]
    addresses[7] = REJECTED
    for address in addresses:
        await enqueue_email(
            services.clock,
            address,
            "event",
            name="Ada",
            title="T",
            message="M",
            company="Acme",
            link="http://app.test/billing",
        )
    worker = worker_for(get_settings(), services.clock)

    assert await worker.run_once(batches=2) == 30  # two batches of 20, back to back

    received = sorted(str(m["To"]) for m in smtp_server.messages)
    assert received == sorted(a for a in addresses if a != REJECTED)
    assert len(set(smtp_server.peers)) <= worker.concurrency < len(received)
    sent = await OutboxEmail.filter(status=OutboxStatus.SENT)
    assert [row.attempts for row in sent] == [1] * 29
    assert (await OutboxEmail.get(to=REJECTED)).status is OutboxStatus.FAILED
    assert await worker.run_once() == 0
