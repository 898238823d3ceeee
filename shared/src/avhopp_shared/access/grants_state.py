"""The case team, legal bases and break-glass grants a service knows of, kept from events.

Like the consent state, every service keeps its own copy and intake writes it
in the same transaction as the change itself.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.tables import (
    BreakGlassRow,
    DisclosureDecisionRow,
    LegalBasisRow,
    TeamMemberRow,
)
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.access_events import (
    BreakGlassApproved,
    BreakGlassGranted,
    BreakGlassRejected,
    DisclosureDecided,
    LegalBasisRecorded,
    TeamMemberAdded,
    TeamMemberRemoved,
)
from avhopp_shared.events.envelope import utcnow


async def apply_team_member_added(session: AsyncSession, added: TeamMemberAdded) -> None:
    await insert_new(
        session,
        TeamMemberRow,
        {
            "case_id": added.case_id,
            "agency": added.agency,
            "organisation": added.organisation,
            "user": added.user,
            "added_at": utcnow(),
        },
    )


async def apply_team_member_removed(session: AsyncSession, removed: TeamMemberRemoved) -> None:
    key = (removed.case_id, removed.agency, removed.organisation, removed.user)
    row = await session.get(TeamMemberRow, key)
    if row is not None:
        await session.delete(row)


async def apply_legal_basis_recorded(session: AsyncSession, recorded: LegalBasisRecorded) -> None:
    await insert_new(
        session,
        LegalBasisRow,
        {
            "legal_basis_id": recorded.legal_basis_id,
            "case_id": recorded.case_id,
            "reference": recorded.reference,
            "recipient": recorded.recipient.model_dump(),
            "categories": [c.value for c in recorded.categories],
            "valid_from": recorded.valid_from,
            "valid_to": recorded.valid_to,
        },
    )


async def apply_break_glass_granted(session: AsyncSession, granted: BreakGlassGranted) -> None:
    """The grant, as it was taken; one its rejection reached first (set aside unread,
    then replayed or published again) keeps the end the rejection gave it."""
    rejected_first = await session.get(BreakGlassRow, granted.grant_id)
    if rejected_first is not None and not rejected_first.user:
        rejected_first.organisation = granted.organisation
        rejected_first.user = granted.user
        rejected_first.valid_from = granted.valid_from
        rejected_first.expires_at = min(rejected_first.expires_at, granted.expires_at)
        session.add(rejected_first)
        return
    await insert_new(
        session,
        BreakGlassRow,
        {
            "grant_id": granted.grant_id,
            "case_id": granted.case_id,
            "agency": granted.agency,
            "organisation": granted.organisation,
            "user": granted.user,
            "categories": [c.value for c in granted.categories],
            "valid_from": granted.valid_from,
            "expires_at": granted.expires_at,
            "review_required": granted.review_required,
        },
    )


async def apply_break_glass_approved(session: AsyncSession, approved: BreakGlassApproved) -> None:
    row = await session.get(BreakGlassRow, approved.grant_id)
    if row is not None and row.approved_by is None:
        row.approved_by = approved.approved_by
        row.approved_at = approved.approved_at
        row.review_required = False
        session.add(row)


async def apply_break_glass_rejected(session: AsyncSession, rejected: BreakGlassRejected) -> None:
    """The grant ends at the rejection: its ``expires_at`` is moved there, never later,
    so every gate's validity window closes (policies/lib/window.rego) and the expiry
    sweep, which takes every grant whose ``expires_at`` has passed and that it has not
    swept, purges what was kept under it. One that had already ended keeps its end."""
    row = await session.get(BreakGlassRow, rejected.grant_id)
    if row is None:
        # The rejection came first (its grant set aside unread here): kept as a grant
        # of nobody that ended at the rejection, so the grant, once it takes effect,
        # ends there too and never opens anything again (README, break-glass).
        session.add(
            BreakGlassRow(
                grant_id=rejected.grant_id,
                case_id=rejected.case_id,
                agency=rejected.agency,
                organisation="",
                user="",
                categories=[c.value for c in rejected.categories],
                valid_from=rejected.rejected_at,
                expires_at=rejected.rejected_at,
                review_required=False,
            )
        )
        return
    row.expires_at = min(row.expires_at, rejected.rejected_at)
    row.review_required = False
    session.add(row)


async def apply_disclosure_decided(session: AsyncSession, decided: DisclosureDecided) -> None:
    await insert_new(
        session,
        DisclosureDecisionRow,
        {
            "decision_id": decided.decision_id,
            "case_id": decided.case_id,
            "provider_organisation": decided.provider_organisation,
            "categories": [c.value for c in decided.categories],
        },
    )
