"""The case timeline: what happened in a case and when, the base of follow-up (PROCESS.md step 11).

Every entry belongs to one data category (ACCESS.md), the category of what it
tells: a threat level change is ``threat``, an aid decision ``decisions``, a
phase ``case_ref``. A reader sees the entries of the categories it may see,
and nothing of the others, not even that they exist. An entry's summary says
no more than its category allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from avhopp_shared.access.categories import Category
from avhopp_shared.events.case_events import ApplicationReceived


class Milestone(StrEnum):
    APPLICATION_RECEIVED = "application_received"
    CONSENT_GRANTED = "consent_granted"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    THREAT_LEVEL_CHANGED = "threat_level_changed"
    POLICE_CASE_OPENED = "police_case_opened"
    AID_DECIDED = "aid_decided"
    ACTION_PLAN_UPDATED = "action_plan_updated"
    PROVIDER_COMMISSIONED = "provider_commissioned"
    PHASE_CHANGED = "phase_changed"
    PROVIDER_REPORTED = "provider_reported"
    RELAPSE_REPORTED = "relapse_reported"
    ASSESSMENT_MADE = "assessment_made"
    EXIT_ABORTED = "exit_aborted"
    EXIT_COMPLETED = "exit_completed"
    CLOSING_CONVERSATION = "closing_conversation"
    FOLLOW_UP_MEETING = "follow_up_meeting"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    case_id: str
    milestone: Milestone
    occurred_at: datetime
    recorded_at: datetime
    source_event_id: str
    reported_by: str
    category: Category = Category.CASE_REF
    summary: str = ""


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
        category=Category.CASE_REF,
        summary="Application received",
    )
    return CaseTimeline(
        case_id=application.case_id, started_at=application.received_at, entries=(first,)
    )
