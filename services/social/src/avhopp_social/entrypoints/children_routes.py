"""The person's children, and the caseworkers' open tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses
from avhopp_social.domain.children import Task, TaskKind
from avhopp_social.service_layer.children import add_child, complete_task, tasks

router = APIRouter(tags=["children and tasks"], responses=problem_responses(401, 403) | NOT_FOUND)


class ChildIn(BaseModel):
    birth_year: int
    lives_with_person: bool
    concern: str | None = Field(
        default=None,
        max_length=5000,
        description="A concern for the child: opens a task to consider a child investigation",
    )


class ChildPublic(BaseModel):
    child_id: str
    case_id: str
    birth_year: int
    lives_with_person: bool
    concern: str | None
    task_id: str | None = Field(description="The task the concern opened, if any")


class TaskPublic(BaseModel):
    task_id: str
    case_id: str
    kind: TaskKind
    reason: str
    legal_basis: str
    created_at: datetime
    done_at: datetime | None

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
        )


@router.post(
    "/cases/{case_id}/children",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ChildPublic),
    responses=problem_responses(422),
    dependencies=[requires("aid_decision.write")],
    summary="Record a child of the person; a concern opens a task",
    operation_id="recordChild",
)
async def post_child(
    case_id: CaseId, body: ChildIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        child, task = await add_child(
            uow,
            case_id,
            birth_year=body.birth_year,
            lives_with_person=body.lives_with_person,
            concern=body.concern,
        )
        public = ChildPublic(
            child_id=child.child_id,
            case_id=case_id,
            birth_year=child.birth_year,
            lives_with_person=child.lives_with_person,
            concern=child.concern,
            task_id=task.task_id if task else None,
        )
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/tasks",
    response_model=list[disclosed_model(TaskPublic)],  # type: ignore[misc]
    dependencies=[requires("aid_decision.write")],
    summary="Caseworkers' tasks, oldest first; open=true for those not done",
    operation_id="listTasks",
)
async def get_tasks(
    uow: UnitOfWorkDep,
    access: AccessDep,
    open: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JSONResponse:
    async with uow:
        found = await tasks(uow, open_only=open, limit=limit, offset=offset)
        disclosures = await access.disclose_each([(t.case_id, TaskPublic.of(t)) for t in found])
    return disclosed_list_response(disclosures)


@router.post(
    "/tasks/{task_id}/completion",
    response_model=disclosed_model(TaskPublic),
    responses=problem_responses(409),
    dependencies=[requires("aid_decision.write")],
    summary="Mark a task done",
    operation_id="completeTask",
)
async def post_completion(task_id: str, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        task = await complete_task(uow, task_id)
        disclosure = await access.disclose(task.case_id, TaskPublic.of(task))
    return disclosed_response(disclosure)
