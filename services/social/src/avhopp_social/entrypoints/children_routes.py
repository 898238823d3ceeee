"""The person's children; a concern for a child opens a task (task_routes.py)."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses
from avhopp_social.entrypoints.municipality_scope import WRITES
from avhopp_social.service_layer.children import add_child

router = APIRouter(tags=["children"], responses=problem_responses(401, 403) | NOT_FOUND)


class ChildIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "birth_year": 2019,
                    "lives_with_person": True,
                    "concern": "Has been kept home from preschool since the threat was made",
                }
            ]
        }
    )

    birth_year: int
    lives_with_person: bool
    concern: str | None = Field(
        default=None,
        max_length=5000,
        description="A concern for the child: opens a task to consider a child investigation",
    )


class ChildPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "child_id": "3d6e8a1b-2c4f-4e7a-9b1d-5f0c7a2e8b34",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "birth_year": 2019,
                    "lives_with_person": True,
                    "concern": "Has been kept home from preschool since the threat was made",
                    "task_id": "e2a7c4d1-6b3f-4a8e-8d2c-7f1b9e0a5c63",
                }
            ]
        }
    )

    child_id: str
    case_id: str
    birth_year: int
    lives_with_person: bool
    concern: str | None
    task_id: str | None = Field(description="The task the concern opened, if any")


# WRITES, the municipality of stay included: a concern for a child must be reported
# at once (14 kap. 1 § SoL), and where the person and the children stay is where
# it is seen; it opens a task for the responsible municipality's assessment.
@router.post(
    "/cases/{case_id}/children",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ChildPublic),
    responses=problem_responses(422),
    dependencies=[requires("aid_decision.write"), WRITES],
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
