"""Follow-up meetings: scheduled ahead, held once with what they found."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from avhopp_followup.domain.meetings import InvalidMeeting, Meeting, MeetingKind, hold, schedule
from avhopp_shared.errors import Conflict

TODAY = date(2026, 11, 20)
#: The providers commissioned for the case.
COMMISSIONED = frozenset({"skyddat-boende-ab"})
#: The day the case began (its application arrived).
BEGAN = date(2026, 11, 2)


def _meeting(**overrides: Any) -> Meeting:
    values: dict[str, Any] = {
        "meeting_id": "m-1",
        "case_id": "c-1",
        "kind": MeetingKind.REVIEW,
        "scheduled_on": TODAY,
        "with_person": True,
        "with_provider": None,
        "scheduled_by": "u",
        "today": TODAY,
        "commissioned": COMMISSIONED,
    } | overrides
    return schedule(**values)


def test_a_meeting_is_overdue_after_its_date_until_it_is_held() -> None:
    meeting = _meeting()
    assert not meeting.overdue(TODAY)
    assert meeting.overdue(TODAY + timedelta(days=1))
    held = hold(
        meeting,
        held_on=TODAY + timedelta(days=2),
        notes=" Fine ",
        today=TODAY + timedelta(days=2),
        began_on=BEGAN,
    )
    assert not held.overdue(TODAY + timedelta(days=30))
    assert held.notes == "Fine"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scheduled_on": TODAY - timedelta(days=1)}, "scheduled_on"),
        ({"with_person": False}, "with_person"),
        ({"with_person": False, "with_provider": " "}, "with_person"),
    ],
)
def test_a_meeting_in_the_past_or_with_nobody_is_refused(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidMeeting) as refused:
        _meeting(**overrides)
    assert refused.value.field == field


def test_a_meeting_is_held_once_not_in_the_future_and_with_notes() -> None:
    meeting = _meeting()
    with pytest.raises(InvalidMeeting):
        hold(meeting, held_on=TODAY + timedelta(days=1), notes="x", today=TODAY, began_on=BEGAN)
    with pytest.raises(InvalidMeeting):
        hold(meeting, held_on=TODAY, notes="  ", today=TODAY, began_on=BEGAN)
    with pytest.raises(Conflict):
        hold(
            hold(meeting, held_on=TODAY, notes="x", today=TODAY, began_on=BEGAN),
            held_on=TODAY,
            notes="y",
            today=TODAY,
            began_on=BEGAN,
        )


def test_a_provider_named_by_blanks_is_no_provider() -> None:
    assert _meeting(with_provider="  ").with_provider is None
    assert _meeting(with_provider=" skyddat-boende-ab ").with_provider == "skyddat-boende-ab"


@pytest.mark.parametrize(
    "provider", ["kontaktpersoner-ab", "okand-utforare-ab", "skyddat-boende-ab-2"]
)
def test_a_meeting_with_a_provider_not_commissioned_for_the_case_is_refused_naming_with_provider(
    provider: str,
) -> None:
    with pytest.raises(InvalidMeeting) as refused:
        _meeting(with_person=False, with_provider=provider)
    assert refused.value.field == "with_provider"
    assert "not a provider commissioned for the case" in str(refused.value)


def test_a_meeting_held_before_the_case_began_is_refused_naming_held_on() -> None:
    with pytest.raises(InvalidMeeting) as refused:
        hold(_meeting(), held_on=BEGAN - timedelta(days=1), notes="x", today=TODAY, began_on=BEGAN)
    assert refused.value.field == "held_on"
    assert str(BEGAN) in str(refused.value)
