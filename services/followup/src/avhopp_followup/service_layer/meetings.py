"""Scheduling and recording follow-up meetings; the reviews the action plan sets."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement
from sqlmodel import col, select

from avhopp_followup.adapters.tables import MeetingRecord
from avhopp_followup.domain.meetings import Meeting, MeetingKind, hold, schedule
from avhopp_followup.domain.timeline import Milestone
from avhopp_followup.service_layer.commissions import commissioned_providers
from avhopp_followup.service_layer.exit_records import followed_cases
from avhopp_followup.service_layer.phases import case_began
from avhopp_followup.service_layer.timeline_notes import note_here
from avhopp_shared.access.categories import Category
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.social_events import ActionPlanUpdated
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork


def _meeting(r: MeetingRecord) -> Meeting:
    return Meeting(
        meeting_id=r.meeting_id,
        case_id=r.case_id,
        kind=MeetingKind(r.kind),
        scheduled_on=r.scheduled_on,
        with_person=r.with_person,
        with_provider=r.with_provider,
        scheduled_by=r.scheduled_by,
        held_on=r.held_on,
        notes=r.notes,
        plan_version=r.plan_version,
    )


def _store(uow: UnitOfWork, meeting: Meeting) -> None:
    uow.session.add(
        MeetingRecord(
            meeting_id=meeting.meeting_id,
            case_id=meeting.case_id,
            kind=meeting.kind.value,
            scheduled_on=meeting.scheduled_on,
            with_person=meeting.with_person,
            with_provider=meeting.with_provider,
            scheduled_by=meeting.scheduled_by,
            held_on=meeting.held_on,
            notes=meeting.notes,
            plan_version=meeting.plan_version,
        )
    )


async def schedule_meeting(
    uow: UnitOfWork,
    case_id: str,
    *,
    kind: MeetingKind,
    scheduled_on: date,
    with_person: bool,
    with_provider: str | None,
    by: str,
) -> Meeting:
    """Inside an open unit of work; the caller commits. A named provider must be one
    commissioned for the case, as this service's copy of the commissions has it."""
    made = schedule(
        meeting_id=str(uuid.uuid4()),
        case_id=case_id,
        kind=kind,
        scheduled_on=scheduled_on,
        with_person=with_person,
        with_provider=with_provider,
        scheduled_by=by,
        today=today_in_sweden(),
        commissioned=await commissioned_providers(uow, case_id),
    )
    _store(uow, made)
    return made


async def record_held(
    uow: UnitOfWork, case_id: str, meeting_id: str, *, held_on: date, notes: str
) -> Meeting:
    """Inside an open unit of work; the caller commits. The meeting's row is locked
    first, so of two records of it in flight together the second finds it held (409)
    instead of overwriting the first one's notes."""
    record = await uow.session.get(MeetingRecord, meeting_id, with_for_update=True)
    if record is None or record.case_id != case_id:
        raise NotFound("meeting", meeting_id)
    held = hold(
        _meeting(record),
        held_on=held_on,
        notes=notes,
        today=today_in_sweden(),
        began_on=await case_began(uow, case_id),
    )
    record.held_on, record.notes = held.held_on, held.notes
    uow.session.add(record)
    kind = "Security follow-up" if held.kind is MeetingKind.SECURITY_FOLLOW_UP else "Review"
    await note_here(
        uow,
        case_id,
        milestone=Milestone.FOLLOW_UP_MEETING,
        category=Category.FOLLOWUP,
        summary=f"{kind} held",
        occurred=held_on,
        reported_by="social",
    )
    return held


async def meetings_of(uow: UnitOfWork, case_id: str) -> Sequence[Meeting]:
    rows = await uow.session.exec(
        select(MeetingRecord)
        .where(col(MeetingRecord.case_id) == case_id)
        .order_by(col(MeetingRecord.scheduled_on), col(MeetingRecord.meeting_id))
    )
    return [_meeting(r) for r in rows.all()]


async def overdue_meetings(
    uow: UnitOfWork,
    today: date,
    within: ColumnElement[bool] | None,
    limit: int,
    offset: int,
    *,
    completed_too: bool = False,
) -> Sequence[Meeting]:
    """Not held by their date, in cases still followed up (``Exit.still_followed``: a
    review of an exit that has ended is due to nobody; ``completed_too``: or completed
    by police, see ``followed_cases``); the longest overdue first."""
    query = select(MeetingRecord).where(
        col(MeetingRecord.held_on).is_(None),
        col(MeetingRecord.scheduled_on) < today,
        col(MeetingRecord.case_id).in_(followed_cases(completed_too=completed_too)),
    )
    if within is not None:
        query = query.where(within)
    rows = await uow.session.exec(
        query.order_by(col(MeetingRecord.scheduled_on), col(MeetingRecord.meeting_id))
        .limit(limit)
        .offset(offset)
    )
    return [_meeting(r) for r in rows.all()]


async def on_action_plan_updated(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    """A plan version's review date is a review meeting with the person (regular, per plan)."""
    assert isinstance(payload, ActionPlanUpdated)
    today = today_in_sweden()
    if payload.review_on < today:
        return
    exists = await uow.session.exec(
        select(MeetingRecord.meeting_id).where(
            col(MeetingRecord.case_id) == payload.case_id,
            col(MeetingRecord.plan_version) == payload.version,
        )
    )
    if exists.first() is not None:
        return
    _store(
        uow,
        schedule(
            meeting_id=str(uuid.uuid4()),
            case_id=payload.case_id,
            kind=MeetingKind.REVIEW,
            scheduled_on=payload.review_on,
            with_person=True,
            with_provider=None,
            scheduled_by="action plan",
            today=today,
            plan_version=payload.version,
        ),
    )
