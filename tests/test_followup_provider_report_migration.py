"""The migration that makes a provider's report of a week unique (follow-up's 0016).

Before it, a retried report was stored again; the repeats already stored go, the
first one sent staying. Differing reports of one week are the provider's records,
which the migration does not choose between: it stops instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_followup.adapters.tables import ProviderReportRecord
from avhopp_shared.db.engine import create_engine
from tests.fixtures.postgres import CreateDatabases
from tests.test_responsibility_migrations import _upgrade

WEEK = date(2026, 11, 16)
SENT = datetime(2026, 11, 20, 16, tzinfo=UTC)
_reports = ProviderReportRecord.__table__  # type: ignore[attr-defined]


def _report(report_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "case_id": "c-1",
        "provider_organisation": "skyddat-boende-ab",
        "week_starting": WEEK,
        "schedule": "Mon-Fri work training",
        "contacts": [{"kind": "meeting", "on": "2026-11-16", "minutes": 45}],
        "activities": ["work training"],
        "treatment_sessions": [],
        "incidents": [],
        "absences": [],
        "reported_by": "skyddat-boende-ab",
        "reported_at": SENT,
    } | overrides


async def _migrated(engine: AsyncEngine, rows: list[dict[str, Any]]) -> list[str]:
    """The reports' ids left once 0016 has run over ``rows``."""
    try:
        await _upgrade(engine, "followup", "0015")
        async with engine.begin() as connection:
            await connection.execute(insert(_reports), rows)
        await _upgrade(engine, "followup", "0016")
        async with engine.connect() as connection:
            found = await connection.execute(
                select(_reports.c.report_id).order_by(_reports.c.report_id)
            )
            return list(found.scalars())
    finally:
        await engine.dispose()


RETRIED = [
    _report("r-2", reported_at=SENT + timedelta(minutes=1)),  # the retry
    _report("r-1"),  # sent first
    _report("r-3", week_starting=WEEK + timedelta(days=7)),
    _report("r-4", provider_organisation="kontaktpersoner-ab"),
]


async def test_repeats_already_stored_go_and_the_first_one_sent_stays_on_sqlite(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'reports.db'}")
    assert await _migrated(engine, RETRIED) == ["r-1", "r-3", "r-4"]


@pytest.mark.postgres
async def test_repeats_already_stored_go_and_the_first_one_sent_stays_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    engine = create_engine(create_pg_databases(["followup"])["followup"])
    assert await _migrated(engine, RETRIED) == ["r-1", "r-3", "r-4"]


async def test_differing_reports_of_one_week_stop_the_migration_and_are_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reports.db"
    differing = [_report("r-1"), _report("r-2", schedule="Evenings only")]

    with pytest.raises(RuntimeError, match=r"differing reports .* \(1 such weeks\)"):
        await _migrated(create_engine(f"sqlite+aiosqlite:///{path}"), differing)

    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as connection:
            kept = await connection.execute(select(_reports.c.report_id))
            assert sorted(kept.scalars()) == ["r-1", "r-2"]
    finally:
        await engine.dispose()
