"""The police case and what police record along it: register checks, protective measures.

"Today", which no date may pass and by which a review falls due, is the Swedish day
(``today_in_sweden``; README: days are Swedish days, Europe/Stockholm), never the UTC
date, which lags one or two hours behind every night.
"""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from avhopp_shared.municipal_responsibility import today_in_sweden
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
from avhopp_threat.entrypoints.schemas import (
    AbortIn,
    CompletionIn,
    MeasureStatusIn,
    PoliceCaseIn,
    PoliceCasePublic,
    ProtectiveMeasureIn,
    ProtectiveMeasurePublic,
    RegisterCheckIn,
    RegisterCheckPublic,
)
from avhopp_threat.service_layer.police_case import (
    abort_police_case,
    complete_exit,
    open_police_case,
    police_case_of,
)
from avhopp_threat.service_layer.protective_measures import add_measure, measures_of, move_measure
from avhopp_threat.service_layer.register_checks import add_register_check, register_checks

router = APIRouter(tags=["police case"], responses=problem_responses(401, 403) | NOT_FOUND)
WRITE = problem_responses(422)
CHANGE = problem_responses(409, 422)


@router.post(
    "/cases/{case_id}/register-checks",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(RegisterCheckPublic),
    responses=WRITE,
    dependencies=[requires("threat.write")],
    summary="Record a check of the conviction and suspicion registers (a follow-up hit is a relapse)",
    operation_id="recordRegisterCheck",
)
async def post_check(
    case_id: CaseId, body: RegisterCheckIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        check = await add_register_check(
            uow,
            case_id,
            purpose=body.purpose,
            registers=tuple(body.registers),
            checked_on=body.checked_on,
            hit=body.hit,
            summary=body.summary,
            by=access.caller.recorded_as,
            today=today_in_sweden(),
        )
        disclosure = await access.disclose(case_id, RegisterCheckPublic.of(check))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/register-checks",
    response_model=list[disclosed_model(RegisterCheckPublic)],  # type: ignore[misc]
    dependencies=[requires("threat.read")],
    summary="Every register check of the case, oldest first",
    operation_id="listRegisterChecks",
)
async def get_checks(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        checks = await register_checks(uow, case_id)
        disclosures = await access.disclose_each(
            [(case_id, RegisterCheckPublic.of(c)) for c in checks]
        )
    return disclosed_list_response(disclosures)


@router.post(
    "/cases/{case_id}/protective-measures",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ProtectiveMeasurePublic),
    responses=WRITE,
    dependencies=[requires("threat.write")],
    summary="Apply for or put in place a protective measure",
    operation_id="startProtectiveMeasure",
)
async def post_measure(
    case_id: CaseId, body: ProtectiveMeasureIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        measure = await add_measure(
            uow,
            case_id,
            kind=body.kind,
            started_on=body.started_on,
            note=body.note,
            today=today_in_sweden(),
        )
        disclosure = await access.disclose(case_id, ProtectiveMeasurePublic.of(measure))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.post(
    "/cases/{case_id}/protective-measures/{measure_id}/status",
    response_model=disclosed_model(ProtectiveMeasurePublic),
    responses=WRITE,
    dependencies=[requires("threat.write")],
    summary="Move a protective measure on: granted, refused, ended",
    operation_id="changeProtectiveMeasureStatus",
)
async def post_measure_status(
    case_id: CaseId, measure_id: str, body: MeasureStatusIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        measure = await move_measure(
            uow, case_id, measure_id, body.status, body.on, today_in_sweden()
        )
        disclosure = await access.disclose(case_id, ProtectiveMeasurePublic.of(measure))
    # A change, answered 200: still a write (``disclosed_response``), committed even
    # when the writer may be shown nothing of it, and so never answered 404.
    return disclosed_response(disclosure, write=True)


@router.get(
    "/cases/{case_id}/protective-measures",
    response_model=list[disclosed_model(ProtectiveMeasurePublic)],  # type: ignore[misc]
    dependencies=[requires("threat.read")],
    summary="The protective measures of the case",
    operation_id="listProtectiveMeasures",
)
async def get_measures(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        measures = await measures_of(uow, case_id)
        disclosures = await access.disclose_each(
            [(case_id, ProtectiveMeasurePublic.of(m)) for m in measures]
        )
    return disclosed_list_response(disclosures)


@router.post(
    "/cases/{case_id}/police-case",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(PoliceCasePublic),
    responses=CHANGE,
    dependencies=[requires("police_case.write")],
    summary="Open the police defector case; a refusal lists every unmet condition",
    operation_id="openPoliceCase",
)
async def post_police_case(
    case_id: CaseId, body: PoliceCaseIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        case = await open_police_case(
            uow,
            case_id,
            motivated=body.motivated,
            conditions_form_signed_on=body.conditions_form_signed_on,
            witness=body.witness,
            by=access.caller.recorded_as,
            today=today_in_sweden(),
        )
        disclosure = await access.disclose(case_id, PoliceCasePublic.of(case))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/police-case",
    response_model=disclosed_model(PoliceCasePublic),
    dependencies=[requires("threat.read")],
    summary="The police defector case and its status",
    operation_id="readPoliceCase",
)
async def get_police_case(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        case = await police_case_of(uow, case_id)
        disclosure = await access.disclose(case_id, PoliceCasePublic.of(case))
    return disclosed_response(disclosure)


@router.post(
    "/cases/{case_id}/police-case/abort",
    response_model=disclosed_model(PoliceCasePublic),
    responses=CHANGE,
    dependencies=[requires("police_case.write")],
    summary="Abort the police case (social services' support may go on without police)",
    operation_id="abortPoliceCase",
)
async def post_abort(
    case_id: CaseId, body: AbortIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        case = await abort_police_case(
            uow, case_id, reason=body.reason, by=access.caller.recorded_as, today=today_in_sweden()
        )
        disclosure = await access.disclose(case_id, PoliceCasePublic.of(case))
    # Committed and announced whatever the writer may be shown: a write (200).
    return disclosed_response(disclosure, write=True)


@router.post(
    "/cases/{case_id}/police-case/completion",
    response_model=disclosed_model(PoliceCasePublic),
    responses=CHANGE,
    dependencies=[requires("police_case.write")],
    summary="Decide a completed exit: the plan carried out and no relapse since opening",
    operation_id="completeExit",
)
async def post_completion(
    case_id: CaseId, body: CompletionIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        case = await complete_exit(
            uow,
            case_id,
            plan_carried_out=body.plan_carried_out,
            by=access.caller.recorded_as,
            today=today_in_sweden(),
        )
        disclosure = await access.disclose(case_id, PoliceCasePublic.of(case))
    # Committed and announced whatever the writer may be shown: a write (200).
    return disclosed_response(disclosure, write=True)
