"""The four phases of an exit, in their order (seed 000; PROCESS.md step 11).

The provider's method: initial contact and trust → acute (protection, a weekly
schedule, substance treatment first; expected to last 1-4 weeks) →
stabilising (therapy, occupation, trauma treatment) → long-term (debt,
permanent housing, protected identity, family relations). A case moves one
phase at a time; skipping one, or going back, is sometimes right (a relapse
can bring the person back to acute) but must be explained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from avhopp_shared.errors import InvalidInput


class Phase(StrEnum):
    INITIAL_CONTACT = "initial_contact"
    ACUTE = "acute"
    STABILISING = "stabilising"
    LONG_TERM = "long_term"


ORDER = tuple(Phase)

#: Seed 000: the acute phase usually lasts one to four weeks.
ACUTE_EXPECTED = timedelta(weeks=4)


class InvalidPhaseChange(InvalidInput):
    """A phase change the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class PhaseEntry:
    phase: Phase
    entered_on: date
    reason: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class CasePhases:
    case_id: str
    entries: tuple[PhaseEntry, ...]

    @property
    def current(self) -> PhaseEntry:
        return self.entries[-1]

    def acute_overdue(self, today: date, expected: timedelta = ACUTE_EXPECTED) -> bool:
        """Still in the acute phase past its expected length: someone should look."""
        current = self.current
        return current.phase is Phase.ACUTE and today - current.entered_on > expected


def start_phases(case_id: str, received_on: date, now: datetime) -> CasePhases:
    """Every case starts in initial contact, the day its application arrived."""
    first = PhaseEntry(Phase.INITIAL_CONTACT, received_on, None, "platform", now)
    return CasePhases(case_id, (first,))


def change_phase(
    phases: CasePhases,
    *,
    to: Phase,
    entered_on: date,
    reason: str | None,
    recorded_by: str,
    today: date,
    now: datetime,
) -> CasePhases:
    current = phases.current
    if entered_on > today:
        raise InvalidPhaseChange("entered_on", "a phase cannot be entered in the future")
    if entered_on < current.entered_on:
        raise InvalidPhaseChange(
            "entered_on", f"the case entered {current.phase.value} on {current.entered_on}"
        )
    if to is current.phase:
        raise InvalidPhaseChange("phase", f"the case is already in {to.value}")
    text = reason.strip() if reason else None
    if ORDER.index(to) != ORDER.index(current.phase) + 1 and not text:
        raise InvalidPhaseChange(
            "reason", f"{current.phase.value} → {to.value} leaves the order: say why"
        )
    entry = PhaseEntry(to, entered_on, text or None, recorded_by, now)
    return CasePhases(phases.case_id, (*phases.entries, entry))
