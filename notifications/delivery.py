"""Where outbox emails go: an SMTP server, or `.eml` files in a mailbox folder."""

from __future__ import annotations

import asyncio
import base64
import logging
import re
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
    def __init__(self, url: str, timeout: float = 20) -> None:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.hostname = parts.hostname or "localhost"
        self.use_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.use_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.start_tls = query.get("starttls", ["false"])[0].lower() in {"1", "true", "yes"}
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            raise DeliveryError(str(exc), permanent=all(c >= 500 for c in codes)) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(f"{exc.code} {exc.message}", permanent=exc.code >= 500) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False) from exc


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
