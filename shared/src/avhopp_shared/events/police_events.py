"""What police decide on a case, as events (PROCESS.md steps 2, 5, 8, 10 to 13).

They carry levels, codes, dates and ids — never the threat picture, the
threat actors or register contents, which stay in the threat service and are
read through its API under the disclosure gate. A consuming service of
another agency still sees only what its gate lets through (the field
catalogue classifies each field).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from avhopp_shared.events.case_events import EventPayload

Level = Literal["none", "low", "high"]
Handling = Literal["local", "regional"]


class ThreatAssessed(EventPayload):
    """A new version of the threat and risk assessment of the person or a relative.

    ``in_target_group`` false (level ``none``): not a defector; the case goes on
    at social services without police (004 Del 2).
    """

    event_type: ClassVar[str] = "threat.assessed"
    schema_version: ClassVar[int] = 1

    case_id: str
    version: int
    subject: Literal["person", "relative"]
    level: Level
    handling_level: Handling | None
    in_target_group: bool
    assessed_on: date
    next_review_on: date | None


class ThreatLevelChanged(EventPayload):
    """The level of a subject differs from its previous assessment (or is its first)."""

    event_type: ClassVar[str] = "threat.level_changed"
    schema_version: ClassVar[int] = 1

    case_id: str
    subject: Literal["person", "relative"]
    previous_level: Level | None
    level: Level
    handling_level: Handling | None


class CriminalHistoryChecked(EventPayload):
    """Police checked the registers; whether anything was found, not what."""

    event_type: ClassVar[str] = "threat.criminal_history_checked"
    schema_version: ClassVar[int] = 1

    case_id: str
    check_id: str
    purpose: Literal["initial", "follow_up"]
    checked_on: date
    hit: bool


class RelapseReported(EventPayload):
    """A follow-up register check found new crime: social services assess it individually
    (PROCESS.md step 11)."""

    event_type: ClassVar[str] = "relapse.reported"
    schema_version: ClassVar[int] = 1

    case_id: str
    check_id: str
    checked_on: date


class ProtectiveMeasureChanged(EventPayload):
    """A protective measure was started or changed status (PROCESS.md step 10)."""

    event_type: ClassVar[str] = "threat.protective_measure_changed"
    schema_version: ClassVar[int] = 1

    case_id: str
    measure_id: str
    kind: str
    status: str
    on: date


class PoliceCaseOpened(EventPayload):
    event_type: ClassVar[str] = "threat.police_case_opened"
    schema_version: ClassVar[int] = 1

    case_id: str
    opened_on: date


class PoliceCaseAborted(EventPayload):
    """Police aborted their case; social services' support may go on (004, "Avbrutet avhopp")."""

    event_type: ClassVar[str] = "threat.police_case_aborted"
    schema_version: ClassVar[int] = 1

    case_id: str
    aborted_on: date
    reason: str


class ExitCompleted(EventPayload):
    """Police judged the exit completed (004, "Fullföljt avhopp")."""

    event_type: ClassVar[str] = "threat.exit_completed"
    schema_version: ClassVar[int] = 1

    case_id: str
    completed_on: date


class PlacementAssessed(EventPayload):
    """Police judged which towns suit a placement; the towns themselves stay in the
    threat service (``placement``), readable there under the gate."""

    event_type: ClassVar[str] = "threat.placement_assessed"
    schema_version: ClassVar[int] = 1

    case_id: str
    version: int
    assessed_on: date
    rival_conflicts: int
