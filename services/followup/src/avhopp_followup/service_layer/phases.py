"""Recording the case's phases and finding cases stuck in the acute phase."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from avhopp_followup.adapters.tables import PhaseEntryRecord
from avhopp_followup.domain.exit import Exit, require_followed
from avhopp_followup.domain.phases import CasePhases, Phase, PhaseEntry, change_phase, start_phases
from avhopp_followup.domain.timeline import Milestone
from avhopp_followup.service_layer.exit_records import followed_cases
from avhopp_followup.service_layer.isu_facts import phase_left
from avhopp_followup.service_layer.timeline_notes import note_here
from avhopp_shared.access.categories import Category
from avhopp_shared.auth.caller import Agency
from avhopp_shared.db.insert_row import insert_row
from avhopp_shared.errors import NotFound
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.followup_events import PhaseChanged
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork

#: Narrows a listing to some cases (a municipality's, a provider's).
CaseFilter = ColumnElement[bool]


async def _add(uow: UnitOfWork, case_id: str, entry: PhaseEntry) -> None:
    await insert_row(
        uow.session,
        PhaseEntryRecord,
        {
            "case_id": case_id,
            "phase": entry.phase.value,
            "entered_on": entry.entered_on,
            "reason": entry.reason,
            "recorded_by": entry.recorded_by,
            "recorded_at": entry.recorded_at,
        },
    )


def _entry(record: PhaseEntryRecord) -> PhaseEntry:
    return PhaseEntry(
        Phase(record.phase),
        record.entered_on,
        record.reason,
        record.recorded_by,
        record.recorded_at,
    )


async def start_case_phases(uow: UnitOfWork, case_id: str, received_on: date) -> None:
    """With the timeline, when the application arrives (the caller checked it is new)."""
    started = start_phases(case_id, received_on, utcnow())
    await _add(uow, case_id, started.current)


async def phases_of(uow: UnitOfWork, case_id: str) -> CasePhases:
    found = await _phases_of_cases(uow, [case_id])
    if case_id not in found:
        raise NotFound("phases", case_id)
    return found[case_id]


async def case_began(uow: UnitOfWork, case_id: str) -> date:
    """The day the case began: its first phase, entered the day the application arrived."""
    found = await uow.session.exec(
        select(col(PhaseEntryRecord.entered_on))
        .where(col(PhaseEntryRecord.case_id) == case_id)
        .order_by(col(PhaseEntryRecord.id))
        .limit(1)
    )
    began = found.first()
    if began is None:
        raise NotFound("phases", case_id)
    return began


async def _phases_of_cases(uow: UnitOfWork, case_ids: Sequence[str]) -> dict[str, CasePhases]:
    """Every listed case's phases, in one query; cases without any are left out."""
    rows = await uow.session.exec(
        select(PhaseEntryRecord)
        .where(col(PhaseEntryRecord.case_id).in_(case_ids))
        .order_by(col(PhaseEntryRecord.id))
    )
    entries: dict[str, list[PhaseEntry]] = {}
    for record in rows.all():
        entries.setdefault(record.case_id, []).append(_entry(record))
    return {case_id: CasePhases(case_id, tuple(found)) for case_id, found in entries.items()}


async def record_phase_change(
    uow: UnitOfWork,
    case_id: str,
    *,
    to: Phase,
    entered_on: date,
    reason: str | None,
    by: str,
    exit_shown: Exit,
) -> CasePhases:
    """``by`` names who recorded it (kept with the phase, ``interventions`` when a
    provider: phase_routes.PhaseEntryPublic). Refused (409) once the exit has ended
    with nothing going on: the case no longer moves through the exit's phases.

    ``exit_shown`` is the case's exit as the caller may see it
    (``entrypoints.exit_parts.exit_as_shown``): the refusal names how the exit
    ended and its day, and police's end is police's record, which a caller who may
    not see it reads as an exit going on and records phases in as in one."""
    require_followed(exit_shown)
    now = utcnow()
    changed = change_phase(
        await phases_of(uow, case_id),
        to=to,
        entered_on=entered_on,
        reason=reason,
        recorded_by=by,
        today=today_in_sweden(now),
        now=now,
    )
    await _add(uow, case_id, changed.current)
    before = changed.entries[-2]
    await phase_left(uow, case_id, before.phase, (entered_on - before.entered_on).days)
    await note_here(
        uow,
        case_id,
        milestone=Milestone.PHASE_CHANGED,
        category=Category.CASE_REF,
        summary=f"Phase: {to.value.replace('_', ' ')}",
        occurred=entered_on,
        # The entry is ``case_ref``, which police read under the usual consent. Only a
        # commissioned provider records a phase besides social services, and that a
        # provider works with the person is ``interventions``, closed to police
        # (ACCESS.md): the phase is noted as the board's, who hold the case's record
        # and commissioned the provider (PROCESS.md step 10).
        reported_by=Agency.SOCIAL.value,
    )
    uow.emit(PhaseChanged(case_id=case_id, phase=to.value, entered_on=entered_on), case_id=case_id)
    return changed


async def acute_overdue(
    uow: UnitOfWork,
    today: date,
    expected: timedelta,
    within: CaseFilter | None,
    limit: int,
    offset: int,
    *,
    completed_too: bool = False,
) -> Sequence[CasePhases]:
    """Cases still followed up (``Exit.still_followed``; ``completed_too``: or completed
    by police, see ``followed_cases``) whose latest phase is acute, entered longer ago
    than expected; longest first.

    ``limit`` and ``offset`` count rows: the route cuts its page from the rows
    the caller may be shown (``avhopp_shared.web.listing``).
    """
    latest = select(func.max(PhaseEntryRecord.id)).group_by(col(PhaseEntryRecord.case_id))
    query = select(col(PhaseEntryRecord.case_id)).where(
        col(PhaseEntryRecord.id).in_(latest),
        col(PhaseEntryRecord.phase) == Phase.ACUTE.value,
        col(PhaseEntryRecord.entered_on) < today - expected,
        col(PhaseEntryRecord.case_id).in_(followed_cases(completed_too=completed_too)),
    )
    if within is not None:
        query = query.where(within)
    found = await uow.session.exec(
        query.order_by(col(PhaseEntryRecord.entered_on), col(PhaseEntryRecord.case_id))
        .limit(limit)
        .offset(offset)
    )
    case_ids = list(found.all())
    phases = await _phases_of_cases(uow, case_ids)
    return [phases[case_id] for case_id in case_ids]
