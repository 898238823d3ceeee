"""Each service's Alembic migrations build exactly the schema its models describe."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import upgrade_to_head
from tests.fixtures.postgres import CreateDatabases

SERVICES = ["intake", "threat", "social", "followup"]


def _owned_tables(service: str) -> set[str]:
    # Importing the service's tables registers them in SQLModel's metadata.
    importlib.import_module(f"avhopp_{service}.adapters.tables")
    prefix = f"{service}_"
    return {name for name in SQLModel.metadata.tables if name.startswith(prefix)} | {
        "outbox",
        "inbox",
    }


def _differences(connection: Connection, tables: set[str]) -> list[object]:
    def owned(item: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
        table = getattr(item, "table", item)
        return getattr(table, "name", name) in tables

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": owned}
    )
    return list(compare_metadata(context, SQLModel.metadata))


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_the_models_on_sqlite(service: str, tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}")
    migrations = (
        Path(importlib.import_module(f"avhopp_{service}").__file__ or "").parent / "migrations"
    )
    try:
        await upgrade_to_head(engine, migrations)
        tables = _owned_tables(service)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences, tables) == []
    finally:
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_match_the_models_on_postgresql(
    service: str, create_pg_databases: CreateDatabases
) -> None:
    engine = create_engine(create_pg_databases([service])[service])
    migrations = (
        Path(importlib.import_module(f"avhopp_{service}").__file__ or "").parent / "migrations"
    )
    try:
        await upgrade_to_head(engine, migrations)
        await upgrade_to_head(engine, migrations)  # a second run is a no-op
        tables = _owned_tables(service)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences, tables) == []
    finally:
        await engine.dispose()
