"""The secret key that signs cursors: from PORTAL_SECRET_KEY, else generated once and stored."""

from __future__ import annotations

import secrets

from core.settings import get_settings
from models.system import SystemValue

_cached: str | None = None


async def load_secret_key() -> str:
    global _cached
    configured = get_settings().secret_key
    if configured is not None:
        _cached = configured.get_secret_value()
        return _cached
    row, _ = await SystemValue.get_or_create(
        key="secret_key", defaults={"value": secrets.token_urlsafe(48)}
    )
    _cached = row.value
    return _cached


def secret_key() -> str:
    if _cached is None:
        raise RuntimeError("load_secret_key() runs at start-up, before any request")
    return _cached


def reset() -> None:
    global _cached
    _cached = None
