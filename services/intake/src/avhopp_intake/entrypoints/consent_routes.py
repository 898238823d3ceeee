"""Consent records on a case: record, list, read, withdraw (ACCESS.md, "Consent records")."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from avhopp_intake.domain.consent import RecordedBy, Withdrawal
from avhopp_intake.domain.recipients import by_municipality_code, closed_to, for_municipality
from avhopp_intake.entrypoints.consent_schemas import ConsentCreate, ConsentPublic, WithdrawalCreate
from avhopp_intake.entrypoints.municipality_scope import READS, RESPONSIBLE_WRITES
from avhopp_intake.service_layer.consents import (
    RecordConsent,
    get_consent,
    grant_consent,
    list_consents,
    withdraw_consent,
)
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipalities import UnknownMunicipality
from avhopp_shared.policy.agency_categories import category_list, never_given
from avhopp_shared.policy.engine import PolicyEngine
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

router = APIRouter(tags=["consents"], responses=problem_responses(401, 403))


def recorded_by(caller: Caller) -> RecordedBy:
    return RecordedBy(
        client_id=caller.client_id,
        agency=caller.agency.value,
        organisation=caller.organisation,
        user=caller.user,
    )


def consent_command(body: ConsentCreate) -> RecordConsent:
    return RecordConsent(
        recipients=tuple(body.recipients),
        categories=tuple(body.categories),
        purposes=tuple(body.purposes),
        valid_from=body.valid_from or utcnow(),
        valid_to=body.valid_to,
        method=body.method,
        document_reference=body.document_reference,
        oral_note=body.oral_note,
    )


#: The categories a consent could never open to one recipient (policies/actions/consent.rego).
CONSENT_CLOSED_RULE = "data.avhopp.actions.consent_closed"


def refuse_never_given(
    policy: PolicyEngine, body: ConsentCreate, recorder: Caller, prefix: str = ""
) -> None:
    """422 (``{prefix}categories``) for a category the consent could never open to a
    recipient: its cell is "none" (ACCESS.md, baseline matrix), or "own" of records the
    recipient does not all hold itself (policies/README.md, the cells: only ownership
    opens an "own" cell; probation's criminal history is its own records only, and the
    person's identity is the responsible municipality's, not another's). Police and
    their threat picture, or the recording municipality and its own records, are not
    refused: the recipient reads them anyway. As for a legal basis and break-glass:
    recorded, the consent would open nothing there, yet be reported active and
    announced to every service as opening it. A policy that gives no answer fails the
    request (503), as any disclosure then would."""
    categories = [category.value for category in body.categories]
    for recipient in body.recipients:
        named = _as_recorded(recipient, recorder)
        closed = _closed(policy, recorder, named, categories)
        if closed:
            whom = closed_to(named, recorder.agency.value)
            raise InvalidInput(f"{prefix}categories", never_given(closed, whom))


def _as_recorded(recipient: Recipient, recorder: Caller) -> Recipient:
    """The recipient as the consent will record it (``domain/consent.py``): a
    social-services municipality by its code, the recorder's when it names none.

    One that names no municipality is asked about as the whole agency, which
    includes the recorder, so only its "none" cells count here: the domain then
    refuses it naming ``recipients.N.organisation``, the field actually wrong."""
    try:
        named = by_municipality_code(recipient, "organisation")
    except UnknownMunicipality:
        return Recipient(agency=recipient.agency)
    if recorder.agency is Agency.SOCIAL:
        return for_municipality(named, recorder.organisation)
    return named


def _closed(
    policy: PolicyEngine, recorder: Caller, recipient: Recipient, categories: list[str]
) -> list[str]:
    """The sorted categories of ``categories`` closed to ``recipient``; fails closed
    (``PolicyError``, 503) on any answer that is not a list of categories."""
    policy_input = {
        "caller": recorder.as_policy_input(),
        "recipient": recipient.model_dump(),
        "categories": categories,
    }
    return sorted(category_list(policy, CONSENT_CLOSED_RULE, policy_input))


@router.post(
    "/cases/{case_id}/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ConsentPublic),
    responses=NOT_FOUND,
    dependencies=[requires("consent.write"), RESPONSIBLE_WRITES],
    summary="Record the person's consent to information exchange",
    operation_id="recordConsent",
)
async def post_consent(
    case_id: CaseId, body: ConsentCreate, uow: UnitOfWorkDep, access: AccessDep, response: Response
) -> JSONResponse:
    refuse_never_given(access.runtime.policy, body, access.caller)
    async with uow:  # the consent, its event and the answer's audit entry commit together
        consent = await grant_consent(
            uow,
            case_id,
            consent_command(body),
            recorded_by(access.caller),
            utcnow(),
            access.runtime.gate,
        )
        disclosure = await access.disclose(case_id, ConsentPublic.of(consent))
    disclosed = disclosed_response(disclosure, status.HTTP_201_CREATED)
    disclosed.headers["Location"] = f"/cases/{case_id}/consents/{consent.consent_id}"
    return disclosed


@router.get(
    "/cases/{case_id}/consents",
    response_model=list[disclosed_model(ConsentPublic)],  # type: ignore[misc]
    responses=NOT_FOUND,
    dependencies=[requires("consent.read"), READS],
    summary="Every consent recorded on a case, withdrawn and expired ones included",
    operation_id="listConsents",
)
async def get_consents(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    async with uow:  # the read and its audit entries: one transaction
        consents = await list_consents(uow, case_id)
        disclosures = await access.disclose_each([(case_id, ConsentPublic.of(c)) for c in consents])
    return disclosed_list_response(disclosures)


@router.get(
    "/cases/{case_id}/consents/{consent_id}",
    response_model=disclosed_model(ConsentPublic),
    responses=NOT_FOUND,
    dependencies=[requires("consent.read"), READS],
    summary="One consent record",
    operation_id="readConsent",
)
async def get_one_consent(
    case_id: CaseId, consent_id: str, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:  # the read and its audit entry: one transaction
        consent = await get_consent(uow, case_id, consent_id)
        disclosure = await access.disclose(case_id, ConsentPublic.of(consent))
    return disclosed_response(disclosure)


@router.post(
    "/cases/{case_id}/consents/{consent_id}/withdrawal",
    response_model=disclosed_model(ConsentPublic),
    responses=NOT_FOUND | problem_responses(409),
    dependencies=[requires("consent.write"), RESPONSIBLE_WRITES],
    summary="Withdraw a consent: effective at once for every later read and event",
    operation_id="withdrawConsent",
)
async def post_withdrawal(
    case_id: CaseId,
    consent_id: str,
    body: WithdrawalCreate,
    uow: UnitOfWorkDep,
    access: AccessDep,
) -> JSONResponse:
    withdrawal = Withdrawal(at=utcnow(), by=recorded_by(access.caller), reason=body.reason)
    async with uow:  # the withdrawal, its event and the answer's audit entry commit together
        consent = await withdraw_consent(uow, case_id, consent_id, withdrawal)
        disclosure = await access.disclose(case_id, ConsentPublic.of(consent))
    return disclosed_response(disclosure)
