"""Follow-up meetings: scheduling, recording them held, and those overdue."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_followup.adapters.tables import MeetingRecord
from avhopp_followup.domain.meetings import Meeting, MeetingKind
from avhopp_followup.entrypoints.access_scope import READS, RESPONSIBLE_WRITES, cases_of
from avhopp_followup.entrypoints.exit_parts import followed_as_shown, shown_exit_of
from avhopp_followup.service_layer.meetings import (
    meetings_of,
    overdue_meetings,
    record_held,
    schedule_meeting,
)
from avhopp_shared.access.categories import Category
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.dated_examples import dated_examples, day
from avhopp_shared.web.dates import Day
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.listing import disclosed_page
from avhopp_shared.web.params import NOT_FOUND, CaseId, Limit, Offset
from avhopp_shared.web.problems import problem_responses

router = APIRouter(tags=["follow-up meetings"], responses=problem_responses(401, 403) | NOT_FOUND)


class MeetingIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "kind": "review",
                    "scheduled_on": day(today, 14),
                    "with_person": True,
                    "with_provider": "skyddat-boende-ab",
                }
            ]
        ),
    )

    kind: MeetingKind
    scheduled_on: Day
    with_person: bool = True
    # A provider organisation: ``interventions`` ("provider commissions", ACCESS.md),
    # not ``followup``, which police may read under a consent (catalogue.json).
    with_provider: str | None = Field(
        default=None,
        max_length=200,
        description="A provider commissioned for the case (422 otherwise)",
    )


class HeldIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=dated_examples(
            lambda today: [{"held_on": day(today), "notes": "Needs changed: debt counselling next"}]
        ),
    )

    held_on: Day
    notes: str = Field(max_length=10000, description="What the meeting found")


class MeetingPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "meeting_id": "7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "kind": "review",
                    "scheduled_on": "2026-12-15",
                    "with_person": True,
                    "with_provider": "skyddat-boende-ab",
                    "scheduled_by": "socialsekreterare-1",
                    "held_on": None,
                    "notes": None,
                    "plan_version": None,
                    "overdue": False,
                }
            ]
        }
    )

    meeting_id: str
    case_id: str
    kind: MeetingKind
    scheduled_on: date
    with_person: bool
    with_provider: str | None  # ``interventions``, as in MeetingIn
    scheduled_by: str
    held_on: date | None
    notes: str | None
    plan_version: int | None = Field(description="The action plan version that set it")
    overdue: bool

    @classmethod
    def of(cls, meeting: Meeting, today: date, *, followed: bool) -> MeetingPublic:
        """``followed``: the case is still followed up (``Exit.still_followed``); a
        meeting of an exit that has ended is due to nobody, as on ``/meetings/overdue``."""
        return cls(
            meeting_id=meeting.meeting_id,
            case_id=meeting.case_id,
            kind=meeting.kind,
            scheduled_on=meeting.scheduled_on,
            with_person=meeting.with_person,
            with_provider=meeting.with_provider,
            scheduled_by=meeting.scheduled_by,
            held_on=meeting.held_on,
            notes=meeting.notes,
            plan_version=meeting.plan_version,
            overdue=followed and meeting.overdue(today),
        )


# RESPONSIBLE_WRITES (both below): scheduling the follow-up and recording what it
# found is following up the exit (PROCESS.md step 11), the responsible
# municipality's; the municipality of stay gives acute help only (2 a kap. 2-3 §§
# SoL) and reads the meetings for it.
@router.post(
    "/cases/{case_id}/meetings",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(MeetingPublic),
    responses=problem_responses(422),
    dependencies=[requires("exit.write"), RESPONSIBLE_WRITES],
    summary="Schedule a follow-up meeting (a review, or a security follow-up)",
    operation_id="scheduleMeeting",
)
async def post_meeting(
    case_id: CaseId, body: MeetingIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        made = await schedule_meeting(
            uow,
            case_id,
            kind=body.kind,
            scheduled_on=body.scheduled_on,
            with_person=body.with_person,
            with_provider=body.with_provider,
            by=access.caller.recorded_as,
        )
        # Scheduled for today or later: not overdue, whatever the exit.
        public = MeetingPublic.of(made, today_in_sweden(), followed=True)
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.post(
    "/cases/{case_id}/meetings/{meeting_id}/held",
    response_model=disclosed_model(MeetingPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("exit.write"), RESPONSIBLE_WRITES],
    summary="Record that the meeting was held, and what it found",
    operation_id="recordMeetingHeld",
)
async def post_held(
    case_id: CaseId, meeting_id: str, body: HeldIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        held = await record_held(uow, case_id, meeting_id, held_on=body.held_on, notes=body.notes)
        # Held: not overdue, whatever the exit.
        public = MeetingPublic.of(held, today_in_sweden(), followed=True)
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure)


@router.get(
    "/cases/{case_id}/meetings",
    response_model=list[disclosed_model(MeetingPublic)],  # type: ignore[misc]
    dependencies=[requires("timeline.read"), READS],
    summary="The case's follow-up meetings by date",
    operation_id="listMeetings",
)
async def get_meetings(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    today = today_in_sweden()
    async with uow:
        found = await meetings_of(uow, case_id)
        # Police's end of the exit counts only for a caller who may see it (exit_parts).
        shown = await shown_exit_of(access, uow, case_id) if found else None
        followed = shown is None or shown.still_followed
        disclosures = await access.disclose_each(
            [(case_id, MeetingPublic.of(m, today, followed=followed)) for m in found]
        )
    return disclosed_list_response(disclosures)


@router.get(
    "/meetings/overdue",
    response_model=list[disclosed_model(MeetingPublic)],  # type: ignore[misc]
    dependencies=[requires("timeline.read")],
    summary="Follow-up meetings not held by their date, the longest overdue first",
    operation_id="listOverdueMeetings",
)
async def get_overdue(
    uow: UnitOfWorkDep,
    access: AccessDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    today, within = today_in_sweden(), cases_of(access.caller, MeetingRecord.case_id)
    async with uow:
        # Overdue (not held by its date) and the order, longest overdue first,
        # are follow-up data: a meeting is listed only where the gate shows the
        # caller that category (ACCESS.md, matrix), else being listed here
        # would tell that the case has a meeting overdue (``web.listing``).
        disclosures = await disclosed_page(
            access,
            lambda size, skip: overdue_meetings(uow, today, within, size, skip, completed_too=True),
            # Only meetings of cases still followed up are listed (overdue_meetings); a
            # case police completed, only for a reader to whom it goes on (exit_parts).
            lambda found: (found.case_id, MeetingPublic.of(found, today, followed=True)),
            limit=limit,
            offset=offset,
            filtered_on=[Category.FOLLOWUP],
            belongs=lambda found: followed_as_shown(access, uow, found.case_id),
        )
    return disclosed_list_response(disclosures)
