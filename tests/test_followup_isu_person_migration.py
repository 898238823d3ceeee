"""The migration that gives every ISU row its person (follow-up's 0019).

ISU counts persons (004 Del 2): a re-application is a new case linked to the one
before, and the rows stored before the fix are given the first case of their
chain from the links the exit records keep, so a person's earlier cases count
as that one person from the first answer after the upgrade.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_followup.adapters.isu_tables import IsuCaseRow
from avhopp_followup.adapters.tables import ExitRecord
from avhopp_shared.db.engine import create_engine
from tests.fixtures.postgres import CreateDatabases
from tests.test_responsibility_migrations import _upgrade

_isu = IsuCaseRow.__table__  # type: ignore[attr-defined]
_exits = ExitRecord.__table__  # type: ignore[attr-defined]

#: case → the case it re-applies after: a chain of three, a first application, and a
#: re-application after a case this service never heard of.
LINKS: dict[str, str | None] = {
    "a": None,
    "b": "a",
    "c": "b",
    "d": None,
    "e": "unknown-here",
}
MIGRATED = [("a", None), ("b", "a"), ("c", "a"), ("d", None), ("e", "unknown-here")]


def _isu_row(case_id: str) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "municipality": "1280",
        "applied_on": date(2026, 11, 2),
        "outcome": "aborted",
        "relapsed": False,
    }


async def _migrated(engine: AsyncEngine) -> list[tuple[str, str | None]]:
    """Each stored row's (case, first case) once 0019 has run over :data:`LINKS`."""
    try:
        await _upgrade(engine, "followup", "0018")
        async with engine.begin() as connection:
            await connection.execute(
                insert(_exits),
                [
                    {"case_id": case, "status": "aborted", "earlier_case_id": earlier}
                    for case, earlier in LINKS.items()
                ],
            )
            await connection.execute(insert(_isu), [_isu_row(case) for case in LINKS])
        await _upgrade(engine, "followup", "0019")
        async with engine.connect() as connection:
            found = await connection.execute(
                select(_isu.c.case_id, _isu.c.first_case_id).order_by(_isu.c.case_id)
            )
            return [(row.case_id, row.first_case_id) for row in found]
    finally:
        await engine.dispose()


async def test_stored_isu_rows_are_given_the_first_case_of_their_chain_on_sqlite(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'isu.db'}")
    assert await _migrated(engine) == MIGRATED


@pytest.mark.postgres
async def test_stored_isu_rows_are_given_the_first_case_of_their_chain_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    engine = create_engine(create_pg_databases(["followup"])["followup"])
    assert await _migrated(engine) == MIGRATED
