from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from avhopp_shared.access.categories import Category
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_record,
    requires,
)
from avhopp_shared.web.listing import disclosed_page
from avhopp_shared.web.params import NOT_FOUND, CaseId, Limit, Offset
from avhopp_shared.web.problems import problem_responses
from avhopp_threat.domain.assessment_task import Priority, TaskStatus, ThreatAssessmentTask
from avhopp_threat.service_layer.handlers import get_task, task_queue

router = APIRouter(
    tags=["threat assessments"],
    responses=problem_responses(401, 403),
    dependencies=[requires("threat.read")],
)


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
    "/cases/{case_id}/threat-assessment-task",
    response_model=disclosed_model(AssessmentTaskPublic),
    responses=NOT_FOUND,
    summary="The police task to assess a case: pending until a first assessment is recorded",
    operation_id="readThreatAssessmentTask",
)
async def read_assessment(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:  # the read and its audit entry: one transaction
        task = await get_task(uow, case_id)
        disclosure = await access.disclose(case_id, AssessmentTaskPublic.of(task))
    # The task's own fields (its status: pending or assessed; its priority) are
    # threat data (catalogue): a reader without that category gets the 404 of a
    # case police hold no task for, not a stub (``disclosed_record``).
    return disclosed_record(disclosure)


@router.get(
    "/threat-assessment-tasks",
    response_model=list[disclosed_model(AssessmentTaskPublic)],  # type: ignore[misc]
    summary="The police work queue: urgent first, then oldest first",
    operation_id="listThreatAssessmentTasks",
)
async def read_queue(
    uow: UnitOfWorkDep,
    access: AccessDep,
    status: TaskStatus = TaskStatus.PENDING,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    async with uow:  # the read and its audit entries: one transaction
        # The status filter (always on: pending by default) and the order by
        # priority and request time are all threat data: a task is listed only
        # to a caller the gate shows its threat category (ACCESS.md, matrix),
        # else the queue would tell its status and urgency (``web.listing``).
        disclosures = await disclosed_page(
            access,
            lambda size, skip: task_queue(uow, status, size, skip),
            lambda task: (task.case_id, AssessmentTaskPublic.of(task)),
            limit=limit,
            offset=offset,
            filtered_on=[Category.THREAT],
        )
    return disclosed_list_response(disclosures)
