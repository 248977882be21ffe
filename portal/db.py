"""Tortoise configuration and migrations on start."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate

from models import MODEL_MODULES
from portal.settings import get_settings


def tortoise_config(db_url: str, connection: str = "default") -> dict[str, Any]:
    return {
        "connections": {connection: db_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": connection,
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def is_postgres(db_url: str) -> bool:
    return db_url.startswith(("postgres://", "postgresql://", "asyncpg://", "psycopg://"))


async def apply_migrations(db_url: str) -> None:
    """Bring the schema up to date; run before the app's own ORM context starts."""
    try:
        await migrate(config=tortoise_config(db_url))
    finally:
        await Tortoise.close_connections()


TORTOISE_ORM = tortoise_config(get_settings().database_url)
