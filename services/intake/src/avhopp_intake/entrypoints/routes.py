from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from avhopp_intake.domain.application import Applicant
from avhopp_intake.entrypoints.schemas import ApplicationCreate, CasePublic
from avhopp_intake.service_layer.register_application import (
    RegisterApplication,
    get_application,
    register_application,
)
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.params import NOT_FOUND, CaseId

router = APIRouter(tags=["applications"])


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=CasePublic,
    responses={
        200: {
            "model": CasePublic,
            "description": "Replay of an earlier request with the same Idempotency-Key",
        }
    },
    summary="Register an application or referral and open a case",
)
async def post_application(
    body: ApplicationCreate,
    uow: UnitOfWorkDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> CasePublic:
    applicant = body.applicant
    result = await register_application(
        uow,
        RegisterApplication(
            received_at=body.received_at or utcnow(),
            channel=body.channel,
            referral_source=body.referral_source,
            applied_for=tuple(body.applied_for),
            out_of_hours=body.out_of_hours,
            summary=body.summary,
            applicant=Applicant(
                given_name=applicant.given_name,
                family_name=applicant.family_name,
                personal_identity_number=applicant.personal_identity_number,
                phone=applicant.phone,
            ),
            idempotency_key=idempotency_key,
        ),
    )
    response.headers["Location"] = f"/cases/{result.application.case_id}"
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return CasePublic.of(result.application)


@router.get(
    "/cases/{case_id}", response_model=CasePublic, responses=NOT_FOUND, summary="Read a case"
)
async def get_case(case_id: CaseId, uow: UnitOfWorkDep) -> CasePublic:
    return CasePublic.of(await get_application(uow, case_id))
