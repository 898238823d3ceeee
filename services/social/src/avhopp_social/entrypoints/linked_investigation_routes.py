"""Family members' own investigations, linked to the person's case (004 Del 4)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, status
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
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses
from avhopp_social.domain.linked_investigation import LinkedInvestigation, Relation
from avhopp_social.entrypoints.municipality_scope import READS, RESPONSIBLE_WRITES
from avhopp_social.service_layer.linked_investigations import (
    linked_investigations,
    open_linked_investigation,
)
from avhopp_social.settings import SocialSettings

router = APIRouter(tags=["investigation"], responses=problem_responses(401, 403) | NOT_FOUND)


class LinkedInvestigationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "relation": "partner",
                    "needs": "Threatened by the same network; needs protected housing of her own",
                }
            ]
        },
    )

    relation: Relation
    needs: str = Field(
        min_length=1, max_length=5000, description="The family member's own needs: the matter"
    )


class LinkedInvestigationPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "investigation_id": "0d6b8c1e-2f4a-4b5c-9d7e-3a1b2c4d5e6f",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "relation": "partner",
                    "needs": "Threatened by the same network; needs protected housing of her own",
                    "opened_at": "2026-11-20T09:00:00Z",
                    "start_deadline": "2026-11-21T09:00:00Z",
                    "opened_by": "socialsekreterare-1",
                    "legal_basis": "11 kap. 1 § SoL",
                }
            ]
        }
    )

    investigation_id: str
    case_id: str
    relation: Relation
    needs: str
    opened_at: datetime
    start_deadline: datetime
    opened_by: str
    legal_basis: str

    @classmethod
    def of(cls, linked: LinkedInvestigation) -> LinkedInvestigationPublic:
        return cls(
            investigation_id=linked.investigation_id,
            case_id=linked.case_id,
            relation=linked.relation,
            needs=linked.needs,
            opened_at=linked.opened_at,
            start_deadline=linked.start_deadline,
            opened_by=linked.opened_by,
            legal_basis=linked.legal_basis,
        )


# RESPONSIBLE_WRITES: opening an investigation (11 kap. 1 § SoL) is the responsible
# municipality's; the municipality of stay gives acute help only (2 a kap. 2-3 §§ SoL).
@router.post(
    "/cases/{case_id}/linked-investigations",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(LinkedInvestigationPublic),
    responses=problem_responses(422),
    dependencies=[requires("aid_decision.write"), RESPONSIBLE_WRITES],
    summary="Open an investigation of a family member's own needs, linked to the case",
    operation_id="openLinkedInvestigation",
)
async def post_linked(
    case_id: CaseId,
    body: LinkedInvestigationIn,
    request: Request,
    uow: UnitOfWorkDep,
    access: AccessDep,
) -> JSONResponse:
    settings: SocialSettings = request.app.state.settings
    rule = settings.deadline_rule
    async with uow:
        linked = await open_linked_investigation(
            uow,
            case_id,
            relation=body.relation,
            needs=body.needs,
            rule=rule,
            by=access.caller.recorded_as,
        )
        disclosure = await access.disclose(case_id, LinkedInvestigationPublic.of(linked))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/linked-investigations",
    response_model=list[disclosed_model(LinkedInvestigationPublic)],  # type: ignore[misc]
    dependencies=[requires("investigation.read"), READS],
    summary="The family members' investigations linked to the case, oldest first",
    operation_id="listLinkedInvestigations",
)
async def get_linked(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        found = await linked_investigations(uow, case_id)
        disclosures = await access.disclose_each(
            [(case_id, LinkedInvestigationPublic.of(linked)) for linked in found]
        )
    return disclosed_list_response(disclosures)
