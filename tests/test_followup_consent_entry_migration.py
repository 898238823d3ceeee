"""The migration that rewrites stored timeline consent entries (follow-up's 0017).

A consent entry is ``case_ref``, read by police under the usual consent; its
summary named the recipients, so a consent to a provider told police which
provider works with the person (``interventions``, closed to police, ACCESS.md).
Entries stored before the fix say "Consent given" after it; no other entry changes.
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


def _entry(event_id: str, milestone: str, summary: str) -> dict[str, Any]:
    return {
        "case_id": "c-1",
        "milestone": milestone,
        "occurred_at": STARTED,
        "recorded_at": STARTED,
        "source_event_id": event_id,
        "reported_by": "social",
        "category": "case_ref",
        "summary": summary,
    }


STORED = [
    _entry("e-1", "application_received", "Application received"),
    _entry("e-2", "consent_granted", "Consent given (to police)"),
    _entry("e-3", "consent_granted", "Consent given (to police, provider)"),
    _entry("e-4", "consent_withdrawn", "Consent withdrawn"),
    _entry("e-5", "phase_changed", "Phase: acute"),
]
MIGRATED = [
    ("e-1", "Application received"),
    ("e-2", "Consent given"),
    ("e-3", "Consent given"),
    ("e-4", "Consent withdrawn"),
    ("e-5", "Phase: acute"),
]


async def _migrated(engine: AsyncEngine) -> list[tuple[str, str]]:
    """Each stored entry's (source event, summary) once 0017 has run over :data:`STORED`."""
    try:
        await _upgrade(engine, "followup", "0016")
        async with engine.begin() as connection:
            await connection.execute(
                insert(_timelines), [{"case_id": "c-1", "started_at": STARTED}]
            )
            await connection.execute(insert(_entries), STORED)
        await _upgrade(engine, "followup", "0017")
        async with engine.connect() as connection:
            found = await connection.execute(
                select(_entries.c.source_event_id, _entries.c.summary).order_by(
                    _entries.c.source_event_id
                )
            )
            return [(row.source_event_id, row.summary) for row in found]
    finally:
        await engine.dispose()


async def test_stored_consent_entries_no_longer_name_their_recipients_on_sqlite(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'timeline.db'}")
    assert await _migrated(engine) == MIGRATED


@pytest.mark.postgres
async def test_stored_consent_entries_no_longer_name_their_recipients_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    engine = create_engine(create_pg_databases(["followup"])["followup"])
    assert await _migrated(engine) == MIGRATED
