"""Results of external instruments: health ones (HCR-20, ASI) and the risk picture
(RBM-B, YLS/CMI, SAVRY) are separate resources, because they are separate categories."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.access.gate import Disclosure
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
from avhopp_social.domain.external_assessment import (
    ExternalResult,
    HealthInstrument,
    RiskInstrument,
)
from avhopp_social.entrypoints.municipality_scope import READS, RESPONSIBLE_WRITES
from avhopp_social.service_layer.external_results import record_result, results_of

router = APIRouter(tags=["assessments"], responses=problem_responses(401, 403) | NOT_FOUND)
# RESPONSIBLE_WRITES: HCR-20, ASI, RBM-B and the youth instruments are part of
# the investigation (PROCESS.md step 3), which the responsible municipality
# makes (11 kap. 1 § SoL); the municipality of stay gives acute help only
# (2 a kap. 2-3 §§ SoL).
WRITE = [requires("aid_decision.write"), RESPONSIBLE_WRITES]
READ = [requires("investigation.read"), READS]


class _Result(BaseModel):
    assessed_on: Day
    assessor: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=5000)


class HealthResultIn(_Result):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "instrument": "hcr_20",
                    "assessed_on": day(today),
                    "assessor": "Psykiatrimottagningen Lund",
                    "summary": "Moderate risk of violence; lower with a stable home",
                }
            ]
        )
    )

    instrument: HealthInstrument


class RiskResultIn(_Result):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "instrument": "rbm_b",
                    "assessed_on": day(today),
                    "assessor": "Frivården Malmö",
                    "summary": "High needs in associates and substance use; motivated to change",
                }
            ]
        )
    )

    instrument: RiskInstrument


class HealthResultPublic(HealthResultIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "result_id": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "instrument": "hcr_20",
                    "assessed_on": "2026-11-10",
                    "assessor": "Psykiatrimottagningen Lund",
                    "summary": "Moderate risk of violence; lower with a stable home",
                }
            ]
        }
    )

    result_id: str
    case_id: str


class RiskResultPublic(RiskResultIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "result_id": "d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "instrument": "rbm_b",
                    "assessed_on": "2026-11-10",
                    "assessor": "Frivården Malmö",
                    "summary": "High needs in associates and substance use; motivated to change",
                }
            ]
        }
    )

    result_id: str
    case_id: str


def _fields(result: ExternalResult) -> dict[str, object]:
    return {
        "result_id": result.result_id,
        "case_id": result.case_id,
        "instrument": result.instrument,
        "assessed_on": result.assessed_on,
        "assessor": result.assessor,
        "summary": result.summary,
    }


async def _record(
    case_id: str,
    body: HealthResultIn | RiskResultIn,
    public: type[HealthResultPublic] | type[RiskResultPublic],
    uow: UnitOfWorkDep,
    access: AccessDep,
) -> Disclosure:
    async with uow:
        result = await record_result(
            uow,
            case_id,
            instrument=body.instrument,
            assessed_on=body.assessed_on,
            assessor=body.assessor,
            summary=body.summary,
            # The Swedish date (README: days are Swedish days, Europe/Stockholm).
            today=today_in_sweden(),
        )
        return await access.disclose(case_id, public.model_validate(_fields(result)))


@router.post(
    "/cases/{case_id}/health-results",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(HealthResultPublic),
    responses=problem_responses(422),
    dependencies=WRITE,
    summary="Record an HCR-20 or ASI result (health)",
    operation_id="recordHealthResult",
)
async def post_health(
    case_id: CaseId, body: HealthResultIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    disclosure = await _record(case_id, body, HealthResultPublic, uow, access)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.post(
    "/cases/{case_id}/risk-results",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(RiskResultPublic),
    responses=problem_responses(422),
    dependencies=WRITE,
    summary="Record an RBM-B, YLS/CMI or SAVRY result (the investigation's risk picture)",
    operation_id="recordRiskResult",
)
async def post_risk(
    case_id: CaseId, body: RiskResultIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    disclosure = await _record(case_id, body, RiskResultPublic, uow, access)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/health-results",
    response_model=list[disclosed_model(HealthResultPublic)],  # type: ignore[misc]
    dependencies=READ,
    summary="HCR-20 and ASI results, oldest first",
    operation_id="listHealthResults",
)
async def get_health(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        found = await results_of(uow, case_id, set(HealthInstrument))
        disclosures = await access.disclose_each(
            [(case_id, HealthResultPublic.model_validate(_fields(r))) for r in found]
        )
    return disclosed_list_response(disclosures)


@router.get(
    "/cases/{case_id}/risk-results",
    response_model=list[disclosed_model(RiskResultPublic)],  # type: ignore[misc]
    dependencies=READ,
    summary="RBM-B, YLS/CMI and SAVRY results, oldest first",
    operation_id="listRiskResults",
)
async def get_risk(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        found = await results_of(uow, case_id, set(RiskInstrument))
        disclosures = await access.disclose_each(
            [(case_id, RiskResultPublic.model_validate(_fields(r))) for r in found]
        )
    return disclosed_list_response(disclosures)
