from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, Header, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from avhopp_intake.adapters.case_repository import IdempotencyKey
from avhopp_intake.domain.application import Applicant
from avhopp_intake.entrypoints.consent_routes import (
    consent_command,
    recorded_by,
    refuse_never_given,
)
from avhopp_intake.entrypoints.municipality_scope import SCOPE
from avhopp_intake.entrypoints.schemas import ApplicationCreate, CasePublic
from avhopp_intake.service_layer.register_application import (
    KeyReused,
    RegisterApplication,
    get_application,
    register_application,
)
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.dependencies import Forbidden
from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipalities import resolve_municipality
from avhopp_shared.policy.access_decision import action_allowed
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import (
    Access,
    AccessDep,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses

IDEMPOTENCY_KEY = "Idempotency-Key"


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


def require_consent_writer(access: Access, municipality: str) -> None:
    """403 unless the caller may record consent in the receiving municipality's case.

    Consent given with an application is recorded as the caller's; only social
    services of the municipality that receives the application record consent
    (``consent.write`` in policies/data/actions.json, as ``POST
    /cases/{id}/consents`` requires). Another agency naming itself as recipient
    in a consent it records would open the case to itself (ACCESS.md, "Consent
    records").
    """
    owner = Owner(Agency.SOCIAL.value, municipality)
    if not action_allowed(access.runtime.policy, access.caller, "consent.write", owner):
        raise Forbidden(
            "only social services of the receiving municipality record consent; "
            "send the application without consents"
        )


def body_fingerprint(body: ApplicationCreate) -> str:
    """sha256 of the validated body as canonical JSON: what a retry must repeat exactly."""
    canonical = json.dumps(
        body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


router = APIRouter(tags=["applications"], responses=problem_responses(401, 403))


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(CasePublic),
    responses={
        200: {
            "model": disclosed_model(CasePublic),
            "description": (
                "Replay of this client's earlier request with the same Idempotency-Key and body"
            ),
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
        str | None, Header(alias=IDEMPOTENCY_KEY, min_length=1, max_length=200)
    ] = None,
) -> JSONResponse:
    applicant = body.applicant
    municipality = receiving_municipality(body.municipality, access.caller)
    if body.consents:
        # Refused before anything is staged: nothing of the application is kept.
        require_consent_writer(access, municipality)
    for index, consent in enumerate(body.consents):
        refuse_never_given(access.runtime.policy, consent, access.caller, f"consents.{index}.")
    command = RegisterApplication(
        received_at=body.received_at or utcnow(),
        channel=body.channel,
        referral_source=body.referral_source,
        applied_for=tuple(body.applied_for),
        out_of_hours=body.out_of_hours,
        summary=body.summary,
        municipality=municipality,
        applicant=Applicant(
            given_name=applicant.given_name,
            family_name=applicant.family_name,
            personal_identity_number=applicant.personal_identity_number,
            phone=applicant.phone,
        ),
        idempotency=None
        if idempotency_key is None
        else IdempotencyKey(access.caller.client_id, idempotency_key, body_fingerprint(body)),
        consents=tuple(consent_command(c) for c in body.consents),
        recorded_by=recorded_by(access.caller),
    )
    # The answer is a disclosure too: a referring agency sees only what the
    # policy lets it see of the case it just opened. The case, its events and
    # the answer's audit entry commit together, or nothing does.
    async with uow:
        try:
            result = await register_application(uow, command)
        except KeyReused as reused:
            # Named as the header, as a 422 for a malformed key is.
            raise RequestValidationError(
                [{"loc": ("header", IDEMPOTENCY_KEY), "msg": str(reused), "type": "key_reused"}]
            ) from None
        case_id = result.application.case_id
        # The case is the receiving municipality's (2 a kap. SoL): social
        # services of another municipality that sent it see the answer as a
        # referrer does, not as its owner.
        owner = Owner(Agency.SOCIAL.value, result.application.municipality)
        disclosure = await access.disclose(case_id, CasePublic.of(result.application), owner=owner)
    response = disclosed_response(
        disclosure, status.HTTP_201_CREATED if result.created else status.HTTP_200_OK, write=True
    )
    # The case id is case_ref: a caller from whom it is withheld must not read
    # it from the header either.
    if "case_ref" in disclosure.disclosed:
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
