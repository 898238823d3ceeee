"""Recording how an exit ends: aborts, completion by police, the closing conversation."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from avhopp_followup.adapters.tables import ExitRecord
from avhopp_followup.domain.exit import (
    AbortedBy,
    Exit,
    ExitStatus,
    abort,
    complete,
    record_closing,
    resume,
)
from avhopp_followup.domain.timeline import Milestone
from avhopp_followup.service_layer.exit_records import exit_from_record, exit_of
from avhopp_followup.service_layer.isu_facts import exit_ended, exit_resumed
from avhopp_followup.service_layer.phases import case_began
from avhopp_followup.service_layer.timeline_notes import note_here
from avhopp_shared.access.categories import Category
from avhopp_shared.access.event_gate import disclosed
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.errors import Conflict
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.followup_events import ExitAborted
from avhopp_shared.events.police_events import ExitCompleted, PoliceCaseAborted, PoliceCaseOpened
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork

log = logging.getLogger(__name__)

#: What a police abort says here when the gate withheld police's reason.
POLICE_REASON_WITHHELD = "Police aborted their case; their reason is not disclosed here"


async def start_exit(uow: UnitOfWork, case_id: str, earlier_case_id: str | None) -> None:
    await insert_new(
        uow.session,
        ExitRecord,
        {
            "case_id": case_id,
            "status": ExitStatus.ONGOING.value,
            "earlier_case_id": earlier_case_id,
        },
    )


async def _save(uow: UnitOfWork, changed: Exit) -> None:
    record = await uow.session.get(ExitRecord, changed.case_id)
    assert record is not None
    record.status = changed.status.value
    record.ended_on = changed.ended_on
    record.aborted_by = changed.aborted_by.value if changed.aborted_by else None
    record.reason = changed.reason
    record.social_support_continues = changed.social_support_continues
    record.closing_conversation_on = changed.closing_conversation_on
    record.person_view = changed.person_view
    uow.session.add(record)


async def abort_by_person(
    uow: UnitOfWork,
    case_id: str,
    *,
    on: date,
    reason: str,
    social_support_continues: bool,
    exit_shown: Exit,
) -> Exit:
    """Inside an open unit of work; the caller commits (with the answer's audit entry).

    ``exit_shown`` is the exit as the caller may see it
    (``entrypoints.exit_parts.exit_as_shown``): the abort is decided on it, as a
    phase change is (``phases.record_phase_change``), so a refusal names no end the
    caller may not see, nor its day. Where that exit reads as going on but police
    ended it, the abort is refused all the same (``require_no_hidden_end``).
    """
    aborted = abort(
        exit_shown,
        by=AbortedBy.PERSON,
        on=on,
        reason=reason,
        social_support_continues=social_support_continues,
        today=today_in_sweden(),
        began_on=await case_began(uow, case_id),
    )
    require_no_hidden_end(await exit_of(uow, case_id), exit_shown, "the exit cannot be aborted now")
    await _save(uow, aborted)
    await exit_ended(uow, case_id, ExitStatus.ABORTED)
    await note_here(
        uow,
        case_id,
        milestone=Milestone.EXIT_ABORTED,
        category=Category.CASE_REF,
        summary="The person aborted the exit",
        occurred=on,
        reported_by="social",
    )
    uow.emit(
        ExitAborted(case_id=case_id, aborted_by=AbortedBy.PERSON.value, aborted_on=on),
        case_id=case_id,
    )
    return aborted


def require_no_hidden_end(stored: Exit, shown: Exit, refusal: str) -> None:
    """Refuse (409, ``refusal``) a write on an exit police ended where the caller reads it
    as going on.

    The exit holds one end: how it ended, on which day, by whom (``ExitRecord``).
    Police's end is police's record, kept as police sent it (ACCESS.md: "own" is
    decided per record). The person's abort recorded over it would replace police's
    completion or abort with social services' record, and a reader under the consent
    would no longer learn how police ended the exit; recording both would need a
    second end the exit does not hold. So the write is refused, and the refusal names
    nothing of police, their end or its day: to this caller it is a write on an exit
    going on that cannot be made now. That a refusal comes at all is what the caller
    learns, and only once every rule an exit going on is held to has passed (a 422
    reads the same on either exit).
    """
    if stored != shown:
        raise Conflict(refusal)


async def close(
    uow: UnitOfWork, case_id: str, *, conversation_on: date, person_view: str, exit_shown: Exit
) -> Exit:
    """Inside an open unit of work; the caller commits.

    ``exit_shown`` as for ``abort_by_person``: the closing conversation follows an
    ended exit, and an exit whose end the caller may not see reads as going on, so
    the closing is refused as on an exit going on (409, naming no day), never
    checked against police's day."""
    closed = record_closing(
        exit_shown,
        conversation_on=conversation_on,
        person_view=person_view,
        today=today_in_sweden(),
    )
    # An exit read as going on refuses every closing above; kept so a closing is
    # never saved over an end the caller was not shown.
    require_no_hidden_end(
        await exit_of(uow, case_id), exit_shown, "the closing conversation follows an ended exit"
    )
    await _save(uow, closed)
    await note_here(
        uow,
        case_id,
        milestone=Milestone.CLOSING_CONVERSATION,
        category=Category.FOLLOWUP,
        summary="Closing conversation; the person's view recorded",
        occurred=conversation_on,
        reported_by="social",
    )
    return closed


async def on_police_case_aborted(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """Police aborted their case (the conditions no longer met): the exit is aborted;
    whether social services' support goes on is theirs to decide."""
    assert isinstance(payload, PoliceCaseAborted)
    current = await _current(uow, envelope.subject)
    if current is None or not disclosed(payload, "aborted_on"):
        return
    reason = payload.reason if disclosed(payload, "reason") else POLICE_REASON_WITHHELD
    aborted = replace(
        current,
        status=ExitStatus.ABORTED,
        ended_on=payload.aborted_on,
        aborted_by=AbortedBy.POLICE,
        reason=reason,
    )
    await _save(uow, aborted)
    await exit_ended(uow, aborted.case_id, ExitStatus.ABORTED)


async def on_police_case_opened(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """Police opened their case again after aborting it (a new attempt, PROCESS.md step
    12): the exit police ended goes on, so police's later completion or abort lands
    here, and ISU counts it as ongoing meanwhile. An exit the person aborted, or
    police completed, stays as it ended: neither is police's to reopen (the person
    applies again, a new case linked to this one)."""
    assert isinstance(payload, PoliceCaseOpened)
    record = await uow.session.get(ExitRecord, envelope.subject, with_for_update=True)
    if (
        record is None
        or not disclosed(payload, "opened_on")
        or record.status != ExitStatus.ABORTED.value
        or record.aborted_by != AbortedBy.POLICE.value
    ):
        return
    await _save(uow, resume(exit_from_record(record)))
    await exit_resumed(uow, record.case_id)


async def on_exit_completed(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    assert isinstance(payload, ExitCompleted)
    current = await _current(uow, envelope.subject)
    if current is None or not disclosed(payload, "completed_on"):
        return
    await _save(uow, complete(current, on=payload.completed_on))
    await exit_ended(uow, current.case_id, ExitStatus.COMPLETED)


async def _current(uow: UnitOfWork, case_id: str) -> Exit | None:
    """The exit still ongoing, else None: an event about an ended exit changes nothing
    (and must not block the consumer's partition). Locked, as every change that
    depends on how the exit stands (``exit_records.exit_of``): police's end arriving
    while the person's abort is being recorded finds it ended, not ongoing."""
    record = await uow.session.get(ExitRecord, case_id, with_for_update=True)
    if record is None or record.status != ExitStatus.ONGOING.value:
        if record is None:
            log.warning("exit event for a case not followed here: %s", case_id)
        return None
    return exit_from_record(record)
