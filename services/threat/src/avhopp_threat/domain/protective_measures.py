"""Protective measures police take or apply for, each with its status and dates.

PROCESS.md step 10 and 004 Del 2: protected personal data through the Tax
Agency (sekretessmarkering, skyddad folkbokföring, fingerade
personuppgifter), secure mail, and an acute protective placement police may
make before social services decide.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from avhopp_shared.errors import InvalidInput


class MeasureKind(StrEnum):
    CONFIDENTIALITY_MARKING = "sekretessmarkering"
    PROTECTED_REGISTRATION = "skyddad_folkbokforing"
    FICTITIOUS_IDENTITY = "fingerade_personuppgifter"
    SECURE_MAIL = "secure_mail"
    ACUTE_PROTECTIVE_PLACEMENT = "acute_protective_placement"


class MeasureStatus(StrEnum):
    APPLIED = "applied"
    GRANTED = "granted"
    REFUSED = "refused"
    ACTIVE = "active"
    ENDED = "ended"


#: Protected personal data is applied for and decided by the Tax Agency; the
#: other measures police put in place themselves.
APPLIED_FOR = frozenset(
    {
        MeasureKind.CONFIDENTIALITY_MARKING,
        MeasureKind.PROTECTED_REGISTRATION,
        MeasureKind.FICTITIOUS_IDENTITY,
    }
)

_NEXT: dict[MeasureStatus, frozenset[MeasureStatus]] = {
    MeasureStatus.APPLIED: frozenset({MeasureStatus.GRANTED, MeasureStatus.REFUSED}),
    MeasureStatus.GRANTED: frozenset({MeasureStatus.ENDED}),
    MeasureStatus.ACTIVE: frozenset({MeasureStatus.ENDED}),
    MeasureStatus.REFUSED: frozenset(),
    MeasureStatus.ENDED: frozenset(),
}


class InvalidMeasure(InvalidInput):
    """A rule the input breaks; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class ProtectiveMeasure:
    measure_id: str
    case_id: str
    kind: MeasureKind
    status: MeasureStatus
    started_on: date
    decided_on: date | None
    ended_on: date | None
    note: str | None


def start_measure(
    *,
    measure_id: str,
    case_id: str,
    kind: MeasureKind,
    started_on: date,
    note: str | None,
    today: date,
) -> ProtectiveMeasure:
    """Applied for (protected personal data) or in place at once (the others)."""
    if started_on > today:
        raise InvalidMeasure("started_on", "a measure cannot start in the future")
    status = MeasureStatus.APPLIED if kind in APPLIED_FOR else MeasureStatus.ACTIVE
    return ProtectiveMeasure(measure_id, case_id, kind, status, started_on, None, None, note)


def change_status(
    measure: ProtectiveMeasure, status: MeasureStatus, on: date, today: date
) -> ProtectiveMeasure:
    if status not in _NEXT[measure.status]:
        raise InvalidMeasure(
            "status", f"a measure that is {measure.status.value} cannot become {status.value}"
        )
    if on > today or on < measure.started_on:
        raise InvalidMeasure("on", "the date must fall between the start and today")
    if status is MeasureStatus.ENDED:
        _require_ended_after_decision(measure, on)
        return replace(measure, status=status, ended_on=on)
    return replace(measure, status=status, decided_on=on)


def _require_ended_after_decision(measure: ProtectiveMeasure, on: date) -> None:
    """A granted measure ends no earlier than the Tax Agency granted it (PROCESS.md
    step 10: protected personal data is applied for, then decided): ended before its
    decision, the measure's dates would run backwards and the time it protected the
    person could not be told. A measure police put in place at once has no decision
    and ends no earlier than it started (checked above)."""
    if measure.decided_on is not None and on < measure.decided_on:
        raise InvalidMeasure("on", "a measure cannot end before it was decided")
