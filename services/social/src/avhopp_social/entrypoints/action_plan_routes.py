"""The individual action plan, versioned: goals, measures with their responsible actor."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

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
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses
from avhopp_social.domain.action_plan import ActionPlan, Measure, Responsible
from avhopp_social.entrypoints.municipality_scope import READS, RESPONSIBLE_WRITES
from avhopp_social.service_layer.action_plans import plan_history, record_plan
from avhopp_social.settings import SocialSettings

router = APIRouter(tags=["action plan"], responses=problem_responses(401, 403) | NOT_FOUND)


class MeasureIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "description": "Protected housing",
                    "responsible": "provider",
                    "organisation": "skyddat-boende-ab",
                    "due_on": day(today, 14),
                }
            ]
        )
    )

    description: str = Field(max_length=2000)
    responsible: Responsible = Field(
        description="Who carries the measure out: an agency, another actor, or the person",
        examples=["provider"],
    )
    organisation: str | None = Field(default=None, max_length=200)
    due_on: Day | None = None


class ActionPlanIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "goals": ["A safe home in a new town", "Work or studies within six months"],
                    "measures": [
                        {
                            "description": "Protected housing",
                            "responsible": "provider",
                            "organisation": "skyddat-boende-ab",
                        },
                        {"description": "Weekly support talks", "responsible": "social"},
                    ],
                    "review_on": day(today, 92),
                    "persons_view": "Wants to start studying as soon as possible",
                }
            ]
        )
    )

    #: Each goal is capped as a measure's description is: it is stored, and answered
    #: back, in every version of the plan.
    goals: list[Annotated[str, Field(max_length=2000)]] = Field(min_length=1, max_length=50)
    measures: list[MeasureIn] = Field(min_length=1, max_length=100)
    review_on: Day
    persons_view: str = Field(default="", max_length=5000)


class MeasurePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "description": "Protected housing",
                    "responsible": "provider",
                    "organisation": "skyddat-boende-ab",
                    "due_on": "2026-12-01",
                }
            ]
        }
    )

    description: str
    responsible: str
    organisation: str | None
    due_on: date | None


class ActionPlanPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "version": 1,
                    "goals": ["A safe home in a new town", "Work or studies within six months"],
                    "measures": [
                        {
                            "description": "Protected housing",
                            "responsible": "provider",
                            "organisation": "skyddat-boende-ab",
                            "due_on": "2026-12-01",
                        },
                        {
                            "description": "Weekly support talks",
                            "responsible": "social",
                            "organisation": None,
                            "due_on": None,
                        },
                    ],
                    "review_on": "2027-02-20",
                    "persons_view": "Wants to start studying as soon as possible",
                    "recorded_by": "socialsekreterare-1",
                    "recorded_at": "2026-11-20T14:05:00Z",
                }
            ]
        }
    )

    case_id: str
    version: int
    goals: list[str]
    measures: list[MeasurePublic]
    review_on: date
    persons_view: str
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, made: ActionPlan) -> ActionPlanPublic:
        return cls(
            case_id=made.case_id,
            version=made.version,
            goals=list(made.goals),
            measures=[
                MeasurePublic(
                    description=m.description,
                    responsible=m.responsible,
                    organisation=m.organisation,
                    due_on=m.due_on,
                )
                for m in made.measures
            ],
            review_on=made.review_on,
            persons_view=made.persons_view,
            recorded_by=made.recorded_by,
            recorded_at=made.recorded_at,
        )


# RESPONSIBLE_WRITES: the individual action plan is made after the decision for the
# whole course of the exit (PROCESS.md step 9): not acute help, so not the
# municipality of stay's (2 a kap. 2-3 §§ SoL).
@router.post(
    "/cases/{case_id}/action-plans",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ActionPlanPublic),
    responses=problem_responses(422),
    dependencies=[requires("aid_decision.write"), RESPONSIBLE_WRITES],
    summary="Record a new version of the individual action plan",
    operation_id="recordActionPlan",
)
async def post_plan(
    case_id: CaseId, body: ActionPlanIn, request: Request, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    settings: SocialSettings = request.app.state.settings
    measures = tuple(
        Measure(m.description, m.responsible, m.organisation, m.due_on) for m in body.measures
    )
    async with uow:  # the plan, its event and the answer's audit entry commit together
        made = await record_plan(
            uow,
            case_id,
            goals=tuple(body.goals),
            measures=measures,
            review_on=body.review_on,
            persons_view=body.persons_view,
            by=access.caller.recorded_as,
            # The Swedish date (README: days are Swedish days, Europe/Stockholm).
            today=today_in_sweden(),
            # The providers a commission may name (domain.commission): the same list.
            known_providers=settings.providers,
        )
        disclosure = await access.disclose(case_id, ActionPlanPublic.of(made))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/action-plans",
    response_model=list[disclosed_model(ActionPlanPublic)],  # type: ignore[misc]
    dependencies=[requires("investigation.read"), READS],
    summary="Every version of the action plan, newest first",
    operation_id="listActionPlans",
)
async def get_plans(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        history = await plan_history(uow, case_id)
        disclosures = await access.disclose_each(
            [(case_id, ActionPlanPublic.of(p)) for p in history]
        )
    return disclosed_list_response(disclosures)
