"""Team, legal basis and break-glass changes: each is announced, applied to intake's own gate
state and written to the audit trail in one transaction (a grant's review:
``break_glass_review``)."""

from __future__ import annotations

from avhopp_intake.adapters.case_repository import CaseRepository
from avhopp_intake.adapters.tables import BreakGlassRequestRow
from avhopp_intake.domain.access_grants import BreakGlass, Person
from avhopp_intake.domain.recipients import require_a_municipality
from avhopp_intake.service_layer.case_to_police import police_know_of, send_if_opened
from avhopp_intake.service_layer.started_grants import claim_started
from avhopp_shared.access import audit, state_versions
from avhopp_shared.access.categories import Category
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.state_handlers import apply_access_event
from avhopp_shared.access.tables import TeamMemberRow
from avhopp_shared.auth.caller import Caller
from avhopp_shared.errors import NotFound
from avhopp_shared.events.access_events import (
    BreakGlassGranted,
    LegalBasisRecorded,
    TeamMemberAdded,
    TeamMemberRemoved,
)
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentGranted, Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.uow import UnitOfWork


async def announce(uow: UnitOfWork, payload: EventPayload, case_id: str) -> None:
    """Inside an open unit of work: intake's own gate state, and the event for everyone else.

    Every consent and legal basis intake records passes here (a consent's record
    commits with its event), so here it is refused, and the whole unit of work
    with it, if a social-services recipient names no municipality."""
    _require_municipalities(payload)
    await apply_access_event(uow.session, payload)
    # A grant in force now is what it opens now; one that starts later is swept then.
    await claim_started(uow, payload, utcnow())
    uow.emit(payload, case_id=case_id)


def _require_municipalities(payload: EventPayload) -> None:
    # Recorded without one, it would open the case to every municipality's social
    # services, though secrecy holds between them (OSL; policies/lib/match.rego).
    if isinstance(payload, ConsentGranted):
        require_a_municipality(payload.recipients, "recipients")
    elif isinstance(payload, LegalBasisRecorded):
        require_a_municipality([payload.recipient], "recipient")


async def audit_change(
    uow: UnitOfWork,
    by: Caller,
    case_id: str,
    what: str,
    categories: list[str],
    note: str,
    event_id: str,
) -> None:
    # Not a disclosure but a change of who may see what: it goes into the
    # same tamper-evident trail, so a later reader sees who opened what, and why.
    await audit.append(
        uow.session,
        audit.AuditRecord(
            channel=what,
            client_id=by.client_id,
            user=by.user,
            agency=by.agency.value,
            organisation=by.organisation,
            case_id=case_id,
            resource=what,
            purpose="-",
            disclosed=categories,
            withheld={},
            bases={},
            decision_id=event_id,
            policy_revision="-",
            note=note,
        ),
        utcnow(),
    )


async def _require_case(uow: UnitOfWork, case_id: str) -> None:
    if await CaseRepository(uow.session).get(case_id) is None:
        raise NotFound("case", case_id)


async def change_team(
    uow: UnitOfWork, case_id: str, member: Person, by: Caller, *, add: bool
) -> bool:
    """Whether the team changed. Taking off someone who is not on it changes nothing:
    no event and no audit entry, which would record a change of who may see the new
    home town that never happened."""
    async with uow:
        await _require_case(uow, case_id)
        if not add and not await _on_team(uow, case_id, member):
            return False
        await _announce_team_change(uow, case_id, member, by, add=add)
        await uow.commit()
    return True


async def leave_team(uow: UnitOfWork, case_id: str, member: Person, by: Caller) -> None:
    """A member takes himself off the case team.

    Anyone not on the team is answered as for a case that does not exist
    (``NotFound``), and nothing is written: the request must not tell him the case
    exists, nor put a change of the team into the audit trail or on the bus
    (ACCESS.md, "team": only the case's named need-to-know team concerns it).
    """
    async with uow:
        if not await _on_team(uow, case_id, member):
            raise NotFound("case", case_id)
        await _announce_team_change(uow, case_id, member, by, add=False)
        await uow.commit()


async def _on_team(uow: UnitOfWork, case_id: str, member: Person) -> bool:
    key = (case_id, member.agency, member.organisation, member.user)
    # Locked: of two removals in flight at once, the second finds the member gone
    # and announces nothing.
    return await uow.session.get(TeamMemberRow, key, with_for_update=True) is not None


async def _announce_team_change(
    uow: UnitOfWork, case_id: str, member: Person, by: Caller, *, add: bool
) -> None:
    fields = {
        "case_id": case_id,
        "agency": member.agency,
        "organisation": member.organisation,
        "user": member.user,
    }
    event: EventPayload = TeamMemberAdded(**fields) if add else TeamMemberRemoved(**fields)
    await announce(uow, event, case_id)
    note = f"{'added' if add else 'removed'} {member.agency}/{member.organisation}/{member.user}"
    await audit_change(
        uow, by, case_id, "team", [Category.PROTECTED_LOCATION.value], note, event.event_type
    )


async def record_legal_basis(
    uow: UnitOfWork,
    case_id: str,
    recorded: LegalBasisRecorded,
    note: str,
    by: Caller,
    gate: DisclosureGate,
) -> None:
    """``gate``: intake's, to tell whether the basis opens the case to police
    (``case_to_police``).

    The basis is announced naming ``by``'s agency and organisation as its recorder:
    every gate opens with it only records that recorder owns (README, "Beyond
    consent"; policies/access/legal_basis.rego), and the audit entry below names the
    same (migration 0024 reads the recorder of earlier bases from it)."""
    recorder = Recipient(agency=by.agency.value, organisation=by.organisation or None)
    recorded = recorded.model_copy(update={"granted_by": recorder})
    async with uow:
        await _require_case(uow, case_id)
        # Decided after any change of the case's state in flight, as for a consent
        # (``consents.grant_consent``).
        await state_versions.lock(uow.session, case_id)
        knew = await police_know_of(uow, gate, case_id)
        await announce(uow, recorded, case_id)
        await send_if_opened(uow, gate, case_id, knew)
        categories = [c.value for c in recorded.categories]
        text = f"{recorded.reference} for {recorded.recipient.agency}: {note}"
        await audit_change(
            uow, by, case_id, "legal_basis", categories, text, recorded.legal_basis_id
        )
        await uow.commit()


async def grant_break_glass(uow: UnitOfWork, grant: BreakGlass, by: Caller) -> BreakGlassGranted:
    requester = grant.requested_by
    granted = BreakGlassGranted(
        case_id=grant.case_id,
        grant_id=grant.grant_id,
        agency=requester.agency,
        organisation=requester.organisation,
        user=requester.user,
        categories=list(grant.categories),
        valid_from=grant.valid_from,
        expires_at=grant.expires_at,
        # In acute danger access cannot wait for a second person: it starts
        # at once and stays flagged for mandatory review until approved.
        review_required=True,
    )
    async with uow:
        await _require_case(uow, grant.case_id)
        await announce(uow, granted, grant.case_id)
        # Kept apart for the second person, not in the event: the danger described is the
        # person's, and no other service needs it to enforce the grant.
        uow.session.add(
            BreakGlassRequestRow(
                grant_id=grant.grant_id,
                case_id=grant.case_id,
                justification=grant.justification,
                legal_basis=grant.legal_basis,
            )
        )
        note = f"break-glass until {grant.expires_at.isoformat()} under {grant.legal_basis}: {grant.justification}"
        categories = [c.value for c in grant.categories]
        await audit_change(uow, by, grant.case_id, "break_glass", categories, note, grant.grant_id)
        await uow.commit()
    return granted
