from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.access.categories import Category
from avhopp_shared.events.case_events import AppliedFor
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.service_app import UnitOfWorkDep
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
from avhopp_social.domain.investigation import Investigation, InvestigationStatus, NeedArea
from avhopp_social.entrypoints.municipality_scope import (
    READS,
    RESPONSIBLE_WRITES,
    municipality_cases,
)
from avhopp_social.service_layer.handlers import (
    get_investigation,
    list_investigations,
    start_investigation,
)

router = APIRouter(
    tags=["investigations"],
    responses=problem_responses(401, 403),
    dependencies=[requires("investigation.read")],
)
#: Writes about the investigation: social services only (their own action check).
scope_router = APIRouter(tags=["investigations"], responses=problem_responses(401, 403))


class InvestigationPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "status": "awaiting_start",
                    "legal_basis": "11 kap. 1 § SoL",
                    "received_at": "2026-11-19T10:15:00Z",
                    "opened_at": "2026-11-19T10:15:02Z",
                    "start_deadline": "2026-11-20T10:15:00Z",
                    "overdue": False,
                    "applied_for": ["protected_housing", "financial_aid"],
                    "out_of_hours": False,
                }
            ]
        }
    )

    case_id: str
    status: InvestigationStatus
    legal_basis: str
    received_at: datetime
    opened_at: datetime
    start_deadline: datetime
    overdue: bool
    applied_for: list[AppliedFor]
    out_of_hours: bool

    @classmethod
    def of(cls, investigation: Investigation) -> InvestigationPublic:
        return cls(
            case_id=investigation.case_id,
            status=investigation.status,
            legal_basis=investigation.legal_basis,
            received_at=investigation.received_at,
            opened_at=investigation.opened_at,
            start_deadline=investigation.start_deadline,
            overdue=investigation.is_overdue(utcnow()),
            applied_for=list(investigation.applied_for),
            out_of_hours=investigation.out_of_hours,
        )


@router.get(
    "/cases/{case_id}/investigation",
    response_model=disclosed_model(InvestigationPublic),
    responses=NOT_FOUND,
    dependencies=[READS],
    summary="The investigation opened for a case, with its start deadline",
    operation_id="readInvestigation",
)
async def read_investigation(
    case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:  # the read and its audit entry: one transaction
        investigation = await get_investigation(uow, case_id)
        disclosure = await access.disclose(case_id, InvestigationPublic.of(investigation))
    return disclosed_response(disclosure)


@router.get(
    "/investigations",
    response_model=list[disclosed_model(InvestigationPublic)],  # type: ignore[misc]
    summary="Investigations, earliest start deadline first",
    operation_id="listInvestigations",
)
async def read_investigations(
    uow: UnitOfWorkDep,
    access: AccessDep,
    overdue: Annotated[
        bool, Query(description="Only those not started whose start deadline has passed")
    ] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    within = municipality_cases(access.caller)
    async with uow:  # the read and its audit entries: one transaction
        # Overdue is the investigation's status and deadline: only where the
        # gate shows the caller that category may a case be listed as overdue
        # (ACCESS.md, matrix; ``web.listing``). The order, by start deadline,
        # follows from the case's received time (case_ref) and tells no more.
        disclosures = await disclosed_page(
            access,
            lambda size, skip: list_investigations(uow, size, skip, overdue=overdue, within=within),
            lambda found: (found.case_id, InvestigationPublic.of(found)),
            limit=limit,
            offset=offset,
            filtered_on=[Category.INVESTIGATION] if overdue else [],
        )
    return disclosed_list_response(disclosures, one_per_case=True)


class ScopeIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "areas_in": ["housing", "substance_use", "debt"],
                    "areas_out": ["family"],
                    "agreed_with_person": True,
                }
            ]
        }
    )

    areas_in: list[NeedArea] = Field(min_length=1)
    areas_out: list[NeedArea] = Field(default_factory=list)
    agreed_with_person: bool = Field(description="The scope was chosen with the person")


class ScopePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "status": "in_progress",
                    "areas_in": ["housing", "substance_use", "debt"],
                    "areas_out": ["family"],
                    "recorded_by": "socialsekreterare-1",
                    "recorded_at": "2026-11-20T09:30:00Z",
                }
            ]
        }
    )

    case_id: str
    status: InvestigationStatus
    areas_in: list[NeedArea]
    areas_out: list[NeedArea]
    recorded_by: str
    recorded_at: datetime


# RESPONSIBLE_WRITES: starting the investigation and choosing its areas with the
# person (11 kap. 1 § SoL) is the responsible municipality's; the municipality of
# stay gives acute help only (2 a kap. 2-3 §§ SoL).
@scope_router.post(
    "/cases/{case_id}/investigation/scope",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ScopePublic),
    responses=NOT_FOUND | problem_responses(422),
    dependencies=[requires("aid_decision.write"), RESPONSIBLE_WRITES],
    summary="Start the investigation with the areas chosen with the person (in and out)",
    operation_id="startInvestigation",
)
async def post_scope(
    case_id: CaseId, body: ScopeIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        started, scope = await start_investigation(
            uow,
            case_id,
            areas_in=tuple(body.areas_in),
            areas_out=tuple(body.areas_out),
            agreed_with_person=body.agreed_with_person,
            by=access.caller.recorded_as,
        )
        public = ScopePublic(
            case_id=case_id,
            status=started.status,
            areas_in=list(scope.areas_in),
            areas_out=list(scope.areas_out),
            recorded_by=scope.recorded_by,
            recorded_at=scope.recorded_at,
        )
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)
