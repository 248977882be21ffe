"""Email delivery survives the mail server being down, never sends twice, keeps permanent
failures visible (R-NOT-4). Real SMTP: an aiosmtpd server on a free loopback port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from core.settings import get_settings
from models.outbox import OutboxEmail, OutboxStatus
from notifications.delivery import DeliveryError, SmtpTransport
from notifications.outbox import enqueue_email
from notifications.worker import LEASE, OutboxWorker, worker_for
from resolvers.services import Services
from tests.conftest import current_services, operator_gql

ROOT = Path(__file__).resolve().parent.parent
OUTBOX = """
query Outbox($status: String) {
  emailOutbox(status: $status) { to subject status attempts lastError }
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailserver:
    """Accepts mail, or answers the next messages with a scripted failure."""

    def __init__(self) -> None:
        self.received: list[Message] = []
        self.fail_data: list[str] = []  # e.g. "451 4.3.0 try again later"
        self.refuse_rcpt: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_data:
            return self.fail_data.pop(0)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_port(monkeypatch: pytest.MonkeyPatch) -> int:
    port = free_port()
    monkeypatch.setenv("PORTAL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    get_settings.cache_clear()
    return port


@pytest.fixture
def mailserver(smtp_port: int) -> Iterator[Mailserver]:
    handler = Mailserver()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


async def queue(n: int = 1, to: str = "ada@example.com") -> list[OutboxEmail]:
    return [
        await enqueue_email(
            current_services().clock,
            to,
            "event",
            name="Ada",
            title=f"Mail {i}",
            message="Hi.",
            company="Acme",
            link="x",
        )
        for i in range(n)
    ]


async def status_of(row: OutboxEmail) -> OutboxEmail:
    return await OutboxEmail.get(id=row.id)


async def test_r_not_4_an_email_is_delivered_over_smtp_with_text_and_html(
    db: None, mailserver: Mailserver, services: Services
) -> None:
    (row,) = await queue()
    assert await worker_for(get_settings(), services.clock).run_once() == 1
    assert len(mailserver.received) == 1
    message = mailserver.received[0]
    assert message["Subject"] == "Mail 0 - Acme"
    assert str(message["Message-ID"]).strip() == row.message_id
    types = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in types and "text/html" in types
    sent = await status_of(row)
    assert sent.status is OutboxStatus.SENT and sent.attempts == 1 and sent.sent_at is not None


async def test_r_not_4_a_transient_failure_is_retried_with_exponential_backoff(
    db: None, mailserver: Mailserver, services: Services
) -> None:
    """Given a 451 twice, the email waits 30 s, then 60 s, then is delivered once."""
    (row,) = await queue()
    mailserver.fail_data = ["451 4.3.0 try again later", "451 4.3.0 try again later"]
    worker = worker_for(get_settings(), services.clock)
    await worker.run_once()
    first = await status_of(row)
    assert first.status is OutboxStatus.PENDING and first.attempts == 1
    assert "451" in (first.last_error or "")
    wait = first.next_attempt_at - services.clock.now()
    assert timedelta(seconds=29) < wait <= timedelta(seconds=34)
    assert await worker.run_once() == 0  # not due yet
    services.clock.advance(timedelta(seconds=34))
    await worker.run_once()
    second = await status_of(row)
    assert second.attempts == 2
    assert (
        timedelta(seconds=59)
        < second.next_attempt_at - services.clock.now()
        <= timedelta(seconds=67)
    )
    services.clock.advance(timedelta(seconds=67))
    await worker.run_once()
    assert (await status_of(row)).status is OutboxStatus.SENT
    assert len(mailserver.received) == 1


async def test_r_not_4_a_permanent_failure_is_kept_and_visible_to_the_operator(
    db: None, mailserver: Mailserver, services: Services
) -> None:
    (row,) = await queue(to="gone@example.com")
    mailserver.refuse_rcpt = {"gone@example.com"}
    await worker_for(get_settings(), services.clock).run_once()
    failed = await status_of(row)
    assert failed.status is OutboxStatus.FAILED
    services.clock.advance(timedelta(days=1))
    assert await worker_for(get_settings(), services.clock).run_once() == 0  # never retried
    listed = (await operator_gql(OUTBOX, {"status": "failed"}))["emailOutbox"]
    assert [(e["to"], e["status"], e["attempts"]) for e in listed] == [
        ("gone@example.com", "failed", 1)
    ]
    assert "550" in listed[0]["lastError"]


async def test_r_not_4_smtp_down_keeps_mail_pending_until_it_is_back(
    db: None, smtp_port: int, services: Services
) -> None:
    """Given no server listening, the email stays pending; once one listens, it is delivered."""
    (row,) = await queue()
    worker = worker_for(get_settings(), services.clock)
    await worker.run_once()
    waiting = await status_of(row)
    assert waiting.status is OutboxStatus.PENDING and waiting.attempts == 1
    handler = Mailserver()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        services.clock.advance(timedelta(minutes=1))
        await worker.run_once()
    finally:
        controller.stop()
    assert (await status_of(row)).status is OutboxStatus.SENT
    assert [str(m["Message-ID"]).strip() for m in handler.received] == [row.message_id]


class Recording:
    """A transport that records what it sent, slowly enough for workers to interleave."""

    def __init__(self, delay: float = 0.002) -> None:
        self.sent: list[str] = []
        self.delay = delay

    async def send(self, message: EmailMessage) -> None:
        await asyncio.sleep(self.delay)
        self.sent.append(str(message["Message-ID"]))


async def test_r_not_4_a_crashed_workers_lease_expires_and_another_sends_once(
    db: None, services: Services
) -> None:
    """Given a worker that claimed and crashed before sending, no one sends until the lease
    expires; then another worker sends it exactly once, and the late worker sends nothing."""
    (row,) = await queue()
    transport = Recording()
    crashed, other = (
        OutboxWorker(transport, "portal@example.com", services.clock),
        OutboxWorker(transport, "portal@example.com", services.clock),
    )
    claimed = await crashed.claim()
    assert [r.id for r in claimed] == [row.id]
    assert await other.run_once() == 0
    services.clock.advance(LEASE + timedelta(seconds=1))
    assert await other.run_once() == 1
    await crashed.deliver(claimed[0])  # it wakes up late: its lease is gone
    assert transport.sent == [row.message_id]


async def test_r_not_4_only_a_crash_between_send_and_mark_resends_with_the_same_message_id(
    db: None,
    services: Services,
) -> None:
    class CrashAfterSend(Recording):
        async def send(self, message: EmailMessage) -> None:
            await super().send(message)
            raise asyncio.CancelledError  # the process dies before marking it sent

    (row,) = await queue()
    crashing = CrashAfterSend()
    with pytest.raises(asyncio.CancelledError):
        await OutboxWorker(crashing, "portal@example.com", services.clock).run_once()
    transport = Recording()
    worker = OutboxWorker(transport, "portal@example.com", services.clock)
    assert await worker.run_once() == 0
    services.clock.advance(LEASE + timedelta(seconds=1))
    assert await worker.run_once() == 1
    assert crashing.sent == transport.sent == [row.message_id]  # mail clients fold the two


@pytest.mark.postgres
async def test_r_not_4_three_concurrent_workers_never_send_one_message_twice(
    pg_db: None,
    services: Services,
) -> None:
    """Given 60 queued emails and three workers claiming concurrently on PostgreSQL, each email
    is sent exactly once."""
    rows = await queue(60)
    transport = Recording()
    workers = [
        OutboxWorker(transport, "portal@example.com", services.clock, batch_size=7)
        for _ in range(3)
    ]

    async def drain(worker: OutboxWorker) -> None:
        while await worker.run_once():
            pass

    await asyncio.gather(*(drain(w) for w in workers))
    assert Counter(transport.sent) == Counter({r.message_id: 1 for r in rows})
    assert await OutboxEmail.filter(status=OutboxStatus.SENT).count() == 60


def test_r_not_4_no_server_listening_is_a_transient_error() -> None:
    transport = SmtpTransport(f"smtp://127.0.0.1:{free_port()}", timeout=2)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "x"
    with pytest.raises(DeliveryError) as refused:
        asyncio.run(transport.send(message))
    assert refused.value.permanent is False


def test_r_not_4_the_worker_process_starts_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_DATABASE_URL": f"sqlite://{tmp_path}/portal.sqlite3",
        "PORTAL_MAILBOX_DIR": str(tmp_path / "mailbox"),
        "PORTAL_SECRET_KEY": "test-secret-key",
    }
    with subprocess.Popen(
        [sys.executable, "-m", "notifications.worker"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stderr is not None
            deadline = time.monotonic() + 30
            lines = []
            while time.monotonic() < deadline:
                line = process.stderr.readline()
                lines.append(line)
                if "Outbox worker started" in line or not line:
                    break
            assert "Outbox worker started" in "".join(lines), "".join(lines)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            assert "Outbox worker stopped" in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
