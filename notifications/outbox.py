"""Emails are written to the outbox in the caller's transaction and delivered later (R-NOT-4)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.clock import Clock
from core.settings import get_settings
from models.outbox import OutboxEmail, OutboxStatus

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "content": base64.b64encode(self.content).decode(),
        }


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(template: str, **context: Any) -> RenderedEmail:
    """Render `<template>.subject.txt`, `<template>.txt` and `<template>.html`."""
    context.setdefault("app_url", get_settings().app_base_url)
    context.setdefault("grace_days", get_settings().email_confirmation_grace_days)
    subject = _env.get_template(f"{template}.subject.txt").render(**context).strip()
    text = _env.get_template(f"{template}.txt").render(**context)
    html = _env.get_template(f"{template}.html").render(**context)
    return RenderedEmail(subject=subject, text=text, html=html)


def app_link(path: str, token: str | None = None) -> str:
    base = get_settings().app_base_url
    return f"{base}{path}" + (f"?token={token}" if token else "")


async def enqueue_email(
    clock: Clock,
    to: str,
    template: str,
    *,
    attachments: tuple[Attachment, ...] = (),
    **context: Any,
) -> OutboxEmail:
    email = render(template, **context)
    now = clock.now()
    domain = get_settings().mail_from.rsplit("@", 1)[-1].strip(">") or "localhost"
    return await OutboxEmail.create(
        to=to,
        subject=email.subject,
        text_body=email.text,
        html_body=email.html,
        attachments=[a.to_json() for a in attachments],
        next_attempt_at=now,
        message_id=make_msgid(idstring=secrets.token_hex(8), domain=domain),
        created_at=now,
    )


async def recent_emails(status: OutboxStatus | None, limit: int = 200) -> list[OutboxEmail]:
    """The newest deliveries, for the operator (R-NOT-4: permanent failures stay visible)."""
    query = OutboxEmail.all().order_by("-id").limit(limit)
    return await (query.filter(status=status) if status is not None else query)
