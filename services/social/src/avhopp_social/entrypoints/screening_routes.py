"""AUDIT and DUDIT: the caseworker enters the answers, the platform scores them."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, status
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
from avhopp_social.domain.screening import Instrument, Sex
from avhopp_social.entrypoints.municipality_scope import READS, RESPONSIBLE_WRITES
from avhopp_social.service_layer.screenings import Screening, record_screening, screenings_of

router = APIRouter(tags=["screenings"], responses=problem_responses(401, 403) | NOT_FOUND)


class ScreeningIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "instrument": "audit",
                    "answers": [2, 2, 1, 0, 0, 0, 1, 0, 0, 2],
                    "sex": "male",
                    "administered_on": day(today),
                }
            ]
        )
    )

    instrument: Instrument
    answers: list[int] = Field(description="Item scores in order (AUDIT 10 items, DUDIT 11)")
    sex: Sex = Field(description="The published cut-offs differ by sex")
    administered_on: Day


class ScreeningPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "result_id": "f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "instrument": "audit",
                    "answers": [2, 2, 1, 0, 0, 0, 1, 0, 0, 2],
                    "sex": "male",
                    "total": 8,
                    "maximum": 40,
                    "zone": 2,
                    "above_cutoff": True,
                    "probable_dependence": False,
                    "administered_on": "2026-11-20",
                    "administered_by": "socialsekreterare-1",
                }
            ]
        }
    )

    result_id: str
    case_id: str
    instrument: Instrument
    answers: list[int]
    sex: Sex
    total: int
    maximum: int
    zone: int | None = Field(description="AUDIT: the WHO risk zone, 1-4")
    above_cutoff: bool
    probable_dependence: bool
    administered_on: date
    administered_by: str

    @classmethod
    def of(cls, result: Screening) -> ScreeningPublic:
        return cls(
            result_id=result.result_id,
            case_id=result.case_id,
            instrument=result.score.instrument,
            answers=list(result.answers),
            sex=result.sex,
            total=result.score.total,
            maximum=result.score.maximum,
            zone=result.score.zone,
            above_cutoff=result.score.above_cutoff,
            probable_dependence=result.score.probable_dependence,
            administered_on=result.administered_on,
            administered_by=result.administered_by,
        )


# RESPONSIBLE_WRITES: AUDIT and DUDIT are instruments of the investigation
# (PROCESS.md step 3), the responsible municipality's (11 kap. 1 § SoL); the
# municipality of stay gives acute help only (2 a kap. 2-3 §§ SoL).
@router.post(
    "/cases/{case_id}/screenings",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ScreeningPublic),
    responses=problem_responses(422),
    dependencies=[requires("aid_decision.write"), RESPONSIBLE_WRITES],
    summary="Score an AUDIT or DUDIT (an answer out of range is refused naming the item)",
    operation_id="recordScreening",
)
async def post_screening(
    case_id: CaseId, body: ScreeningIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        result = await record_screening(
            uow,
            case_id,
            instrument=body.instrument,
            answers=body.answers,
            sex=body.sex,
            administered_on=body.administered_on,
            by=access.caller.recorded_as,
            # The Swedish date (README: days are Swedish days, Europe/Stockholm).
            today=today_in_sweden(),
        )
        disclosure = await access.disclose(case_id, ScreeningPublic.of(result))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/screenings",
    response_model=list[disclosed_model(ScreeningPublic)],  # type: ignore[misc]
    dependencies=[requires("investigation.read"), READS],
    summary="The AUDIT and DUDIT results of the case, oldest first",
    operation_id="listScreenings",
)
async def get_screenings(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:
        found = await screenings_of(uow, case_id)
        disclosures = await access.disclose_each([(case_id, ScreeningPublic.of(s)) for s in found])
    return disclosed_list_response(disclosures)
