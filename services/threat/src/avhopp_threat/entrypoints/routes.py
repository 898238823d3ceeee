from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_threat.domain.assessment_task import Priority, TaskStatus, ThreatAssessmentTask
from avhopp_threat.service_layer.handlers import get_task, task_queue

router = APIRouter(tags=["threat assessments"])


class AssessmentTaskPublic(BaseModel):
    case_id: str
    status: TaskStatus
    priority: Priority
    requested_at: datetime
    application_received_at: datetime
    out_of_hours: bool

    @classmethod
    def of(cls, task: ThreatAssessmentTask) -> AssessmentTaskPublic:
        return cls(
            case_id=task.case_id,
            status=task.status,
            priority=task.priority,
            requested_at=task.requested_at,
            application_received_at=task.application_received_at,
            out_of_hours=task.out_of_hours,
        )


@router.get(
    "/cases/{case_id}/threat-assessment",
    response_model=AssessmentTaskPublic,
    responses=NOT_FOUND,
    summary="The threat and risk assessment of a case",
)
async def read_assessment(case_id: CaseId, uow: UnitOfWorkDep) -> AssessmentTaskPublic:
    return AssessmentTaskPublic.of(await get_task(uow, case_id))


@router.get(
    "/threat-assessments",
    response_model=list[AssessmentTaskPublic],
    summary="The police work queue: urgent first, then oldest first",
)
async def read_queue(
    uow: UnitOfWorkDep,
    status: TaskStatus = TaskStatus.PENDING,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AssessmentTaskPublic]:
    return [AssessmentTaskPublic.of(t) for t in await task_queue(uow, status, limit, offset)]
