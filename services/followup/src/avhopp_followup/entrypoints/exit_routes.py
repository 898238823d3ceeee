"""How the exit stands, the person's abort, and the closing conversation (steps 12-13)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_followup.domain.exit import AbortedBy, Exit, ExitStatus, as_recorded_here
from avhopp_followup.entrypoints.access_scope import READS, RESPONSIBLE_WRITES
from avhopp_followup.entrypoints.exit_parts import (
    POLICE,
    answered,
    police_record,
    shown_exit_of,
    with_police_end,
)
from avhopp_followup.service_layer.exit_records import exit_of
from avhopp_followup.service_layer.exits import abort_by_person, close
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.dated_examples import dated_examples, day
from avhopp_shared.web.dates import Day
from avhopp_shared.web.disclosure import (
    Access,
    AccessDep,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses

router = APIRouter(tags=["exit"], responses=problem_responses(401, 403) | NOT_FOUND)


class ExitAbortIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "aborted_on": day(today),
                    "reason": "The person moved back to the former town",
                    "social_support_continues": True,
                }
            ]
        ),
    )

    aborted_on: Day
    reason: str = Field(max_length=5000)
    social_support_continues: bool = Field(
        description="Social services' support may go on without police (PROCESS.md step 12)"
    )


class ClosingIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "conversation_on": day(today),
                    "person_view": "Hard at first; the contact person made the difference",
                }
            ]
        ),
    )

    conversation_on: Day
    person_view: str = Field(max_length=10000, description="The person's own view of the process")


class ExitPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "status": "aborted",
                    "ended_on": "2026-11-20",
                    "aborted_by": "person",
                    "reason": "The person moved back to the former town",
                    "social_support_continues": True,
                    "closing_conversation_on": None,
                    "person_view": None,
                    "earlier_case_id": None,
                }
            ]
        }
    )

    case_id: str
    status: ExitStatus
    ended_on: date | None
    aborted_by: AbortedBy | None
    reason: str | None
    social_support_continues: bool | None
    closing_conversation_on: date | None
    person_view: str | None
    earlier_case_id: str | None = Field(description="The case this re-application follows")

    @classmethod
    def of(cls, exit: Exit) -> ExitPublic:
        return cls(
            case_id=exit.case_id,
            status=exit.status,
            ended_on=exit.ended_on,
            aborted_by=exit.aborted_by,
            reason=exit.reason,
            social_support_continues=exit.social_support_continues,
            closing_conversation_on=exit.closing_conversation_on,
            person_view=exit.person_view,
            earlier_case_id=exit.earlier_case_id,
        )


async def _disclosed(access: Access, ended: Exit) -> Disclosure:
    """Follow-up's own part, and police's end where police set it (``exit_parts``).

    Without a policy answer about police's end the read fails closed (503,
    ``exit_parts.answered``): the exit shown as going on would be a guess, and one
    that reads a completed exit as one still followed up."""
    own = ExitPublic.of(as_recorded_here(ended))
    police = police_record(ended)
    if police is None:
        return await access.disclose(ended.case_id, own)
    own_part, police_part = await access.disclose_each(
        [(ended.case_id, own), (ended.case_id, police)], owners=[None, POLICE]
    )
    answered(ended.case_id, police_part)
    return with_police_end(own_part, police_part)


@router.get(
    "/cases/{case_id}/exit",
    response_model=disclosed_model(ExitPublic),
    dependencies=[requires("timeline.read"), READS],
    summary="How the exit stands: ongoing, aborted (by whom, why) or completed",
    operation_id="readExit",
)
async def get_exit(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        disclosure = await _disclosed(access, await exit_of(uow, case_id))
    return disclosed_response(disclosure)


# RESPONSIBLE_WRITES (both below): recording that the exit was aborted or closed ends
# the case's exit process, a decision about the case itself (PROCESS.md steps 12-13),
# never the municipality of stay's, which acts only in an acute situation. Both are
# decided on the exit as the caller may see it (``exit_as_shown``): a refusal that
# turned on police's end would tell it, and its day, to a caller the exit reads as
# going on to (``service_layer.exits.require_no_hidden_end``).
@router.post(
    "/cases/{case_id}/exit/abortion",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ExitPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("exit.write"), RESPONSIBLE_WRITES],
    summary="Record that the person aborted the exit, with the reason",
    operation_id="abortExit",
)
async def post_abort(
    case_id: CaseId, body: ExitAbortIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:  # the abort, its event and the answer's audit entry commit together
        aborted = await abort_by_person(
            uow,
            case_id,
            on=body.aborted_on,
            reason=body.reason,
            social_support_continues=body.social_support_continues,
            exit_shown=await shown_exit_of(access, uow, case_id, for_update=True),
        )
        disclosure = await _disclosed(access, aborted)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.post(
    "/cases/{case_id}/exit/closing",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ExitPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("exit.write"), RESPONSIBLE_WRITES],
    summary="Record the closing conversation and the person's own view of the process",
    operation_id="recordClosing",
)
async def post_closing(
    case_id: CaseId, body: ClosingIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        closed = await close(
            uow,
            case_id,
            conversation_on=body.conversation_on,
            person_view=body.person_view,
            exit_shown=await shown_exit_of(access, uow, case_id, for_update=True),
        )
        disclosure = await _disclosed(access, closed)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)
