"""Decisions on aid: made by the caseworker's municipality, listed before they expire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

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
from avhopp_social.domain.aid_decision import AidDecision, AidType, Outcome
from avhopp_social.entrypoints.municipality_scope import READS, WRITES, municipality_cases
from avhopp_social.service_layer.aid_decisions import (
    DecideAid,
    decisions_of,
    expiring_decisions,
    record_decision,
)

router = APIRouter(tags=["aid decisions"], responses=problem_responses(401, 403))


class AidDecisionIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "aid_type": "protected_housing",
                    "outcome": "granted",
                    "reasons": "A high threat: the person cannot stay at home",
                    "valid_from": day(today),
                    "valid_to": day(today, 92),
                    "decided_on": day(today),
                }
            ]
        )
    )

    aid_type: AidType
    outcome: Outcome
    reasons: str = Field(max_length=5000)
    valid_from: Day | None = None
    valid_to: Day | None = Field(default=None, description="Absent: not time-limited")
    decided_on: Day


class AidDecisionPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "decision_id": "4a8c2e6f-1b3d-4f5a-9c7e-2d4f6a8b0c1e",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "aid_type": "protected_housing",
                    "outcome": "granted",
                    "reasons": "A high threat: the person cannot stay at home",
                    "valid_from": "2026-11-20",
                    "valid_to": "2027-02-20",
                    "decided_by": "socialsekreterare-1",
                    "decided_on": "2026-11-20",
                    "recorded_at": "2026-11-20T13:42:00Z",
                    "legal_basis": "4 kap. 1 § SoL",
                }
            ]
        }
    )

    decision_id: str
    case_id: str
    aid_type: AidType
    outcome: Outcome
    reasons: str
    valid_from: date | None
    valid_to: date | None
    decided_by: str
    decided_on: date
    recorded_at: datetime
    legal_basis: str

    @classmethod
    def of(cls, decision: AidDecision) -> AidDecisionPublic:
        return cls(
            decision_id=decision.decision_id,
            case_id=decision.case_id,
            aid_type=decision.aid_type,
            outcome=decision.outcome,
            reasons=decision.reasons,
            valid_from=decision.valid_from,
            valid_to=decision.valid_to,
            decided_by=decision.decided_by,
            decided_on=decision.decided_on,
            recorded_at=decision.recorded_at,
            legal_basis=decision.legal_basis,
        )


# WRITES, the municipality of stay included: aid is the acute help it answers for
# (2 a kap. 2-3 §§ SoL), such as protected housing or financial aid while the
# person waits for the responsible municipality's decisions (PROCESS.md step 7).
@router.post(
    "/cases/{case_id}/aid-decisions",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(AidDecisionPublic),
    responses=NOT_FOUND | problem_responses(422),
    dependencies=[requires("aid_decision.write"), WRITES],
    summary="Decide on aid (4 kap. 1 § SoL); granted aid is announced to police as a summary",
    operation_id="decideAid",
)
async def post_decision(
    case_id: CaseId, body: AidDecisionIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    command = DecideAid(
        aid_type=body.aid_type,
        outcome=body.outcome,
        reasons=body.reasons,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        decided_on=body.decided_on,
    )
    by = access.caller.recorded_as
    async with uow:  # the decision, its event and the answer's audit entry commit together
        # The Swedish date (README: days are Swedish days, Europe/Stockholm).
        decision = await record_decision(uow, case_id, command, by, today_in_sweden())
        disclosure = await access.disclose(case_id, AidDecisionPublic.of(decision))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/aid-decisions",
    response_model=list[disclosed_model(AidDecisionPublic)],  # type: ignore[misc]
    responses=NOT_FOUND,
    dependencies=[requires("investigation.read"), READS],
    summary="The decisions on aid of a case, oldest first",
    operation_id="listAidDecisions",
)
async def get_decisions(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        decisions = await decisions_of(uow, case_id)
        disclosures = await access.disclose_each(
            [(case_id, AidDecisionPublic.of(d)) for d in decisions]
        )
    return disclosed_list_response(disclosures)


@router.get(
    "/aid-decisions/expiring",
    response_model=list[disclosed_model(AidDecisionPublic)],  # type: ignore[misc]
    dependencies=[requires("investigation.read")],
    summary="Time-limited aid that ends within the given number of days, soonest first",
    operation_id="listExpiringAidDecisions",
)
async def get_expiring(
    uow: UnitOfWorkDep,
    access: AccessDep,
    within_days: Annotated[int, Query(ge=0, le=366)] = 30,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    # The Swedish date (README: days are Swedish days, Europe/Stockholm).
    today, within = today_in_sweden(), municipality_cases(access.caller)
    async with uow:
        # The listing is a filter on, and is sorted by, the decision's period:
        # decisions data. A decision is listed only where the gate shows the
        # caller that category (ACCESS.md, matrix), else its presence under
        # ``within_days`` would tell when the aid ends (``web.listing``).
        disclosures = await disclosed_page(
            access,
            lambda size, skip: expiring_decisions(
                uow, today, within_days, size, skip, within=within
            ),
            lambda found: (found.case_id, AidDecisionPublic.of(found)),
            limit=limit,
            offset=offset,
            filtered_on=[Category.DECISIONS],
        )
    return disclosed_list_response(disclosures)
