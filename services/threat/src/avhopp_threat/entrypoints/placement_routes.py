"""Placement: which towns suit the person, the rival check, and where the person is placed.

"Today", which no date may pass and by which a review falls due, is the Swedish day
(``today_in_sweden``; README: days are Swedish days, Europe/Stockholm), never the UTC
date, which lags one or two hours behind every night.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from avhopp_shared.auth.dependencies import Forbidden
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.municipalities import resolve_municipality
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web.disclosure import (
    Access,
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_record,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses
from avhopp_threat.domain.placement import TownJudgement
from avhopp_threat.domain.rival_check import MAX_PROPOSED_TOWNS
from avhopp_threat.entrypoints.schemas import (
    PlacementAssessmentIn,
    PlacementAssessmentPublic,
    PlacementAssessmentRecordPublic,
    PlacementIn,
    PlacementPublic,
    RivalCheckPublic,
    RivalFlagPublic,
)
from avhopp_threat.service_layer.placement import (
    Reader,
    on_case_team,
    placement_assessments,
    placement_of,
    record_placement,
    record_placement_assessment,
    rival_check,
)

router = APIRouter(tags=["placement"], responses=problem_responses(401, 403) | NOT_FOUND)

NOT_ON_TEAM = (
    "placement assessments and rival checks of a case are for the named members of its team"
)


async def _require_case_team(uow: UnitOfWork, access: Access, case_id: str) -> None:
    """403 unless the caller is a named member of the case's team, as the gate knows it.

    A rival check answers where other cases' protected persons are placed (a
    ``placed`` flag): their ``protected_location``, which ACCESS.md opens to
    police only as "team (placement unit)", never the whole agency. So only the
    case's named team, the placement unit among it, assesses towns and checks
    rivals for it; any other officer could otherwise read another case's
    networks, write them into some case's threat assessment and check towns
    until the other case's new home town is flagged.
    """
    state, _ = (await access.runtime.gate.states_of(uow.session, [case_id]))[case_id]
    if not on_case_team(state, access.caller):
        raise Forbidden(NOT_ON_TEAM)


def _reader(access: Access, resource: type[BaseModel]) -> Reader:
    return Reader(access.caller, access.purpose.value, resource.__name__)


@router.post(
    "/cases/{case_id}/placement-assessments",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(PlacementAssessmentPublic),
    responses=problem_responses(422),
    dependencies=[requires("threat.write")],
    summary="Judge towns suitable or unsuitable; suitable ones are rival-checked at once",
    description="For the named members of the case's team only (403 otherwise). At most "
    f"{MAX_PROPOSED_TOWNS} towns are judged suitable (422 naming the first beyond them): "
    "each is rival-checked, as the ad-hoc check is. A town flagged `placed` discloses "
    "another case's new home town: that case's audit trail records it and its owner gets "
    "the `case.protected_location_read` alert; the answer never names the other case.",
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
        await _require_case_team(uow, access, case_id)
        checked = await record_placement_assessment(
            uow, case_id, towns, _reader(access, PlacementAssessmentPublic)
        )
        public = PlacementAssessmentPublic.of(
            checked.version, checked.assessment, checked.rival_flags
        )
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/placement-assessments",
    response_model=list[disclosed_model(PlacementAssessmentRecordPublic)],  # type: ignore[misc]
    dependencies=[requires("threat.read")],
    summary="Every placement assessment of the case, newest first",
    description="The towns judged, without rival flags: flags are answered only when the "
    "check runs (the assessment's own answer, or the rival check), and none are kept.",
    operation_id="listPlacementAssessments",
)
async def get_placement_assessments(
    case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        found = await placement_assessments(uow, case_id)
        # No flags read back: an empty list would say a flagged town was checked
        # clean, and a kept ``placed`` flag would show another case's home town
        # again, unaudited (``PlacementAssessmentRecordPublic``).
        disclosures = await access.disclose_each(
            [(case_id, PlacementAssessmentRecordPublic.of(v, a)) for v, a in found]
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
    "case is ever named. For the named members of the case's team only (403 otherwise), "
    f"at most {MAX_PROPOSED_TOWNS} towns a check (422 naming `towns` otherwise), as many "
    "as a placement assessment weighs. A town flagged `placed` discloses another case's "
    "new home town: that case's audit trail records it and its owner gets the "
    "`case.protected_location_read` alert.",
    operation_id="checkRivals",
)
async def get_rival_check(
    case_id: CaseId,
    uow: UnitOfWorkDep,
    access: AccessDep,
    towns: Annotated[list[str], Query(min_length=1, max_length=MAX_PROPOSED_TOWNS)],
) -> JSONResponse:
    codes = [
        resolve_municipality(town, f"towns.{index}", "query").code
        for index, town in enumerate(towns)
    ]
    async with uow:
        await _require_case_team(uow, access, case_id)
        flags = await rival_check(uow, case_id, codes, _reader(access, RivalCheckPublic))
        public = RivalCheckPublic(
            case_id=case_id,
            towns_checked=codes,
            rival_flags=[RivalFlagPublic.of(flag) for flag in flags],
        )
        disclosure = await access.disclose(case_id, public)
    # The check's own fields are placement data (catalogue): a caller it is
    # withheld from gets a 404, not a stub that would still say the case has a
    # current threat assessment to check against (``disclosed_record``).
    return disclosed_record(disclosure)


@router.post(
    "/cases/{case_id}/placement",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(PlacementPublic),
    responses=problem_responses(422),
    dependencies=[requires("threat.write")],
    summary="Record the town the person is placed in: for the named case team only",
    description="For the named members of the case's team only (403 otherwise), as is "
    "reading it back.",
    operation_id="recordPlacement",
)
async def post_placement(
    case_id: CaseId, body: PlacementIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    code = resolve_municipality(body.municipality, "municipality").code
    async with uow:
        # Where the person lives moves the case's "placed" presence in every rival
        # check: only the case's named team, the placement unit among it, records it
        # (ACCESS.md: protected_location is police's only as "team (placement unit)").
        await _require_case_team(uow, access, case_id)
        placement = await record_placement(
            uow, case_id, code, body.placed_on, access.caller.recorded_as, today_in_sweden()
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
    description="Anyone off the team gets the 404 of a case not yet placed: whether the "
    "person is placed at all is for the team alone.",
    operation_id="readPlacement",
)
async def get_placement(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        placement = await placement_of(uow, case_id)
        disclosure = await access.disclose(case_id, PlacementPublic.of(placement))
    # That the person is placed at all is the placement's own news, the team's
    # alone (ACCESS.md, protected_location): off the team, shown the case
    # reference alone, the reader gets the same 404 as for a case not yet
    # placed (``disclosed_record``; the read is audited all the same).
    return disclosed_record(disclosure)
