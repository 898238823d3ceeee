"""The threat service's migration 0016: team members police may not know of are dropped.

Team changes naming a provider, probation or SiS member no longer reach police's copy
(``copy_rules.TEAM_CELLS``), so such a member recorded before would never be taken
off there: the migration drops them and bumps their cases' access state versions.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import alembic_config
from tests.fixtures.postgres import CreateDatabases

_MEMBER = text(
    'INSERT INTO access_team_member (case_id, agency, organisation, "user", added_at) '
    "VALUES (:case, :agency, :organisation, 'u-1', '2026-11-20 10:00:00+00:00')"
)


async def _upgrade(engine: AsyncEngine, revision: str) -> None:
    package = importlib.import_module("avhopp_threat")
    config = alembic_config(Path(package.__file__ or "").parent / "migrations")

    def upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)


async def _members_after_upgrade(
    engine: AsyncEngine,
) -> tuple[set[tuple[str, str]], dict[str, int]]:
    await _upgrade(engine, "0015")
    async with engine.begin() as connection:
        for case, agency, organisation in (
            ("c-1", "police", "polisen-region-syd"),
            ("c-1", "social", "1280"),
            ("c-2", "provider", "skyddat-boende-ab"),
            ("c-2", "probation", "frivarden-malmo"),
        ):
            await connection.execute(
                _MEMBER, {"case": case, "agency": agency, "organisation": organisation}
            )
        await connection.execute(
            text(
                "INSERT INTO access_state_version (case_id, version) VALUES ('c-1', 3), ('c-2', 5)"
            )
        )
    await _upgrade(engine, "head")
    async with engine.connect() as connection:
        members = {
            (row.case_id, row.agency)
            for row in await connection.execute(
                text("SELECT case_id, agency FROM access_team_member")
            )
        }
        versions = {
            row.case_id: row.version
            for row in await connection.execute(
                text("SELECT case_id, version FROM access_state_version")
            )
        }
    await engine.dispose()
    return members, versions


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_the_upgrade_drops_the_providers_and_probation_officers_police_kept_on_a_team(
    database: str, tmp_path: Path, create_pg_databases: CreateDatabases
) -> None:
    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'threat.db'}"
        if database == "sqlite"
        else create_pg_databases(["threat"])["threat"]
    )

    members, versions = await _members_after_upgrade(create_engine(url))

    assert members == {("c-1", "police"), ("c-1", "social")}
    # Only the case whose team changed is read again.
    assert versions == {"c-1": 3, "c-2": 6}
