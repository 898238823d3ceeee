"""The police task to make a threat and risk assessment (PROCESS.md step 5).

Police decide target-group membership through this assessment; until it is
done, the case is a potential defector only (004 Del 2, "Polisens hotbilds-
och riskbedömning").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from avhopp_shared.events.case_events import ApplicationReceived


class TaskStatus(StrEnum):
    PENDING = "pending"
    #: A first threat assessment of the person has been recorded.
    ASSESSED = "assessed"


class Priority(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


@dataclass(frozen=True, slots=True)
class ThreatAssessmentTask:
    case_id: str
    status: TaskStatus
    priority: Priority
    requested_at: datetime
    application_received_at: datetime
    out_of_hours: bool


def request_assessment(application: ApplicationReceived, now: datetime) -> ThreatAssessmentTask:
    # 004 Del 2: an application outside office hours may mean an acute threat,
    # and police must then be able to assess the need for protection at once.
    priority = Priority.URGENT if application.out_of_hours else Priority.NORMAL
    return ThreatAssessmentTask(
        case_id=application.case_id,
        status=TaskStatus.PENDING,
        priority=priority,
        requested_at=now,
        application_received_at=application.received_at,
        out_of_hours=application.out_of_hours,
    )
