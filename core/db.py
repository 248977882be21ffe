"""The database: Tortoise configuration, migrations, and the one start-up routine
(`open_database`) that the server, the outbox worker, the renewal run, demo data and the
benchmarks share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api.migrate import migrate

from core.secrets import load_secret_key
from core.settings import Settings, get_settings
from models import MODEL_MODULES


def tortoise_config(db_url: str, connection: str = "default") -> dict[str, Any]:
    return {
        "connections": {connection: _connection_config(db_url)},
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


def _connection_config(db_url: str) -> str | dict[str, Any]:
    """PostgreSQL through `core.pg` (one connection per request, no reset per statement)."""
    if not db_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return db_url
    config: dict[str, Any] = expand_db_url(db_url)
    config["engine"] = "core.pg"
    return config


def is_postgres(db_url: str) -> bool:
    return db_url.startswith(("postgres://", "postgresql://", "asyncpg://", "psycopg://"))


MIGRATION_LOCK = 7_411_2026  # any constant shared by every process of this service


async def apply_migrations(db_url: str) -> None:
    """Bring the schema up to date; run before the app's own ORM context starts.

    Several processes may start at once (replicas, the worker): on PostgreSQL they take turns
    under an advisory lock, so each later one finds nothing left to apply.
    """
    if not is_postgres(db_url):
        await _migrate(db_url)
        return
    conn = await asyncpg.connect(_asyncpg_dsn(db_url))
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        await _migrate(db_url)
    finally:
        await conn.close()  # closing the session releases the lock


async def _migrate(db_url: str) -> None:
    try:
        await migrate(config=tortoise_config(db_url))
    finally:
        await Tortoise.close_connections()


@asynccontextmanager
async def open_database(settings: Settings, *, migrate: bool = True) -> AsyncIterator[None]:
    """Bring the schema up to date, connect for every task of this process (Tortoise 1.x keeps
    its state per task unless told to fall back to a global one), and load the secret key."""
    if migrate:
        await apply_migrations(settings.database_url)
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)
    try:
        await load_secret_key()
        yield
    finally:
        await Tortoise.close_connections()


def _asyncpg_dsn(db_url: str) -> str:
    _, rest = db_url.split("://", 1)
    return f"postgresql://{rest}"


TORTOISE_ORM = tortoise_config(get_settings().database_url)
