"""Where outbox emails go: an SMTP server, or `.eml` files in a mailbox folder."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from core.settings import Settings
from models.outbox import OutboxEmail

log = logging.getLogger("portal.mail")
LINK = re.compile(r"https?://\S+token=\S+")


class DeliveryError(Exception):
    """A failed delivery; `permanent` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


def readable_cte(text: str) -> str | None:
    """8bit when the text allows it, so links and tokens read as they are in a `.eml` file
    (quoted-printable would break them with `=3D` and soft line breaks). A server without
    8BITMIME gets the message re-encoded by aiosmtplib. None: Python's own choice."""
    return "8bit" if max(map(len, text.splitlines() or [""])) <= 998 else None


def build_message(row: OutboxEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message.set_content(row.text_body, cte=readable_cte(row.text_body))
    message.add_alternative(row.html_body, subtype="html", cte=readable_cte(row.html_body))
    for item in row.attachments:
        maintype, subtype = item["content_type"].split("/", 1)
        message.add_attachment(
            base64.b64decode(item["content"]),
            maintype=maintype,
            subtype=subtype,
            filename=item["filename"],
        )
    return message


class SmtpTransport:
    """Sends over SMTP, reusing connections for many messages as real senders do.

    Idle connections wait in a pool (at most `pool_size`) and are used again while younger
    than `max_idle` seconds and for at most `max_messages` messages; a connection that saw
    any error is closed, never reused. A failure on a reused connection is reported like any
    other transient failure: the worker retries later (the message was not accepted).
    """

    def __init__(
        self,
        url: str,
        timeout: float = 20,
        *,
        pool_size: int = 8,
        max_idle: float = 10.0,
        max_messages: int = 100,
    ) -> None:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.hostname = parts.hostname or "localhost"
        self.use_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.use_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.start_tls = query.get("starttls", ["false"])[0].lower() in {"1", "true", "yes"}
        self.timeout = timeout
        self.pool_size = pool_size
        self.max_idle = max_idle
        self.max_messages = max_messages
        self._idle: list[_Connection] = []
        self._closing: set[asyncio.Task[None]] = set()

    async def send(self, message: EmailMessage) -> None:
        connection: _Connection | None = None
        try:
            connection = await self._connection()
            await connection.smtp.send_message(message)
        except BaseException as exc:
            if connection is not None:
                connection.smtp.close()  # whatever went wrong, this connection is done
            error = _delivery_error(exc)
            if error is None:
                raise
            raise error from exc
        self._release(connection)

    async def close(self) -> None:
        """Say goodbye on every idle connection (the worker is stopping)."""
        idle, self._idle = self._idle, []
        for connection in idle:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                await connection.smtp.quit()
            connection.smtp.close()

    async def _connection(self) -> _Connection:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if connection.smtp.is_connected and now - connection.idle_since < self.max_idle:
                return connection
            connection.smtp.close()
        smtp = aiosmtplib.SMTP(
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=self.timeout,
        )
        connection = _Connection(smtp)
        try:
            await smtp.connect()
        except BaseException:
            smtp.close()
            raise
        return connection

    def _release(self, connection: _Connection) -> None:
        connection.messages += 1
        if (
            connection.messages >= self.max_messages
            or len(self._idle) >= self.pool_size
            or not connection.smtp.is_connected
        ):
            task = asyncio.create_task(_quit(connection.smtp))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
            return
        connection.idle_since = time.monotonic()
        self._idle.append(connection)


class _Connection:
    def __init__(self, smtp: aiosmtplib.SMTP) -> None:
        self.smtp = smtp
        self.messages = 0
        self.idle_since = time.monotonic()


def _delivery_error(exc: BaseException) -> DeliveryError | None:
    """What a failure means for the email; None for what is not a delivery failure."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        return DeliveryError(str(exc), permanent=all(c >= 500 for c in codes))
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(f"{exc.code} {exc.message}", permanent=exc.code >= 500)
    if isinstance(exc, aiosmtplib.SMTPException | OSError | TimeoutError):
        return DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False)
    return None


async def _quit(smtp: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
        await smtp.quit()
    smtp.close()


class MailboxTransport:
    """Writes each email as an `.eml` file and logs its links, for a newcomer's first run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        msgid = str(message["Message-ID"]).strip("<>").replace("/", "_")
        path = self.folder / f"{msgid}.eml"
        path.write_bytes(message.as_bytes())
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        links = LINK.findall(text)
        log.info(
            'Email to %s: "%s" written to %s%s',
            message["To"],
            message["Subject"],
            path,
            "".join(f"\n  link: {link}" for link in links),
        )


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url is not None:
        return SmtpTransport(settings.smtp_url.get_secret_value())
    return MailboxTransport(settings.mailbox_dir)
