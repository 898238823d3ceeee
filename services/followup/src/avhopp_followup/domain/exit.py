"""How an exit ends: aborted or completed, and the closing conversation (PROCESS.md 12-13).

An exit is aborted by the person at any time, or by police when the
conditions are no longer met; social services' support may go on without
police, and a new application is always possible later (it links to this
case). An exit is completed when police judge the plan carried out without
relapse into organised crime; a closing conversation, with the person's own
view of the process, is common (004, "Avbrutet avhopp", "Fullföljt avhopp").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from avhopp_shared.errors import Conflict, InvalidInput


class ExitStatus(StrEnum):
    ONGOING = "ongoing"
    ABORTED = "aborted"
    COMPLETED = "completed"


class AbortedBy(StrEnum):
    PERSON = "person"
    POLICE = "police"


class InvalidExit(InvalidInput):
    """An abort or closing the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Exit:
    case_id: str
    status: ExitStatus = ExitStatus.ONGOING
    ended_on: date | None = None
    aborted_by: AbortedBy | None = None
    reason: str | None = None
    social_support_continues: bool | None = None
    closing_conversation_on: date | None = None
    person_view: str | None = None
    earlier_case_id: str | None = None

    @property
    def still_followed(self) -> bool:
        """Ongoing, or aborted without social services saying their support ends
        (PROCESS.md step 12: after an abort their support may go on): the case still
        moves through its phases and its reviews are still due. A police abort leaves
        that support unrecorded (None), and social services record no abort after it,
        so it stays followed: ending their work there is not police's to decide."""
        return self.status is ExitStatus.ONGOING or (
            self.status is ExitStatus.ABORTED and self.social_support_continues is not False
        )

    @property
    def ended_by_police(self) -> bool:
        """Police set how the exit ended: their abort, or their completion (police's
        judgement, ``complete``). That end is police's record here, as their entries on
        the timeline are ("own" is decided per record, ACCESS.md)."""
        return self.aborted_by is AbortedBy.POLICE or self.status is ExitStatus.COMPLETED


def as_recorded_here(current: Exit) -> Exit:
    """The exit as follow-up itself recorded it: an end police set left out, so the exit
    reads as going on. A reader who may not see police's records is told no more."""
    if not current.ended_by_police:
        return current
    return replace(current, status=ExitStatus.ONGOING, ended_on=None, aborted_by=None, reason=None)


def abort(
    current: Exit,
    *,
    by: AbortedBy,
    on: date,
    reason: str,
    social_support_continues: bool,
    today: date,
    began_on: date,
) -> Exit:
    """``began_on``: the day the case began (its application arrived)."""
    if current.status is not ExitStatus.ONGOING:
        raise Conflict(f"the exit has already ended ({current.status.value})")
    if on > today:
        raise InvalidExit("aborted_on", "an abort cannot be dated in the future")
    if on < began_on:
        # The exit begins with the case: before that there was nothing to abort.
        raise InvalidExit("aborted_on", f"the case began on {began_on}")
    text = reason.strip()
    if not text:
        raise InvalidExit("reason", "an abort states its reason")
    return replace(
        current,
        status=ExitStatus.ABORTED,
        ended_on=on,
        aborted_by=by,
        reason=text,
        social_support_continues=social_support_continues,
    )


def complete(current: Exit, *, on: date) -> Exit:
    """Police's judgement; an exit already ended stays as it ended."""
    if current.status is not ExitStatus.ONGOING:
        raise Conflict(f"the exit has already ended ({current.status.value})")
    return replace(current, status=ExitStatus.COMPLETED, ended_on=on)


def resume(current: Exit) -> Exit:
    """Police opened their case again after aborting it: the exit they ended goes on.
    What social services recorded themselves (a closing conversation) stays."""
    if current.status is not ExitStatus.ABORTED or current.aborted_by is not AbortedBy.POLICE:
        raise Conflict("only an exit police aborted goes on when police open their case again")
    return replace(current, status=ExitStatus.ONGOING, ended_on=None, aborted_by=None, reason=None)


def record_closing(current: Exit, *, conversation_on: date, person_view: str, today: date) -> Exit:
    if current.status is ExitStatus.ONGOING or current.ended_on is None:
        raise Conflict("the closing conversation follows an ended exit")
    if current.closing_conversation_on is not None:
        # The person's own view of the process is recorded once, as the exit
        # closes: a second conversation would replace it and leave no trace of it.
        raise Conflict(f"the closing conversation was held on {current.closing_conversation_on}")
    if conversation_on > today:
        raise InvalidExit("conversation_on", "a conversation cannot be dated in the future")
    if conversation_on < current.ended_on:
        raise InvalidExit("conversation_on", f"the exit ended on {current.ended_on}")
    view = person_view.strip()
    if not view:
        raise InvalidExit("person_view", "record the person's own view of the process")
    return replace(current, closing_conversation_on=conversation_on, person_view=view)


def require_followed(current: Exit) -> None:
    """What only a case still followed up does (a phase change) is refused once its
    exit has ended with nothing going on: completed, or aborted without support."""
    if current.still_followed:
        return
    if current.status is ExitStatus.COMPLETED:
        raise Conflict(f"the exit was completed on {current.ended_on}")
    raise Conflict(f"the exit was aborted on {current.ended_on}, with no support going on")
