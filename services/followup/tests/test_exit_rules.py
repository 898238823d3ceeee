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
