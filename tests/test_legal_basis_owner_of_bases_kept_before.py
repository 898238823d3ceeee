"""Who recorded each legal basis kept before the event named it.

A legal basis opens only the records of the agency that recorded it, and one whose
recorder is not known opens nothing (policies/access/legal_basis.rego). Intake
audits every legal basis it records, in the transaction that records it, naming the
recorder's agency and organisation (``access_grants.record_legal_basis``): its
migration fills the recorder in from that entry. The other services kept only the
event, which did not name the recorder: theirs stay unknown.
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

#: The revision each service had before the recorder was kept.
BEFORE = {"intake": "0023", "threat": "0017", "social": "0027", "followup": "0022"}

_BASIS = text(
    "INSERT INTO access_legal_basis "
    "(legal_basis_id, case_id, reference, recipient, categories, valid_from, valid_to) "
    "VALUES (:id, 'c-1', '10 kap. 18 a § OSL', '{\"agency\": \"police\", \"organisation\": null}', "
    "'[\"case_ref\"]', '2026-11-20 10:00:00+00:00', NULL)"
)
_AUDITED = text(
    'INSERT INTO audit_log (recorded_at, channel, client_id, "user", agency, organisation, '
    "case_id, resource, purpose, disclosed, withheld, bases, decision_id, policy_revision, "
    "previous_hash, entry_hash, note) VALUES ('2026-11-20 10:00:00+00:00', :channel, "
    "'social-malmo', 'u-3', 'social', :organisation, 'c-1', :channel, '-', '[\"case_ref\"]', "
    "'{}', '{}', :id, '-', :previous, :hash, 'for police')"
)
_RECORDERS = text(
    "SELECT legal_basis_id, granted_by_agency, granted_by_organisation FROM access_legal_basis"
)


async def _upgrade(engine: AsyncEngine, service: str, revision: str) -> None:
    package = importlib.import_module(f"avhopp_{service}")
    config = alembic_config(Path(package.__file__ or "").parent / "migrations")

    def upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)


async def _recorders_after_upgrade(
    engine: AsyncEngine, service: str
) -> dict[str, tuple[str | None, str | None]]:
    await _upgrade(engine, service, BEFORE[service])
    async with engine.begin() as connection:
        for basis in ("basis-audited", "basis-unaudited"):
            await connection.execute(_BASIS, {"id": basis})
        if service == "intake":
            # The basis's own entry, and a break-glass entry that is no legal basis.
            entries = [
                ("legal_basis", "basis-audited", "1280"),
                ("break_glass", "basis-unaudited", "1281"),
            ]
            for index, (channel, basis, organisation) in enumerate(entries):
                await connection.execute(
                    _AUDITED,
                    {
                        "channel": channel,
                        "id": basis,
                        "organisation": organisation,
                        "previous": f"{index:064d}",
                        "hash": f"{index + 1:064d}",
                    },
                )
    await _upgrade(engine, service, "head")
    async with engine.connect() as connection:
        found = {
            row.legal_basis_id: (row.granted_by_agency, row.granted_by_organisation)
            for row in await connection.execute(_RECORDERS)
        }
    await engine.dispose()
    return found


def _url(database: str, service: str, tmp_path: Path, create: CreateDatabases) -> str:
    if database == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / f'{service}.db'}"
    return create([service])[service]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_intake_fills_in_who_recorded_each_legal_basis_from_its_audit_trail(
    database: str, tmp_path: Path, create_pg_databases: CreateDatabases
) -> None:
    url = _url(database, "intake", tmp_path, create_pg_databases)

    recorders = await _recorders_after_upgrade(create_engine(url), "intake")

    assert recorders == {
        "basis-audited": ("social", "1280"),
        # No legal-basis entry names it: who recorded it is not known, and it opens nothing.
        "basis-unaudited": (None, None),
    }


@pytest.mark.parametrize("service", ["threat", "social", "followup"])
async def test_the_other_services_keep_a_legal_basis_recorded_before_without_a_recorder(
    service: str, tmp_path: Path, create_pg_databases: CreateDatabases
) -> None:
    url = _url("sqlite", service, tmp_path, create_pg_databases)

    recorders = await _recorders_after_upgrade(create_engine(url), service)

    assert recorders == {"basis-audited": (None, None), "basis-unaudited": (None, None)}
