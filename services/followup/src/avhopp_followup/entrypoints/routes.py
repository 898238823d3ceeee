from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from avhopp_followup.domain.timeline import CaseTimeline, Milestone
from avhopp_followup.entrypoints.access_scope import READS
from avhopp_followup.service_layer.handlers import get_timeline
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import AccessDep, disclosed_model, disclosed_response, requires
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses

router = APIRouter(
    tags=["follow-up"],
    responses=problem_responses(401, 403),
    dependencies=[requires("timeline.read")],
)


class TimelineEntryPublic(BaseModel):
    milestone: Milestone
    occurred_at: datetime
    recorded_at: datetime
    reported_by: str


class TimelinePublic(BaseModel):
    case_id: str
    started_at: datetime
    entries: list[TimelineEntryPublic]

    @classmethod
    def of(cls, timeline: CaseTimeline) -> TimelinePublic:
        return cls(
            case_id=timeline.case_id,
            started_at=timeline.started_at,
            entries=[
                TimelineEntryPublic(
                    milestone=e.milestone,
                    occurred_at=e.occurred_at,
                    recorded_at=e.recorded_at,
                    reported_by=e.reported_by,
                )
                for e in timeline.entries
            ],
        )


@router.get(
    "/cases/{case_id}/timeline",
    response_model=disclosed_model(TimelinePublic),
    responses=NOT_FOUND,
    dependencies=[READS],
    summary="The case timeline, oldest first",
    operation_id="readTimeline",
)
async def read_timeline(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:  # the read and its audit entry: one transaction
        timeline = await get_timeline(uow, case_id)
        disclosure = await access.disclose(case_id, TimelinePublic.of(timeline))
    return disclosed_response(disclosure)
