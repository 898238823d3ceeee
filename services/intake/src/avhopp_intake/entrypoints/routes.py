from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, status
from fastapi.responses import JSONResponse

from avhopp_intake.domain.application import Applicant
from avhopp_intake.entrypoints.consent_routes import consent_command, recorded_by
from avhopp_intake.entrypoints.municipality_scope import SCOPE
from avhopp_intake.entrypoints.schemas import ApplicationCreate, CasePublic
from avhopp_intake.service_layer.register_application import (
    RegisterApplication,
    get_application,
    register_application,
)
from avhopp_shared.auth.caller import Caller
from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipalities import resolve_municipality
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses


def receiving_municipality(named: str | None, caller: Caller) -> str:
    """The municipality the application goes to: named, else the social-services caller's own.

    The receiving municipality is responsible until a transfer (2 a kap. SoL),
    and only its social services write in the case.
    """
    if named is not None:
        return resolve_municipality(named, "municipality").code
    if caller.municipality is None:
        raise InvalidInput("municipality", "a referral must name the receiving municipality")
    return caller.municipality


router = APIRouter(tags=["applications"], responses=problem_responses(401, 403))


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(CasePublic),
    responses={
        200: {
            "model": disclosed_model(CasePublic),
            "description": "Replay of an earlier request with the same Idempotency-Key",
        }
    },
    dependencies=[requires("application.create")],
    summary="Register an application or referral and open a case",
    operation_id="registerApplication",
)
async def post_application(
    body: ApplicationCreate,
    uow: UnitOfWorkDep,
    access: AccessDep,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)
    ] = None,
) -> JSONResponse:
    applicant = body.applicant
    command = RegisterApplication(
        received_at=body.received_at or utcnow(),
        channel=body.channel,
        referral_source=body.referral_source,
        applied_for=tuple(body.applied_for),
        out_of_hours=body.out_of_hours,
        summary=body.summary,
        municipality=receiving_municipality(body.municipality, access.caller),
        applicant=Applicant(
            given_name=applicant.given_name,
            family_name=applicant.family_name,
            personal_identity_number=applicant.personal_identity_number,
            phone=applicant.phone,
        ),
        idempotency_key=idempotency_key,
        consents=tuple(consent_command(c) for c in body.consents),
        recorded_by=recorded_by(access.caller),
    )
    # The answer is a disclosure too: a referring agency sees only what the
    # policy lets it see of the case it just opened. The case, its events and
    # the answer's audit entry commit together, or nothing does.
    async with uow:
        result = await register_application(uow, command)
        case_id = result.application.case_id
        disclosure = await access.disclose(case_id, CasePublic.of(result.application))
    response = disclosed_response(
        disclosure, status.HTTP_201_CREATED if result.created else status.HTTP_200_OK, write=True
    )
    response.headers["Location"] = f"/cases/{case_id}"
    return response


@router.get(
    "/cases/{case_id}",
    response_model=disclosed_model(CasePublic),
    responses=NOT_FOUND,
    dependencies=[requires("case.read")],
    summary="Read a case",
    operation_id="readCase",
)
async def get_case(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:  # the read, the municipality's check and its audit entry: one transaction
        application = await get_application(uow, case_id)
        await SCOPE.require(uow, case_id, access.caller, reading=True)
        disclosure = await access.disclose(case_id, CasePublic.of(application))
    return disclosed_response(disclosure)
