"""Needs mapping: the eight RBM areas rated and noted, other needs where they apply."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
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
from avhopp_social.domain.needs_mapping import NeedsMapping, OtherNeed, Rated, Rating, RbmArea
from avhopp_social.entrypoints.municipality_scope import READS, RESPONSIBLE_WRITES
from avhopp_social.service_layer.needs_mappings import mapping_history, record_mapping

router = APIRouter(tags=["needs mapping"], responses=problem_responses(401, 403) | NOT_FOUND)


class RatedIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"rating": "high", "notes": "No safe home"}]}
    )

    rating: Rating
    notes: str = Field(default="", max_length=5000)


class NeedsMappingIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "risk_areas": {
                        area.value: {"rating": "moderate", "notes": "Synthetic note"}
                        for area in RbmArea
                    },
                    "other_needs": {"housing": {"rating": "high", "notes": "No safe home"}},
                }
            ]
        }
    )

    risk_areas: dict[RbmArea, RatedIn] = Field(description="All eight RBM areas")
    other_needs: dict[OtherNeed, RatedIn] = Field(default_factory=dict)


class NeedsMappingPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "version": 1,
                    "risk_areas": {
                        area.value: {"rating": "moderate", "notes": "Synthetic note"}
                        for area in RbmArea
                    },
                    "other_needs": {"housing": {"rating": "high", "notes": "No safe home"}},
                    "mapped_by": "socialsekreterare-1",
                    "recorded_at": "2026-11-20T15:10:00Z",
                }
            ]
        }
    )

    case_id: str
    version: int
    risk_areas: dict[RbmArea, RatedIn]
    other_needs: dict[OtherNeed, RatedIn]
    mapped_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, mapping: NeedsMapping) -> NeedsMappingPublic:
        def public(rated: Rated) -> RatedIn:
            return RatedIn(rating=rated.rating, notes=rated.notes)

        return cls(
            case_id=mapping.case_id,
            version=mapping.version,
            risk_areas={area: public(r) for area, r in mapping.risk_areas.items()},
            other_needs={need: public(r) for need, r in mapping.other_needs.items()},
            mapped_by=mapping.mapped_by,
            recorded_at=mapping.recorded_at,
        )


# RESPONSIBLE_WRITES: the needs mapping is the investigation (PROCESS.md step 3,
# 11 kap. 1 § SoL), the responsible municipality's; the municipality of stay
# gives acute help only (2 a kap. 2-3 §§ SoL).
@router.post(
    "/cases/{case_id}/needs-mappings",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(NeedsMappingPublic),
    responses=problem_responses(422),
    dependencies=[requires("aid_decision.write"), RESPONSIBLE_WRITES],
    summary="Record a needs mapping: each RBM area rated and noted",
    operation_id="recordNeedsMapping",
)
async def post_mapping(
    case_id: CaseId, body: NeedsMappingIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        made = await record_mapping(
            uow,
            case_id,
            risk_areas={a: Rated(r.rating, r.notes) for a, r in body.risk_areas.items()},
            other_needs={n: Rated(r.rating, r.notes) for n, r in body.other_needs.items()},
            by=access.caller.recorded_as,
        )
        disclosure = await access.disclose(case_id, NeedsMappingPublic.of(made))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/needs-mappings",
    response_model=list[disclosed_model(NeedsMappingPublic)],  # type: ignore[misc]
    dependencies=[requires("investigation.read"), READS],
    summary="Every version of the needs mapping, newest first",
    operation_id="listNeedsMappings",
)
async def get_mappings(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        history = await mapping_history(uow, case_id)
        disclosures = await access.disclose_each(
            [(case_id, NeedsMappingPublic.of(m)) for m in history]
        )
    return disclosed_list_response(disclosures)
