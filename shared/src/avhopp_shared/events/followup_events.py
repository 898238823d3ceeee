"""What follow-up records that others act on: phase changes and incidents."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from avhopp_shared.events.case_events import EventPayload


class PhaseChanged(EventPayload):
    """The case entered another of the four phases (seed 000): ``case_ref``."""

    event_type: ClassVar[str] = "followup.phase_changed"
    schema_version: ClassVar[int] = 1

    case_id: str
    phase: str
    entered_on: date


class IncidentReported(EventPayload):
    """A provider reported a serious incident: social services assess it individually, and
    police learn of it when it concerns the person's security (PROCESS.md step 11).
    *That* it happened, when and whether it touches security (``followup``); the
    description stays in the report."""

    event_type: ClassVar[str] = "followup.incident_reported"
    schema_version: ClassVar[int] = 1

    case_id: str
    report_id: str
    occurred_on: date
    concerns_security: bool


class ExitAborted(EventPayload):
    """The person aborted the exit (they may at any time, PROCESS.md step 12): *that*,
    and when (``case_ref``: the case's status); the reason stays in follow-up."""

    event_type: ClassVar[str] = "followup.exit_aborted"
    schema_version: ClassVar[int] = 1

    case_id: str
    aborted_by: str
    aborted_on: date
