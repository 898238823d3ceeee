"""The migration that files stored incident assessments under ``interventions`` (follow-up's 0020).

Social services' assessment of a provider's incident was noted as ``followup``,
which police read under a consent, and so told them an incident happened
(``interventions``, closed to police, ACCESS.md). Entries stored before the fix
are ``interventions`` after it; a relapse's assessment and every other entry stay
as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_followup.adapters.tables import TimelineEntryRecord, TimelineRecord
from avhopp_shared.db.engine import create_engine
from tests.fixtures.postgres import CreateDatabases
from tests.test_responsibility_migrations import _upgrade

STARTED = datetime(2026, 11, 2, 8, tzinfo=UTC)
_timelines = TimelineRecord.__table__  # type: ignore[attr-defined]
_entries = TimelineEntryRecord.__table__  # type: ignore[attr-defined]


def _entry(event_id: str, milestone: str, category: str, summary: str) -> dict[str, Any]:
    return {
        "case_id": "c-1",
        "milestone": milestone,
        "occurred_at": STARTED,
        "recorded_at": STARTED,
        "source_event_id": event_id,
        "reported_by": "social",
        "category": category,
        "summary": summary,
    }


STORED = [
    _entry("e-1", "assessment_made", "followup", "Individual assessment after a incident: abort"),
    _entry("e-2", "assessment_made", "followup", "Individual assessment after a relapse: abort"),
    _entry("e-3", "follow_up_meeting", "followup", "Review held"),
    _entry("e-4", "phase_changed", "case_ref", "Phase: acute"),
]
MIGRATED = [
    ("e-1", "interventions", "Individual assessment after an incident: abort"),
    ("e-2", "followup", "Individual assessment after a relapse: abort"),
    ("e-3", "followup", "Review held"),
    ("e-4", "case_ref", "Phase: acute"),
]


async def _migrated(engine: AsyncEngine) -> list[tuple[str, str, str]]:
    """Each stored entry's (source event, category, summary) once 0020 has run."""
    try:
        await _upgrade(engine, "followup", "0019")
        async with engine.begin() as connection:
            await connection.execute(
                insert(_timelines), [{"case_id": "c-1", "started_at": STARTED}]
            )
            await connection.execute(insert(_entries), STORED)
        await _upgrade(engine, "followup", "0020")
        async with engine.connect() as connection:
            found = await connection.execute(
                select(
                    _entries.c.source_event_id, _entries.c.category, _entries.c.summary
                ).order_by(_entries.c.source_event_id)
            )
            return [(row.source_event_id, row.category, row.summary) for row in found]
    finally:
        await engine.dispose()


async def test_stored_incident_assessments_are_filed_under_interventions_on_sqlite(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'timeline.db'}")
    assert await _migrated(engine) == MIGRATED


@pytest.mark.postgres
async def test_stored_incident_assessments_are_filed_under_interventions_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    engine = create_engine(create_pg_databases(["followup"])["followup"])
    assert await _migrated(engine) == MIGRATED
