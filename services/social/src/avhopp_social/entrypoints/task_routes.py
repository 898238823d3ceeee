"""The caseworkers' task list: what the platform learned that someone must act on.

Tasks are opened by a concern for a child, a police relapse report and an
applicant under 18 (domain/tasks.py). A municipality sees and completes only
the tasks of the cases it answers for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, Limit, Offset
from avhopp_shared.web.problems import problem_responses
from avhopp_social.domain.tasks import AssessmentOutcome, Task, TaskKind
from avhopp_social.entrypoints.municipality_scope import municipality_cases, require_municipality
from avhopp_social.service_layer.tasks import complete_task, task_case, tasks

router = APIRouter(tags=["tasks"], responses=problem_responses(401, 403) | NOT_FOUND)


class TaskPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "task_id": "5b0f3a2e-8d5c-4f7e-9a43-0c2d6f1e7b19",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "kind": "assess_relapse",
                    "reason": "Police reported a relapse at the follow-up register check of "
                    "2026-11-02 (check 7c1d…): assess individually what is to be done.",
                    "legal_basis": "4 kap. 1 § SoL; seed 002 Uppföljning",
                    "created_at": "2026-11-02T09:14:00Z",
                    "done_at": None,
                    "outcome": None,
                }
            ]
        }
    )

    task_id: str
    case_id: str
    kind: TaskKind
    reason: str
    legal_basis: str
    created_at: datetime
    done_at: datetime | None
    outcome: AssessmentOutcome | None = Field(
        description="What an individual assessment (relapse, incident) concluded"
    )

    @classmethod
    def of(cls, task: Task) -> TaskPublic:
        return cls(
            task_id=task.task_id,
            case_id=task.case_id,
            kind=task.kind,
            reason=task.reason,
            legal_basis=task.legal_basis,
            created_at=task.created_at,
            done_at=task.done_at,
            outcome=task.outcome,
        )


class TaskCompletionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"outcome": "continue"}]}
    )

    outcome: AssessmentOutcome | None = Field(
        default=None,
        description=(
            "Required for a relapse or incident assessment: continue, adjust the plan, "
            "or abort (PROCESS.md steps 11-12); none for other tasks"
        ),
    )


@router.get(
    "/tasks",
    response_model=list[disclosed_model(TaskPublic)],  # type: ignore[misc]
    dependencies=[requires("aid_decision.write")],
    summary="The caller's municipality's tasks, oldest first; filter by open, kind and case",
    operation_id="listTasks",
)
async def get_tasks(
    uow: UnitOfWorkDep,
    access: AccessDep,
    open: Annotated[bool, Query(description="Only tasks not yet done")] = False,
    kind: TaskKind | None = None,
    case_id: Annotated[str | None, Query(max_length=36)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    async with uow:
        found = await tasks(
            uow,
            open_only=open,
            kind=kind,
            case_id=case_id,
            within=municipality_cases(access.caller),
            limit=limit,
            offset=offset,
        )
        disclosures = await access.disclose_each([(t.case_id, TaskPublic.of(t)) for t in found])
    return disclosed_list_response(disclosures)


@router.post(
    "/tasks/{task_id}/completion",
    response_model=disclosed_model(TaskPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("aid_decision.write")],
    summary="Mark a task done; an individual assessment with its outcome",
    operation_id="completeTask",
)
async def post_completion(
    task_id: str,
    uow: UnitOfWorkDep,
    access: AccessDep,
    body: TaskCompletionIn | None = None,
) -> JSONResponse:
    outcome = body.outcome if body else None
    async with uow:
        case_id = await task_case(uow, task_id)
        # Only the responsible municipality: completing a task records an individual
        # assessment of the case (continue, adjust the plan, abort; PROCESS.md step
        # 11), no acute help of the municipality of stay's (2 a kap. 2-3 §§ SoL).
        await require_municipality(uow, case_id, access.caller, reading=False, acute=False)
        task = await complete_task(uow, task_id, outcome)
        disclosure = await access.disclose(task.case_id, TaskPublic.of(task))
    return disclosed_response(disclosure)
