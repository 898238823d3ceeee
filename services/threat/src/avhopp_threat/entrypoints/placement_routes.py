"""Placement: which towns suit the person, the rival check, and where the person is placed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipalities import resolve_municipality
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
from avhopp_threat.domain.placement import TownJudgement
from avhopp_threat.entrypoints.schemas import (
    PlacementAssessmentIn,
    PlacementAssessmentPublic,
    PlacementIn,
    PlacementPublic,
    RivalCheckPublic,
    RivalFlagPublic,
)
from avhopp_threat.service_layer.placement import (
    placement_assessments,
    placement_of,
    record_placement,
    record_placement_assessment,
    rival_check,
)

router = APIRouter(tags=["placement"], responses=problem_responses(401, 403) | NOT_FOUND)


@router.post(
    "/cases/{case_id}/placement-assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(PlacementAssessmentPublic),
    responses=problem_responses(422),
    dependencies=[requires("threat.write")],
    summary="Judge towns suitable or unsuitable; suitable ones are rival-checked at once",
    operation_id="recordPlacementAssessment",
)
async def post_placement_assessment(
    case_id: CaseId, body: PlacementAssessmentIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    towns = [
        TownJudgement(
            resolve_municipality(town.municipality, f"towns.{index}.municipality").code,
            town.suitable,
            town.reason,
        )
        for index, town in enumerate(body.towns)
    ]
    async with uow:
        checked = await record_placement_assessment(uow, case_id, towns, access.caller.recorded_as)
        public = PlacementAssessmentPublic.of(
            checked.version, checked.assessment, checked.rival_flags
        )
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/placement-assessments",
    response_model=list[disclosed_model(PlacementAssessmentPublic)],  # type: ignore[misc]
    dependencies=[requires("threat.read")],
    summary="Every placement assessment of the case, newest first",
    operation_id="listPlacementAssessments",
)
async def get_placement_assessments(
    case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        found = await placement_assessments(uow, case_id)
        disclosures = await access.disclose_each(
            [(case_id, PlacementAssessmentPublic.of(v, a)) for v, a in found]
        )
    return disclosed_list_response(disclosures)


@router.get(
    "/cases/{case_id}/rival-check",
    response_model=disclosed_model(RivalCheckPublic),
    responses=problem_responses(422),
    dependencies=[requires("threat.write")],
    summary="Check proposed towns against the networks threatening the person",
    description="Flags each town where a person tied to, or a threat actor of, a network "
    "threatening this person is placed or lives, across all open police cases. No other "
    "case is ever named.",
    operation_id="checkRivals",
)
async def get_rival_check(
    case_id: CaseId,
    uow: UnitOfWorkDep,
    access: AccessDep,
    towns: Annotated[list[str], Query(min_length=1, max_length=290)],
) -> JSONResponse:
    codes = [resolve_municipality(town, f"towns.{index}").code for index, town in enumerate(towns)]
    async with uow:
        flags = await rival_check(uow, case_id, codes)
        public = RivalCheckPublic(
            case_id=case_id,
            towns_checked=codes,
            rival_flags=[RivalFlagPublic.of(flag) for flag in flags],
        )
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure)


@router.post(
    "/cases/{case_id}/placement",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(PlacementPublic),
    responses=problem_responses(422),
    dependencies=[requires("threat.write")],
    summary="Record the town the person is placed in (only the case team reads it back)",
    operation_id="recordPlacement",
)
async def post_placement(
    case_id: CaseId, body: PlacementIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    code = resolve_municipality(body.municipality, "municipality").code
    async with uow:
        placement = await record_placement(
            uow, case_id, code, body.placed_on, access.caller.recorded_as, utcnow().date()
        )
        disclosure = await access.disclose(case_id, PlacementPublic.of(placement))
    # Written even when the writer may not read it back: the answer then lists
    # every category as withheld (disclosed_response on a write).
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/placement",
    response_model=disclosed_model(PlacementPublic),
    dependencies=[requires("threat.read")],
    summary="The town the person is placed in: for the named case team only",
    operation_id="readPlacement",
)
async def get_placement(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        placement = await placement_of(uow, case_id)
        disclosure = await access.disclose(case_id, PlacementPublic.of(placement))
    return disclosed_response(disclosure)
