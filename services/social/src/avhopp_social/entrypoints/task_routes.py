"""The caseworkers' task list: what the platform learned that someone must act on.

Tasks are opened by a concern for a child, a police relapse report and an
applicant under 18 (domain/tasks.py). A municipality sees and completes only
the tasks of the cases it answers for, and a relapse task only as it may read
police's report (``_reports_shown``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.access.categories import Category
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency
from avhopp_shared.errors import NotFound
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    Access,
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.listing import disclosed_page
from avhopp_shared.web.params import NOT_FOUND, Limit, Offset
from avhopp_shared.web.problems import problem_responses
from avhopp_social.domain.tasks import (
    AssessmentOutcome,
    Task,
    TaskKind,
    without_police_check,
)
from avhopp_social.entrypoints.decided import bases_of
from avhopp_social.entrypoints.municipality_scope import municipality_cases, require_municipality
from avhopp_social.service_layer.tasks import complete_task, task_of, tasks

router = APIRouter(tags=["tasks"], responses=problem_responses(401, 403) | NOT_FOUND)

#: Who holds the relapse report a relapse task quotes.
POLICE = Owner(Agency.POLICE.value)


async def _reports_shown(access: Access, found: Iterable[Task]) -> frozenset[str]:
    """The cases of ``found``'s relapse tasks whose police report the caller may read.

    The report is police's ``followup`` (the relapse itself), which reaches social
    services only under the person's consent (README, social services), and a
    social-services recipient of a consent is one municipality (README, "Beyond
    consent"): the service received it under a consent to one, and another
    municipality working the case reads it only under its own. So it is decided per
    caller as police's record, as follow-up's timeline decides the same report."""
    cases = {task.case_id for task in found if task.kind is TaskKind.ASSESS_RELAPSE}
    if not cases:
        return frozenset()
    opened = await bases_of(access, cases, Category.FOLLOWUP, owner=POLICE)
    return frozenset(case for case, basis in opened.items() if basis is not None)


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
    description=(
        "A relapse task is police's report (`followup`): an open one is listed only to a "
        "municipality the person's consent lets read it, and a done one reads without "
        "the id and date of police's register check to any other."
    ),
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
    within = municipality_cases(access.caller)

    async def fetch(size: int, skip: int) -> list[tuple[Task, bool]]:
        """The tasks, each with whether the caller may read the police report it quotes."""
        found = await tasks(
            uow,
            open_only=open,
            kind=kind,
            case_id=case_id,
            within=within,
            limit=size,
            offset=skip,
        )
        shown = await _reports_shown(access, found)
        relapse = TaskKind.ASSESS_RELAPSE
        return [(task, task.kind is not relapse or task.case_id in shown) for task in found]

    async def belongs(row: tuple[Task, bool]) -> bool:
        # An open relapse task is police's report and nothing else (purgers.py); a done
        # one is social services' own assessment, shown without police's check.
        task, report_shown = row
        return report_shown or not task.open

    def public(row: tuple[Task, bool]) -> tuple[str, TaskPublic]:
        task, report_shown = row
        return task.case_id, TaskPublic.of(task if report_shown else without_police_check(task))

    async with uow:
        # Filtered on the task's status and kind and sorted by when it was opened, all
        # ``investigation``: a task is listed only where that is disclosed to the caller,
        # and offset and limit count the tasks shown (README, "Who sees what"; a task of
        # a case on hold takes no place on the page and is not audited).
        disclosures = await disclosed_page(
            access,
            fetch,
            public,
            limit=limit,
            offset=offset,
            filtered_on=[Category.INVESTIGATION],
            belongs=belongs,
        )
    return disclosed_list_response(disclosures)


@router.post(
    "/tasks/{task_id}/completion",
    response_model=disclosed_model(TaskPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("aid_decision.write")],
    summary="Mark a task done; an individual assessment with its outcome",
    description=(
        "An open relapse task a caller may not read police's report of is not listed to "
        "it, and is not found here either (404)."
    ),
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
        found = await task_of(uow, task_id)
        # Only the responsible municipality: completing a task records an individual
        # assessment of the case (continue, adjust the plan, abort; PROCESS.md step
        # 11), no acute help of the municipality of stay's (2 a kap. 2-3 §§ SoL).
        await require_municipality(uow, found.case_id, access.caller, reading=False, acute=False)
        # An open relapse task is police's report: to a caller who may not read it,
        # not listed, it is no task at all (``_reports_shown``).
        relapse = found.kind is TaskKind.ASSESS_RELAPSE and found.open
        if relapse and found.case_id not in await _reports_shown(access, [found]):
            raise NotFound("task", task_id)
        task = await complete_task(uow, task_id, outcome)
        disclosure = await access.disclose(task.case_id, TaskPublic.of(task))
    return disclosed_response(disclosure)
