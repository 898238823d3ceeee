"""The second person's review of a break-glass grant: approve it, or reject it and end it.

ACCESS.md, "Consent records": break-glass is "approved by a second person of the
owning agency or flagged for mandatory review". A review that could only approve
would leave an unjustified grant running, and the case owner's notice would read
"approved" once someone cleared the list. So the second person of the requester's
authority either approves the grant or rejects it with a reason; a rejection ends
the grant at once in every service that kept it (``BreakGlassRejected``), and a
reviewed grant is reviewed once: the other answer is then refused (409).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from avhopp_intake.adapters.tables import (
    BreakGlassApprovalRow,
    BreakGlassRejectionRow,
    BreakGlassRequestRow,
)
from avhopp_intake.domain.access_grants import Person, check_rejection_reason, check_reviewer
from avhopp_intake.service_layer.access_grants import announce, audit_change
from avhopp_shared.access.tables import BreakGlassRow
from avhopp_shared.auth.caller import Caller
from avhopp_shared.errors import Conflict, NotFound
from avhopp_shared.events.access_events import BreakGlassApproved, BreakGlassRejected
from avhopp_shared.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Rejected:
    """A rejected grant as it stands after the rejection, and who rejected it, when and why."""

    grant: BreakGlassRow
    rejection: BreakGlassRejectionRow


async def _grant_under_review(
    uow: UnitOfWork, case_id: str, grant_id: str, reviewer: Person
) -> BreakGlassRow:
    """The grant, locked, if it waits for ``reviewer``'s review: ``NotFound`` for a
    grant not of this case, ``Conflict`` for one reviewed already or by the wrong person."""
    # Locked, so that of two reviews in flight at once the second finds the
    # first and is refused (409), not stopped by a review table's key.
    row = await uow.session.get(BreakGlassRow, grant_id, with_for_update=True)
    if row is None or row.case_id != case_id:
        raise NotFound("break-glass grant", grant_id)
    if row.approved_by is not None:
        raise Conflict(f"break-glass {grant_id} was already approved")
    if await uow.session.get(BreakGlassRejectionRow, grant_id) is not None:
        raise Conflict(f"break-glass {grant_id} was already rejected")
    check_reviewer(Person(row.agency, row.organisation, row.user), reviewer)
    return row


async def approve_break_glass(
    uow: UnitOfWork, case_id: str, grant_id: str, approver: Person, by: Caller, now: datetime
) -> BreakGlassRow:
    async with uow:
        row = await _grant_under_review(uow, case_id, grant_id, approver)
        approved = BreakGlassApproved(
            case_id=case_id,
            grant_id=grant_id,
            approved_by=approver.user,
            approved_at=now,
            approver_agency=approver.agency,
            approver_organisation=approver.organisation,
        )
        await announce(uow, approved, case_id)
        uow.session.add(
            BreakGlassApprovalRow(
                grant_id=grant_id,
                case_id=case_id,
                agency=approver.agency,
                organisation=approver.organisation,
                user=approver.user,
                approved_at=now,
            )
        )
        note = f"approved {grant_id}"
        await audit_change(uow, by, case_id, "break_glass_approval", row.categories, note, grant_id)
        await uow.commit()
    return row


async def reject_break_glass(
    uow: UnitOfWork,
    case_id: str,
    grant_id: str,
    reviewer: Person,
    reason: str,
    by: Caller,
    now: datetime,
) -> Rejected:
    """The grant ends at ``now`` in every service that kept it; one that had already
    ended by time ends nothing more, but the rejection is recorded all the same: the
    review's outcome is what the requester and the case owner are answered for."""
    reason = check_rejection_reason(reason)
    async with uow:
        row = await _grant_under_review(uow, case_id, grant_id, reviewer)
        rejected = BreakGlassRejected(
            case_id=case_id,
            grant_id=grant_id,
            agency=row.agency,
            categories=row.categories,
            rejected_at=now,
        )
        # Intake's own grant row ends here too, in this transaction (``announce``).
        await announce(uow, rejected, case_id)
        rejection = BreakGlassRejectionRow(
            grant_id=grant_id,
            case_id=case_id,
            agency=reviewer.agency,
            organisation=reviewer.organisation,
            user=reviewer.user,
            rejected_at=now,
            reason=reason,
        )
        uow.session.add(rejection)
        note = f"rejected {grant_id} by {reviewer.user}: {reason}"
        await audit_change(uow, by, case_id, "break_glass_rejected", row.categories, note, grant_id)
        await uow.commit()
    return Rejected(row, rejection)


@dataclass(frozen=True, slots=True)
class AwaitingReview:
    """A grant flagged for review, with why it was taken (None for a grant taken
    before intake kept that apart from the audit trail)."""

    grant: BreakGlassRow
    request: BreakGlassRequestRow | None


async def grants_awaiting_review(
    uow: UnitOfWork, agency: str, organisation: str | None = None
) -> Sequence[AwaitingReview]:
    """The agency's grants flagged for review; with ``organisation``, only its own.
    An approved or rejected grant is reviewed and no longer flagged."""
    query = (
        select(BreakGlassRow, BreakGlassRequestRow)
        .outerjoin(
            BreakGlassRequestRow,
            col(BreakGlassRequestRow.grant_id) == col(BreakGlassRow.grant_id),
        )
        .where(BreakGlassRow.agency == agency, col(BreakGlassRow.review_required).is_(True))
    )
    if organisation is not None:
        query = query.where(BreakGlassRow.organisation == organisation)
    async with uow:
        result = await uow.session.exec(query.order_by(col(BreakGlassRow.valid_from)))
        rows = [AwaitingReview(grant, request) for grant, request in result.all()]
        # Detached before the read-only transaction is rolled back, so they keep their values.
        uow.session.expunge_all()
        return rows
