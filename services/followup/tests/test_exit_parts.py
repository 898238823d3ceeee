"""An end police set to the exit is police's record: the exit reads as follow-up recorded
it, with police's end over it only where the reader may see that end."""

from __future__ import annotations

from datetime import date

from avhopp_followup.domain.exit import AbortedBy, Exit, ExitStatus, as_recorded_here
from avhopp_followup.entrypoints.exit_parts import police_record, with_police_end
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.events.police_events import ExitCompleted, PoliceCaseAborted

ENDED = date(2026, 11, 20)
POLICE_ABORT = Exit(
    "c-1",
    status=ExitStatus.ABORTED,
    ended_on=ENDED,
    aborted_by=AbortedBy.POLICE,
    reason="Returned to the network",
)
#: Follow-up's part of ``POLICE_ABORT``, as a reader of follow-up's records sees it.
OWN = Disclosure(
    data={
        "case_id": "c-1",
        "status": "ongoing",
        "ended_on": None,
        "aborted_by": None,
        "reason": None,
        "closing_conversation_on": None,
    },
    disclosed=frozenset({"case_ref", "followup", "followup_detail"}),
    decision_id="own",
)


def test_an_end_police_set_is_left_out_of_the_exit_follow_up_recorded() -> None:
    completed = Exit("c-1", status=ExitStatus.COMPLETED, ended_on=ENDED)
    by_person = Exit(
        "c-1", status=ExitStatus.ABORTED, ended_on=ENDED, aborted_by=AbortedBy.PERSON, reason="r"
    )

    assert as_recorded_here(POLICE_ABORT) == Exit("c-1")
    assert as_recorded_here(completed) == Exit("c-1")
    assert as_recorded_here(by_person) == by_person
    assert police_record(by_person) is None
    assert police_record(completed) == ExitCompleted(case_id="c-1", completed_on=ENDED)
    assert police_record(POLICE_ABORT) == PoliceCaseAborted(
        case_id="c-1", aborted_on=ENDED, reason="Returned to the network"
    )


def test_a_reader_who_may_not_see_police_records_reads_the_exit_as_going_on() -> None:
    police = Disclosure(
        data={}, disclosed=frozenset(), withheld={"case_ref": "no consent"}, decision_id="police"
    )

    shown = with_police_end(OWN, police)

    # Not even the category withheld, nor a second decision id, tells there is an end.
    assert shown == OWN


def test_a_reader_shown_police_abort_but_not_its_reason_gets_no_reason_at_all() -> None:
    police = Disclosure(
        data={"case_id": "c-1", "aborted_on": "2026-11-20"},
        disclosed=frozenset({"case_ref"}),
        withheld={"followup": "no consent"},
        decision_id="police",
    )

    shown = with_police_end(OWN, police)

    assert shown.data["status"] == "aborted"
    assert (shown.data["ended_on"], shown.data["aborted_by"]) == ("2026-11-20", "police")
    assert "reason" not in shown.data
    assert shown.decision_id == "own"
