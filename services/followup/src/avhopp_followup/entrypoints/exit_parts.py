"""An exit police ended is disclosed in two parts, as the timeline is (``timeline_parts``).

"Own" is decided per record (ACCESS.md; README, "Known limits"): how the exit
ended is police's record when police ended it (their abort with its reason,
their completion), kept here as police sent it, so a reader sees it only as
the matrix lets it see police's records (social services under the person's
consent, which names one municipality: README, Consent). The rest of the exit
is follow-up's own. A reader who may not see police's part reads the exit as
follow-up recorded it itself, going on, and nothing of police's part, not even
that there is one: its categories are not named as withheld, and the answer
carries one decision id, follow-up's part's. The audit entry of each part
names what it disclosed and withheld (``Access.disclose_each``).

Whatever else depends on how the exit stands (whether the case is still
followed up: a phase change, the acute phase overdue, a review overdue) goes
by the exit as that reader may see it (``exit_as_shown``): an answer that
turned on police's end would tell it, and its day, to a reader the exit reads
as going on to. Without a policy answer about police's end (an engine fault, an
answer after the deadline) nothing is guessed: reading the exit as going on would
record a phase on an exit police completed, or call a review overdue on it, so the
request fails closed (``PolicyError``: 503, rolled back, README "Errors"), as an
event's delivery does (``avhopp_shared.access.event_gate``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from avhopp_followup.domain.exit import AbortedBy, Exit, ExitStatus, as_recorded_here
from avhopp_followup.service_layer.exit_records import exit_of
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency
from avhopp_shared.events.police_events import ExitCompleted, PoliceCaseAborted
from avhopp_shared.policy.access_decision import POLICY_UNAVAILABLE
from avhopp_shared.policy.engine import PolicyError
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web.disclosure import Access

#: Who holds an end police set.
POLICE = Owner(Agency.POLICE.value)


def police_record(ended: Exit) -> BaseModel | None:
    """The end police set, as police reported it (None: police set none)."""
    if not ended.ended_by_police or ended.ended_on is None:
        return None
    if ended.status is ExitStatus.COMPLETED:
        return ExitCompleted(case_id=ended.case_id, completed_on=ended.ended_on)
    return PoliceCaseAborted(
        case_id=ended.case_id, aborted_on=ended.ended_on, reason=ended.reason or ""
    )


async def exit_as_shown(access: Access, ended: Exit) -> Exit:
    """The exit as the caller may see it: with police's end where the gate shows its
    day (as ``with_police_end`` shows it on GET /exit), else as follow-up recorded it
    itself (``as_recorded_here``). Decided only: nothing is disclosed or audited
    here, the answer that follows is. Raises ``PolicyError`` when the policy gave no
    answer about police's end (``answered``)."""
    police = police_record(ended)
    if police is None:
        return ended
    [decided] = await access.decide_each([(ended.case_id, police)], owner=POLICE)
    answered(ended.case_id, decided)
    return ended if _end(decided.data) else as_recorded_here(ended)


async def shown_exit_of(
    access: Access, uow: UnitOfWork, case_id: str, *, for_update: bool = False
) -> Exit:
    """The case's exit as the caller may see it (``exit_as_shown``); ``for_update``
    for a change that depends on it (``exit_records.exit_of``)."""
    return await exit_as_shown(access, await exit_of(uow, case_id, for_update=for_update))


async def followed_as_shown(access: Access, uow: UnitOfWork, case_id: str) -> bool:
    """Whether the case is still followed up as the caller may see its exit: a case
    police completed is, to a reader who may not see that end (a worklist holds it for
    them as for any case going on, so its leaving tells nothing)."""
    return (await shown_exit_of(access, uow, case_id)).still_followed


def answered(case_id: str, police: Disclosure) -> None:
    """Raise when the policy gave no answer about police's end of the exit.

    A reader refused police's end reads the exit as going on; a fault is no refusal,
    and reading it as one would treat a completed exit as going on (a phase recorded
    on it, a review called overdue). ``PolicyError`` is answered 503 and the request
    rolled back (``avhopp_shared.web.problems``): the reader asks again.
    """
    if POLICY_UNAVAILABLE in police.withheld.values():
        raise PolicyError(f"no policy answer about police's end of the exit of {case_id}")


def with_police_end(own: Disclosure, police: Disclosure) -> Disclosure:
    """Follow-up's part, with police's end over it where the reader may see that end.

    Police's part shows when the day it ended the exit on does (``case_ref``): the
    rest of it is about that end, and a reason shown beside an exit that reads as
    going on would contradict it. A reader shown police's abort but not its reason
    gets no reason at all, rather than the empty one follow-up's part holds for an
    exit that has not ended.
    """
    end = _end(police.data)
    if not end:
        return own
    data = own.data | end
    if end["status"] == ExitStatus.ABORTED.value and "reason" not in end:
        data.pop("reason", None)
    disclosed = own.disclosed | police.disclosed
    withheld = {
        category: reason
        for category, reason in {**police.withheld, **own.withheld}.items()
        if category not in disclosed
    }
    return replace(own, data=data, disclosed=disclosed, withheld=dict(sorted(withheld.items())))


def _end(police: dict[str, Any]) -> dict[str, Any]:
    """Police's record as the exit's fields, where its day was disclosed."""
    if "aborted_on" in police:
        aborted = {
            "status": ExitStatus.ABORTED.value,
            "ended_on": police["aborted_on"],
            "aborted_by": AbortedBy.POLICE.value,
        }
        return aborted | ({"reason": police["reason"]} if "reason" in police else {})
    if "completed_on" in police:
        return {"status": ExitStatus.COMPLETED.value, "ended_on": police["completed_on"]}
    return {}
