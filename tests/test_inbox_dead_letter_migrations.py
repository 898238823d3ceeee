"""Every service's migrations build the dead-letter table its inbox consumer writes to."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.messaging.tables import DeadLetter
from tests.fixtures.postgres import CreateDatabases

SERVICES = ["intake", "threat", "social", "followup"]
TABLE = DeadLetter.__tablename__


def _migrations(service: str) -> Path:
    package = importlib.import_module(f"avhopp_{service}")
    return Path(package.__file__ or "").parent / "migrations"


def _differences(connection: Connection) -> list[object]:
    def only_dead_letters(
        item: object, name: str | None, kind: str, reflected: bool, other: object
    ) -> bool:
        table = getattr(item, "table", item)
        return getattr(table, "name", name) == TABLE

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": only_dead_letters}
    )
    return list(compare_metadata(context, SQLModel.metadata))


async def _migrated_table_matches_the_model(engine: AsyncEngine, service: str) -> None:
    try:
        await upgrade_to_head(engine, _migrations(service))
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            tables = await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync))
        assert TABLE in tables
    finally:
        await engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
async def test_the_dead_letter_table_a_service_migrates_to_on_sqlite_matches_its_model(
    service: str, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}")
    await _migrated_table_matches_the_model(engine, service)


@pytest.mark.postgres
@pytest.mark.parametrize("service", SERVICES)
async def test_the_dead_letter_table_a_service_migrates_to_on_postgresql_matches_its_model(
    service: str, create_pg_databases: CreateDatabases
) -> None:
    engine = create_engine(create_pg_databases([service])[service])
    await _migrated_table_matches_the_model(engine, service)
