"""Who else may see a case: the case team, recorded legal bases, break-glass in acute danger.

The answers echo what the caller itself asked for (ids, codes, names it sent),
never case data, so they do not pass the disclosure gate; the changes
themselves are in the audit trail.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, status

from avhopp_intake.domain.access_grants import Person, request_break_glass
from avhopp_intake.entrypoints.access_schemas import (
    BreakGlassIn,
    BreakGlassPublic,
    LegalBasisIn,
    LegalBasisPublic,
    TeamMemberIn,
    TeamMemberPublic,
)
from avhopp_intake.entrypoints.municipality_scope import WRITES
from avhopp_intake.service_layer.access_grants import (
    approve_break_glass,
    change_team,
    grant_break_glass,
    grants_awaiting_review,
    record_legal_basis,
)
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.dependencies import CallerDep, Forbidden
from avhopp_shared.events.access_events import LegalBasisRecorded
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.disclosure import requires
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses

router = APIRouter(tags=["access"], responses=problem_responses(401, 403) | NOT_FOUND)


def _named(caller: Caller) -> Person:
    # Team membership and break-glass are personal: a machine client cannot hold them.
    if not caller.user:
        raise Forbidden("this needs a token for a named user")
    return Person(caller.agency.value, caller.organisation, caller.user)


@router.post(
    "/cases/{case_id}/team-members",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamMemberPublic,
    dependencies=[requires("team.write"), WRITES],
    summary="Name a need-to-know member of the case team (the only way to the new home town)",
    operation_id="addTeamMember",
)
async def add_member(
    case_id: CaseId, body: TeamMemberIn, uow: UnitOfWorkDep, caller: CallerDep
) -> TeamMemberPublic:
    member = Person(body.agency, body.organisation, body.user)
    await change_team(uow, case_id, member, caller, add=True)
    return TeamMemberPublic(case_id=case_id, **body.model_dump(), member=True)


@router.post(
    "/cases/{case_id}/team-members/removal",
    response_model=TeamMemberPublic,
    dependencies=[requires("team.write"), WRITES],
    summary="Take a member off the case team; their access ends at once",
    operation_id="removeTeamMember",
)
async def remove_member(
    case_id: CaseId, body: TeamMemberIn, uow: UnitOfWorkDep, caller: CallerDep
) -> TeamMemberPublic:
    member = Person(body.agency, body.organisation, body.user)
    await change_team(uow, case_id, member, caller, add=False)
    return TeamMemberPublic(case_id=case_id, **body.model_dump(), member=False)


@router.post(
    "/cases/{case_id}/legal-bases",
    status_code=status.HTTP_201_CREATED,
    response_model=LegalBasisPublic,
    dependencies=[requires("legal_basis.write"), WRITES],
    summary="Record a legal basis that allows an exchange without consent",
    operation_id="recordLegalBasis",
)
async def post_legal_basis(
    case_id: CaseId, body: LegalBasisIn, uow: UnitOfWorkDep, caller: CallerDep
) -> LegalBasisPublic:
    recorded = LegalBasisRecorded(
        case_id=case_id,
        legal_basis_id=str(uuid.uuid4()),
        reference=body.reference,
        recipient=body.recipient,
        categories=body.categories,
        valid_from=utcnow(),
        valid_to=body.valid_to,
    )
    await record_legal_basis(uow, case_id, recorded, body.note, caller)
    return LegalBasisPublic(**recorded.model_dump())


@router.post(
    "/cases/{case_id}/break-glass",
    status_code=status.HTTP_201_CREATED,
    response_model=BreakGlassPublic,
    dependencies=[requires("break_glass.request"), WRITES],
    summary="Break-glass in acute danger: immediate, time-limited, flagged for review",
    operation_id="requestBreakGlass",
)
async def post_break_glass(
    case_id: CaseId, body: BreakGlassIn, uow: UnitOfWorkDep, caller: CallerDep
) -> BreakGlassPublic:
    grant = request_break_glass(
        case_id=case_id,
        requested_by=_named(caller),
        categories=tuple(body.categories),
        justification=body.justification,
        legal_basis=body.legal_basis,
        duration=timedelta(minutes=body.minutes),
        now=utcnow(),
    )
    granted = await grant_break_glass(uow, grant, caller)
    return BreakGlassPublic(**granted.model_dump())


@router.post(
    "/cases/{case_id}/break-glass/{grant_id}/approval",
    response_model=BreakGlassPublic,
    responses=problem_responses(409),
    dependencies=[requires("break_glass.approve"), WRITES],
    summary="A second person of the same agency approves a break-glass grant",
    operation_id="approveBreakGlass",
)
async def post_approval(
    case_id: CaseId, grant_id: str, uow: UnitOfWorkDep, caller: CallerDep
) -> BreakGlassPublic:
    grant = await approve_break_glass(uow, case_id, grant_id, _named(caller), caller, utcnow())
    return BreakGlassPublic.model_validate(grant, from_attributes=True)


@router.get(
    "/break-glass-reviews",
    response_model=list[BreakGlassPublic],
    dependencies=[requires("break_glass.approve")],
    summary="Break-glass grants still waiting for a second person's review, oldest first",
    operation_id="listBreakGlassReviews",
)
async def get_reviews(uow: UnitOfWorkDep, caller: CallerDep) -> list[BreakGlassPublic]:
    # Each agency reviews its own people's grants (four eyes within the agency);
    # in social services, within the municipality: secrecy holds between them.
    organisation = caller.organisation if caller.agency is Agency.SOCIAL else None
    grants = await grants_awaiting_review(uow, caller.agency.value, organisation)
    return [BreakGlassPublic.model_validate(g, from_attributes=True) for g in grants]
