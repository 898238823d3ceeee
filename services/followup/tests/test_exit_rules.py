"""An exit ends once: aborted with a reason, or completed; then the closing conversation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from avhopp_followup.domain.exit import (
    AbortedBy,
    Exit,
    ExitStatus,
    InvalidExit,
    abort,
    complete,
    record_closing,
    require_followed,
    resume,
)
from avhopp_shared.errors import Conflict

TODAY = date(2026, 11, 20)
BEGAN = TODAY - timedelta(days=30)


def _abort(current: Exit, **overrides: object) -> Exit:
    values: dict[str, object] = {
        "by": AbortedBy.PERSON,
        "on": TODAY,
        "reason": "Moved back",
        "social_support_continues": True,
        "today": TODAY,
        "began_on": BEGAN,
    } | overrides
    return abort(current, **values)  # type: ignore[arg-type]


def test_an_abort_records_who_why_and_whether_social_support_goes_on() -> None:
    aborted = _abort(Exit("c-1"), reason="  Moved back  ")
    assert (aborted.status, aborted.aborted_by, aborted.reason) == (
        ExitStatus.ABORTED,
        AbortedBy.PERSON,
        "Moved back",
    )
    assert aborted.social_support_continues is True


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"on": TODAY + timedelta(days=1)}, "aborted_on"),
        ({"on": BEGAN - timedelta(days=1)}, "aborted_on"),
    ],
)
def test_an_abort_without_a_reason_in_the_future_or_before_the_case_began_is_refused(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidExit) as refused:
        _abort(Exit("c-1"), **overrides)
    assert refused.value.field == field


def test_an_ended_exit_ends_no_second_time() -> None:
    completed = complete(Exit("c-1"), on=TODAY)
    with pytest.raises(Conflict):
        _abort(completed)
    with pytest.raises(Conflict):
        complete(_abort(Exit("c-1")), on=TODAY)


def test_the_closing_conversation_follows_the_end_and_holds_the_persons_view() -> None:
    with pytest.raises(Conflict):
        record_closing(Exit("c-1"), conversation_on=TODAY, person_view="x", today=TODAY)
    ended = complete(Exit("c-1"), on=TODAY - timedelta(days=3))
    with pytest.raises(InvalidExit):
        record_closing(
            ended, conversation_on=TODAY - timedelta(days=4), person_view="x", today=TODAY
        )
    with pytest.raises(InvalidExit):
        record_closing(ended, conversation_on=TODAY, person_view=" ", today=TODAY)
    closed = record_closing(ended, conversation_on=TODAY, person_view="Worth it", today=TODAY)
    assert (closed.closing_conversation_on, closed.person_view) == (TODAY, "Worth it")


def test_a_second_closing_conversation_does_not_replace_the_persons_view() -> None:
    ended = complete(Exit("c-1"), on=TODAY - timedelta(days=3))
    closed = record_closing(ended, conversation_on=TODAY, person_view="Worth it", today=TODAY)
    with pytest.raises(Conflict):
        record_closing(closed, conversation_on=TODAY, person_view="Other", today=TODAY)


@pytest.mark.parametrize(
    ("ended", "followed"),
    [
        (Exit("c-1"), True),
        (_abort(Exit("c-1"), social_support_continues=True), True),
        (_abort(Exit("c-1"), social_support_continues=False), False),
        # Police say nothing of social services' support, which may go on without them.
        (_abort(Exit("c-1"), by=AbortedBy.POLICE, social_support_continues=None), True),
        (complete(Exit("c-1"), on=TODAY), False),
    ],
)
def test_a_case_is_still_followed_while_its_exit_goes_on_or_support_continues_after_an_abort(
    ended: Exit, followed: bool
) -> None:
    assert ended.still_followed is followed


def test_a_phase_change_is_refused_once_the_exit_ended_with_nothing_going_on() -> None:
    require_followed(_abort(Exit("c-1"), social_support_continues=True))
    with pytest.raises(Conflict, match="aborted"):
        require_followed(_abort(Exit("c-1"), social_support_continues=False))
    with pytest.raises(Conflict, match="completed"):
        require_followed(complete(Exit("c-1"), on=TODAY))


def test_an_exit_police_aborted_goes_on_when_police_open_their_case_again() -> None:
    by_police = _abort(Exit("c-1"), by=AbortedBy.POLICE)
    resumed = resume(by_police)
    assert (resumed.status, resumed.ended_on, resumed.aborted_by, resumed.reason) == (
        ExitStatus.ONGOING,
        None,
        None,
        None,
    )
    # Police's later completion then lands.
    assert complete(resumed, on=TODAY).status is ExitStatus.COMPLETED


def test_an_exit_the_person_aborted_or_police_completed_is_not_police_to_reopen() -> None:
    for ended in (_abort(Exit("c-1")), complete(Exit("c-1"), on=TODAY), Exit("c-1")):
        with pytest.raises(Conflict):
            resume(ended)
