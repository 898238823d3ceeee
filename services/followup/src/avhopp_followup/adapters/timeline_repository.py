from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_followup.adapters.tables import TimelineEntryRecord, TimelineRecord
from avhopp_followup.domain.timeline import CaseTimeline, Milestone, TimelineEntry
from avhopp_shared.access.categories import Category
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.db.insert_row import insert_row

_entries = TimelineEntryRecord.__table__  # type: ignore[attr-defined]
_ENTRIES_OF_CASE = (
    sa_select(
        _entries.c.case_id,
        _entries.c.milestone,
        _entries.c.occurred_at,
        _entries.c.recorded_at,
        _entries.c.source_event_id,
        _entries.c.reported_by,
        _entries.c.category,
        _entries.c.summary,
    )
    .where(_entries.c.case_id == bindparam("case_id"))
    .order_by(_entries.c.occurred_at, _entries.c.id)
)


class TimelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, timeline: CaseTimeline) -> bool:
        """Starts the timeline unless the case has one already (False then)."""
        started = {"case_id": timeline.case_id, "started_at": timeline.started_at}
        if not await insert_new(self._session, TimelineRecord, started):
            return False
        for entry in timeline.entries:
            await insert_row(self._session, TimelineEntryRecord, _values(entry))
        return True

    async def append(self, entry: TimelineEntry) -> bool:
        """Adds the entry to the case's timeline once (its source id is unique); False when
        the case has no timeline here or the entry is already there."""
        if await self._session.get(TimelineRecord, entry.case_id) is None:
            return False
        return await insert_new(self._session, TimelineEntryRecord, _values(entry))

    async def get(self, case_id: str) -> CaseTimeline | None:
        timeline = await self._session.get(TimelineRecord, case_id)
        if timeline is None:
            return None
        # Plain rows, not ORM objects: a long case has a thousand entries,
        # and building and tracking an object per row was the read's largest cost.
        connection = await self._session.connection()
        rows = await connection.execute(_ENTRIES_OF_CASE, {"case_id": case_id})
        entries = tuple(
            TimelineEntry(
                case_id=record.case_id,
                milestone=Milestone(record.milestone),
                occurred_at=record.occurred_at,
                recorded_at=record.recorded_at,
                source_event_id=record.source_event_id,
                reported_by=record.reported_by,
                category=Category(record.category),
                summary=record.summary,
            )
            for record in rows
        )
        return CaseTimeline(
            case_id=timeline.case_id, started_at=timeline.started_at, entries=entries
        )


def _values(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "case_id": entry.case_id,
        "milestone": entry.milestone.value,
        "occurred_at": entry.occurred_at,
        "recorded_at": entry.recorded_at,
        "source_event_id": entry.source_event_id,
        "reported_by": entry.reported_by,
        "category": entry.category.value,
        "summary": entry.summary,
    }
