"""The committed migrations build exactly the models' schema, on SQLite and PostgreSQL.

Tests build their databases from the models; the service builds it from `migrations/`. These
tests catch the two drifting apart: a model changed without a new migration, or a migration
that silently lost a column (Tortoise's SQLite editor can drop FK columns when the model graph
has a cycle). If they fail after a model change: `tortoise makemigrations` (see README).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.models import Model

from core.db import apply_migrations, tortoise_config
from tests.conftest import POSTGRES_URL

REGENERATE = "models and migrations differ: regenerate with `tortoise makemigrations`"


def expected_columns() -> dict[str, set[str]]:
    """Every model's table and the columns its fields need."""
    from tortoise import Tortoise

    from models import MODEL_MODULES

    Tortoise.init_models(MODEL_MODULES, "models", _init_relations=True)
    models: list[type[Model]] = list(Tortoise.apps["models"].values())
    return {m._meta.db_table: set(m._meta.fields_db_projection.values()) for m in models}


def missing_columns(actual: dict[str, set[str]]) -> dict[str, set[str]]:
    missing = {}
    for table, columns in expected_columns().items():
        gap = columns - actual.get(table, set())
        if gap:
            missing[table] = gap
    return missing


def sqlite_columns(path: Path) -> dict[str, set[str]]:
    with sqlite3.connect(path) as conn:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            table: {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            for table in tables
        }


@pytest.fixture
def clean_executor_cache() -> Iterator[None]:
    EXECUTOR_CACHE.clear()
    yield
    EXECUTOR_CACHE.clear()


@pytest.mark.usefixtures("clean_executor_cache")
async def test_migrations_create_every_model_column_on_sqlite(tmp_path: Path) -> None:
    """Given a fresh SQLite file, the committed migrations create every model's columns."""
    db = tmp_path / "migrated.sqlite3"
    await apply_migrations(f"sqlite://{db}")
    missing = missing_columns(sqlite_columns(db))
    assert missing == {}, f"{REGENERATE}; missing: {missing}"


@pytest.mark.postgres
@pytest.mark.usefixtures("clean_executor_cache")
async def test_migrations_create_every_model_column_on_postgres() -> None:
    """Given a fresh PostgreSQL database, the committed migrations create every model's columns."""
    import asyncpg

    assert POSTGRES_URL
    name = f"portal_migrations_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
        await apply_migrations(url)
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public'"
            )
        finally:
            await conn.close()
        actual: dict[str, set[str]] = {}
        for row in rows:
            actual.setdefault(row["table_name"], set()).add(row["column_name"])
        missing = missing_columns(actual)
        assert missing == {}, f"{REGENERATE}; missing: {missing}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.mark.usefixtures("clean_executor_cache")
async def test_makemigrations_detects_no_changes(tmp_path: Path) -> None:
    """`tortoise makemigrations` would write nothing: the migrations match the models."""
    config = tortoise_config(f"sqlite://{tmp_path}/autodetect.sqlite3")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        autodetector = MigrationAutodetector(ctx.apps, config["apps"])
        writers = await autodetector.changes()
        pending = [op.describe() for writer in writers for op in writer.operations]
    assert pending == [], f"{REGENERATE}; pending operations: {pending}"
