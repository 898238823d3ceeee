"""Who else may see a case: the case team, recorded legal bases, break-glass in acute danger.

The answers echo what the caller itself asked for (ids, codes, names it sent),
never case data, so they do not pass the disclosure gate; the changes
themselves are in the audit trail.

Who may change them protects the person first:

- The case team is the way to ``protected_location``, the new home town, and
  ACCESS.md ("team") makes it the case's *named* need-to-know team, never the
  whole agency. It is named by a named user of social services of the
  municipality responsible for the case, which plans the protected placement;
  not by the municipality of stay, not by police or any other agency, and no
  one names himself (four eyes: a caseworker is put on the team by a
  colleague). Only those social services take a member off it; a member may
  always take himself off, as that only narrows access, and anyone else asking to
  is told the case does not exist.
- A legal basis lets its recipient read without consent (ACCESS.md, "Consent
  records"), and under OSL it is the disclosing authority that applies a
  secrecy-breaking provision such as 10 kap. 18 a § OSL. It is recorded by
  the agency that owns every category it opens, and never names the recorder
  among its recipients (``policies/actions/legal_basis.rego``); for social
  services, by the municipality responsible for the case, whose records they
  are, not by the municipality of stay (2 a kap. 2-3 §§ SoL: acute help only).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, status

from avhopp_intake.domain.access_grants import Person, request_break_glass
from avhopp_intake.domain.recipients import (
    SOCIAL,
    by_municipality_code,
    closed_to,
    for_municipality,
)
from avhopp_intake.entrypoints.access_schemas import (
    BreakGlassIn,
    BreakGlassPublic,
    BreakGlassRejectionIn,
    BreakGlassRejectionPublic,
    BreakGlassReviewPublic,
    LegalBasisIn,
    LegalBasisPublic,
    TeamMemberIn,
    TeamMemberPublic,
)
from avhopp_intake.entrypoints.municipality_scope import RESPONSIBLE_WRITES, SCOPE, WRITES
from avhopp_intake.service_layer.access_grants import (
    change_team,
    grant_break_glass,
    leave_team,
    record_legal_basis,
)
from avhopp_intake.service_layer.break_glass_review import (
    AwaitingReview,
    approve_break_glass,
    grants_awaiting_review,
    reject_break_glass,
)
from avhopp_shared.access.responsibility_copy import responsibility_copy
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.dependencies import CallerDep, Forbidden
from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.access_events import LegalBasisRecorded
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.municipalities import resolve_municipality
from avhopp_shared.policy.access_decision import action_allowed
from avhopp_shared.policy.agency_categories import (
    NEVER_OPENED_RULE,
    categories_for,
    never_given,
)
from avhopp_shared.policy.engine import FATAL_EXCEPTIONS
from avhopp_shared.service_app import ServiceRuntime, UnitOfWorkDep
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web.disclosure import requires
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses

router = APIRouter(tags=["access"], responses=problem_responses(401, 403) | NOT_FOUND)

log = logging.getLogger("avhopp.intake.access")

LEGAL_BASIS_RULE = "data.avhopp.actions.legal_basis_record"


def _named(caller: Caller) -> Person:
    # Team membership and break-glass are personal: a machine client cannot hold them.
    if not caller.user:
        raise Forbidden("this needs a token for a named user")
    return Person(caller.agency.value, caller.organisation, caller.user)


async def _require_team_keeper(
    request: Request, uow: UnitOfWork, case_id: str, caller: Caller
) -> None:
    """The caller names and removes team members: a named user of social services of the
    municipality responsible for the case (not the municipality of stay: the
    responsible one plans the protected placement, 2 a kap. SoL)."""
    runtime: ServiceRuntime = request.app.state.runtime
    allowed = action_allowed(runtime.policy, caller, "team.write", runtime.gate.owner)
    if caller.agency is not Agency.SOCIAL or not allowed:
        raise Forbidden(
            "only social services of the municipality responsible for the case name its team"
        )
    _named(caller)
    async with uow:
        await SCOPE.require(uow, case_id, caller, reading=False, acute=False)


@router.post(
    "/cases/{case_id}/team-members",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamMemberPublic,
    summary="Name a need-to-know member of the case team (the only way to the new home town)",
    operation_id="addTeamMember",
)
async def add_member(
    request: Request, case_id: CaseId, body: TeamMemberIn, uow: UnitOfWorkDep, caller: CallerDep
) -> TeamMemberPublic:
    """Named by a named user of social services of the municipality responsible for the
    case, never by the member himself: anyone else is refused (403). ACCESS.md, "team":
    only the case's named need-to-know team, never the whole agency, reads the new home
    town; a team anyone could join would be the whole agency."""
    body = _by_municipality_code(body)
    await _require_team_keeper(request, uow, case_id, caller)
    member = Person(body.agency, body.organisation, body.user)
    if member == _named(caller):
        raise Forbidden("no one names himself to the case team: a colleague names him")
    await change_team(uow, case_id, member, caller, add=True)
    return TeamMemberPublic(case_id=case_id, **body.model_dump(), member=True)


@router.post(
    "/cases/{case_id}/team-members/removal",
    response_model=TeamMemberPublic,
    summary="Take a member off the case team; their access ends as each service hears of it",
    operation_id="removeTeamMember",
)
async def remove_member(
    request: Request, case_id: CaseId, body: TeamMemberIn, uow: UnitOfWorkDep, caller: CallerDep
) -> TeamMemberPublic:
    """Only social services of the municipality responsible for the case take others off
    the team (403 for anyone else), so no one can push the caseworkers who plan the
    protected placement aside; a named member may always take himself off. Anyone else
    taking himself off is answered 404, as for a case that does not exist, and nothing is
    recorded: a stranger must not learn that the case exists, nor write to its trail."""
    body = _by_municipality_code(body)
    member = Person(body.agency, body.organisation, body.user)
    if member != _named(caller):
        await _require_team_keeper(request, uow, case_id, caller)
        await change_team(uow, case_id, member, caller, add=False)
    elif await _keeps_team(request, uow, case_id, caller):
        await change_team(uow, case_id, member, caller, add=False)
    else:
        await leave_team(uow, case_id, member, caller)
    return TeamMemberPublic(case_id=case_id, **body.model_dump(), member=False)


def _by_municipality_code(body: TeamMemberIn) -> TeamMemberIn:
    """A social-services member's organisation, named by the municipality's code or
    exact name ("Malmö", "1280"), as the code; 422 naming ``organisation`` for anything
    else. A social-services caller's organisation is its municipality code, and the team
    matches a member by agency, organisation and user as written (policies/lib/match.rego,
    ``same_person``): named "Malmö", a colleague would be answered ``member: true`` yet
    never be matched, nor taken off again by his code. Other agencies' organisations are
    kept as given."""
    if body.agency != SOCIAL:
        return body
    code = resolve_municipality(body.organisation, "organisation").code
    return body.model_copy(update={"organisation": code})


async def _keeps_team(request: Request, uow: UnitOfWork, case_id: str, caller: Caller) -> bool:
    """Whether the caller names and removes the case's team members
    (:func:`_require_team_keeper`)."""
    try:
        await _require_team_keeper(request, uow, case_id, caller)
    except Forbidden:
        return False
    return True


def _legal_basis_gaps(request: Request, caller: Caller, body: LegalBasisIn) -> list[str]:
    """Why the caller may not record this legal basis; empty when it may. Fails closed:
    a policy that gives no answer refuses.

    Raises :class:`InvalidInput` (422, ``categories``) when the caller may, but a
    category is one the recipient can never be given (its cell is "none"; ACCESS.md,
    baseline matrix), or holds only as its own records (its cell is "own": police's
    criminal history to probation; only ownership opens such a cell, policies/README.md):
    recorded, it would open nothing, yet be announced and audited as opening it
    (``closed`` in ``policies/actions/legal_basis.rego``)."""
    runtime: ServiceRuntime = request.app.state.runtime
    policy_input: dict[str, Any] = {
        "caller": caller.as_policy_input(),
        "recipient": body.recipient.model_dump(),
        "categories": [category.value for category in body.categories],
    }
    try:
        answer = runtime.policy.evaluate(LEGAL_BASIS_RULE, policy_input)
    except FATAL_EXCEPTIONS:
        raise
    except Exception as exc:
        log.warning("policy unavailable for a legal basis: %s", exc)
        return ["policy unavailable"]
    if not isinstance(answer, dict) or answer.get("allowed") is not True:
        gaps = answer.get("gaps") if isinstance(answer, dict) else None
        if isinstance(gaps, list) and gaps and all(isinstance(gap, str) for gap in gaps):
            return sorted(gaps)
        closed = answer.get("closed") if isinstance(answer, dict) else None
        if isinstance(closed, list) and closed and all(isinstance(c, str) for c in closed):
            whom = closed_to(body.recipient, caller.agency.value)
            raise InvalidInput("categories", never_given(sorted(closed), whom))
        return ["not a legal basis the caller may record"]
    return []


def _never_opened(request: Request, agency: str) -> frozenset[str]:
    """The categories nothing opens to ``agency`` (``data.avhopp.access.never_opened``).
    A policy that gives no answer fails the request (503), as any disclosure then would."""
    runtime: ServiceRuntime = request.app.state.runtime
    return categories_for(runtime.policy, NEVER_OPENED_RULE, agency)


# RESPONSIBLE_WRITES: the records a legal basis opens are the responsible
# municipality's, and under OSL only the authority holding them applies a
# secrecy-breaking provision to them. The municipality of stay gives acute help
# (2 a kap. 2-3 §§ SoL); in acute danger it has break-glass below, which is
# time-limited, audited and reviewed, not a standing opening of another's case.
@router.post(
    "/cases/{case_id}/legal-bases",
    status_code=status.HTTP_201_CREATED,
    response_model=LegalBasisPublic,
    dependencies=[requires("legal_basis.write"), RESPONSIBLE_WRITES],
    summary="Record a legal basis that allows an exchange without consent",
    operation_id="recordLegalBasis",
)
async def post_legal_basis(
    request: Request, case_id: CaseId, body: LegalBasisIn, uow: UnitOfWorkDep, caller: CallerDep
) -> LegalBasisPublic:
    """Recorded by the agency that owns every category it opens, never for itself: the
    disclosing authority applies the secrecy-breaking provision (e.g. 10 kap. 18 a § OSL)
    to its own records. Anything else is refused (403), naming each gap; a category the
    recipient can never be given (its cell is "none", or "own": the recipient's own
    records only, never the caller's) is refused as input (422). A social-services
    recipient is one municipality: named by code or name, or else the municipality
    responsible for the case today."""
    # Decided on, and recorded, with the municipality it names: the policy then
    # weighs exactly what every gate will match.
    recipient = await _recipient_municipality(uow, case_id, body.recipient)
    body = body.model_copy(update={"recipient": recipient})
    gaps = _legal_basis_gaps(request, caller, body)
    if gaps:
        raise Forbidden("; ".join(gaps))
    recorded = LegalBasisRecorded(
        case_id=case_id,
        legal_basis_id=str(uuid.uuid4()),
        reference=body.reference,
        recipient=body.recipient,
        categories=body.categories,
        valid_from=utcnow(),
        valid_to=body.valid_to,
    )
    runtime: ServiceRuntime = request.app.state.runtime
    await record_legal_basis(uow, case_id, recorded, body.note, caller, runtime.gate)
    return LegalBasisPublic(**recorded.model_dump())


async def _recipient_municipality(uow: UnitOfWork, case_id: str, recipient: Recipient) -> Recipient:
    """A social-services recipient as one municipality, by its code.

    Named by code or exact name, it is kept as the code (anything else is refused,
    422 ``recipient.organisation``: it would match no caller and open nothing).
    Naming none, it is the municipality responsible for the case today: police
    opening their threat picture to "social services" open it to those working
    the case, not to every municipality, between which secrecy holds (OSL); a
    recipient without an organisation is the whole agency to every gate
    (policies/lib/match.rego). ``NotFound`` for a case intake does not hold."""
    named = by_municipality_code(recipient, "recipient.organisation")
    if named.agency != SOCIAL or named.organisation is not None:
        return named
    async with uow:
        held = await responsibility_copy(uow, case_id)
    return for_municipality(named, held.responsible_on(today_in_sweden()))


# WRITES, the municipality of stay included: break-glass is for acute danger, which
# is what the municipality of stay answers for (2 a kap. 2-3 §§ SoL), and it is
# only the caller's own time-limited, audited read, flagged for review.
@router.post(
    "/cases/{case_id}/break-glass",
    status_code=status.HTTP_201_CREATED,
    response_model=BreakGlassPublic,
    dependencies=[requires("break_glass.request"), WRITES],
    summary="Break-glass in acute danger: immediate, time-limited, flagged for review",
    operation_id="requestBreakGlass",
)
async def post_break_glass(
    request: Request, case_id: CaseId, body: BreakGlassIn, uow: UnitOfWorkDep, caller: CallerDep
) -> BreakGlassPublic:
    """A category the requester's agency can never be given (its cell is "none") is
    refused (422): the grant would open nothing, yet tell the case owner and the audit
    that it did."""
    grant = request_break_glass(
        case_id=case_id,
        requested_by=_named(caller),
        categories=tuple(body.categories),
        justification=body.justification,
        legal_basis=body.legal_basis,
        duration=timedelta(minutes=body.minutes),
        now=utcnow(),
        never_opened=_never_opened(request, caller.agency.value),
    )
    granted = await grant_break_glass(uow, grant, caller)
    return BreakGlassPublic(**granted.model_dump())


# WRITES, the municipality of stay included: a grant is reviewed by a second person
# of the requester's own authority (``break_glass_review``), so the municipality
# of stay reviews the grants its own staff took in acute danger.
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


# The same action and scope as the approval: the rejection is the review's other answer.
@router.post(
    "/cases/{case_id}/break-glass/{grant_id}/rejection",
    response_model=BreakGlassRejectionPublic,
    responses=problem_responses(409),
    dependencies=[requires("break_glass.approve"), WRITES],
    summary="A second person of the same agency rejects a break-glass grant, ending it at once",
    operation_id="rejectBreakGlass",
)
async def post_rejection(
    case_id: CaseId,
    grant_id: str,
    body: BreakGlassRejectionIn,
    uow: UnitOfWorkDep,
    caller: CallerDep,
) -> BreakGlassRejectionPublic:
    """ACCESS.md, "Consent records": break-glass is approved by a second person or
    flagged for mandatory review, and a review must be able to find a grant
    unjustified. The grant ends now in every service that kept it; one that has
    already run out ends nothing more, but the rejection is still recorded. As with
    the approval, only a second person of the requester's agency and organisation
    reviews it, once (409 otherwise)."""
    reviewer = _named(caller)
    done = await reject_break_glass(uow, case_id, grant_id, reviewer, body.reason, caller, utcnow())
    grant = BreakGlassPublic.model_validate(done.grant, from_attributes=True)
    rejection = done.rejection
    return BreakGlassRejectionPublic(
        **grant.model_dump(),
        rejected_by=rejection.user,
        rejected_at=rejection.rejected_at,
        reason=rejection.reason,
    )


@router.get(
    "/break-glass-reviews",
    response_model=list[BreakGlassReviewPublic],
    dependencies=[requires("break_glass.approve")],
    summary="Break-glass grants still waiting for a second person's review, oldest first",
    operation_id="listBreakGlassReviews",
)
async def get_reviews(uow: UnitOfWorkDep, caller: CallerDep) -> list[BreakGlassReviewPublic]:
    """Each with its justification and the provision relied on: the second person
    judges whether the danger was acute and the provision applies, not only who
    looked (ACCESS.md, "Consent records": break-glass is justified and reviewed)."""
    # Each authority reviews its own people's grants (four eyes within it): a
    # municipality's social services, a police region. Only they may approve
    # them, and secrecy holds between authorities.
    waiting = await grants_awaiting_review(uow, caller.agency.value, caller.organisation)
    return [_for_review(w) for w in waiting]


def _for_review(waiting: AwaitingReview) -> BreakGlassReviewPublic:
    grant = BreakGlassPublic.model_validate(waiting.grant, from_attributes=True)
    request = waiting.request
    return BreakGlassReviewPublic(
        **grant.model_dump(),
        justification=request.justification if request else None,
        legal_basis=request.legal_basis if request else None,
    )
