"""The case timeline: what happened in a case and when, the base of follow-up (PROCESS.md step 11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from avhopp_shared.events.case_events import ApplicationReceived


class Milestone(StrEnum):
    APPLICATION_RECEIVED = "application_received"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    case_id: str
    milestone: Milestone
    occurred_at: datetime
    recorded_at: datetime
    source_event_id: str
    reported_by: str


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    case_id: str
    started_at: datetime
    entries: tuple[TimelineEntry, ...]


def start_timeline(
    application: ApplicationReceived, event_id: str, reported_by: str, now: datetime
) -> CaseTimeline:
    first = TimelineEntry(
        case_id=application.case_id,
        milestone=Milestone.APPLICATION_RECEIVED,
        occurred_at=application.received_at,
        recorded_at=now,
        source_event_id=event_id,
        reported_by=reported_by,
    )
    return CaseTimeline(
        case_id=application.case_id, started_at=application.received_at, entries=(first,)
    )
