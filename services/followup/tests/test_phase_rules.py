"""The four phases in their order (seed 000): one step at a time unless explained."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from avhopp_followup.domain.phases import (
    CasePhases,
    InvalidPhaseChange,
    Phase,
    change_phase,
    start_phases,
)

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
TODAY = NOW.date()


def _move(phases: CasePhases, to: Phase, **overrides: Any) -> CasePhases:
    values: dict[str, Any] = {
        "to": to,
        "entered_on": TODAY,
        "reason": None,
        "recorded_by": "u",
        "today": TODAY,
        "now": NOW,
    } | overrides
    return change_phase(phases, **values)


def test_each_phase_follows_the_one_before_without_a_reason() -> None:
    phases = start_phases("c-1", date(2026, 11, 1), NOW)
    for phase in (Phase.ACUTE, Phase.STABILISING, Phase.LONG_TERM):
        phases = _move(phases, phase)
    assert [e.phase for e in phases.entries] == list(Phase)


@pytest.mark.parametrize(
    ("to", "overrides", "field"),
    [
        (Phase.STABILISING, {}, "reason"),  # skips acute
        (Phase.LONG_TERM, {"reason": "   "}, "reason"),  # a blank reason is none
        (Phase.INITIAL_CONTACT, {}, "phase"),  # already there
        (Phase.ACUTE, {"entered_on": TODAY + timedelta(days=1)}, "entered_on"),
        (Phase.ACUTE, {"entered_on": date(2026, 10, 31)}, "entered_on"),  # before the last
    ],
)
def test_a_change_the_order_does_not_allow_is_refused_naming_the_field(
    to: Phase, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidPhaseChange) as refused:
        _move(start_phases("c-1", date(2026, 11, 1), NOW), to, **overrides)
    assert refused.value.field == field


def test_going_back_to_acute_after_a_relapse_is_allowed_with_a_reason() -> None:
    phases = _move(start_phases("c-1", date(2026, 11, 1), NOW), Phase.ACUTE)
    phases = _move(phases, Phase.STABILISING)
    back = _move(phases, Phase.ACUTE, reason="Relapse: protection again")
    assert back.current.phase is Phase.ACUTE
    assert back.current.reason == "Relapse: protection again"


def test_the_acute_phase_is_overdue_only_after_its_expected_four_weeks() -> None:
    started = start_phases("c-1", date(2026, 10, 1), NOW)
    acute = _move(started, Phase.ACUTE, entered_on=TODAY - timedelta(weeks=4))
    assert not acute.acute_overdue(TODAY)
    assert acute.acute_overdue(TODAY + timedelta(days=1))
    assert not started.acute_overdue(TODAY + timedelta(weeks=52))
