"""Who else may see a case: team membership, legal bases and break-glass, as events.

Like consent events they travel on the case's topic (ordered with everything
else about the case) and carry only what a gate needs to decide: ids, codes,
agency and organisation names, times. The justification of a break-glass
request stays with intake, where it is recorded and audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from avhopp_shared.access.categories import Category
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import Recipient


class _TeamMemberChange(EventPayload):
    # Who joins or leaves the team: the same four fields either way.

    case_id: str
    agency: str
    organisation: str
    user: str


class TeamMemberAdded(_TeamMemberChange):
    """A named need-to-know member of the case team (ACCESS.md, ``team``; 004 Del 1: very few)."""

    event_type: ClassVar[str] = "case.team_member_added"
    schema_version: ClassVar[int] = 1


class TeamMemberRemoved(_TeamMemberChange):
    event_type: ClassVar[str] = "case.team_member_removed"
    schema_version: ClassVar[int] = 1


class LegalBasisRecorded(EventPayload):
    """A secrecy-breaking provision that allows an exchange without consent (e.g. 10 kap. 18 a § OSL)."""

    event_type: ClassVar[str] = "case.legal_basis_recorded"
    #: 2 added ``granted_by`` (optional: version 1 events read as before). A consumer
    #: of an older release refuses version 2 unread instead of guessing at it.
    schema_version: ClassVar[int] = 2

    case_id: str
    legal_basis_id: str
    reference: str
    recipient: Recipient
    categories: list[Category] = Field(min_length=1)
    valid_from: datetime
    valid_to: datetime | None
    #: The agency, and its organisation, that recorded the basis: under OSL the
    #: authority holding the records applies the provision to them, so the basis opens
    #: only records it owns (README, "Beyond consent"; policies/access/legal_basis.rego).
    #: Absent only on bases announced before it was named: they open nothing.
    granted_by: Recipient | None = None


class BreakGlassGranted(EventPayload):
    """Access in acute danger, time-limited; also the notice to every data owner."""

    event_type: ClassVar[str] = "case.break_glass_granted"
    schema_version: ClassVar[int] = 1

    case_id: str
    grant_id: str
    agency: str
    organisation: str
    user: str
    categories: list[Category] = Field(min_length=1)
    valid_from: datetime
    expires_at: datetime
    review_required: bool


class BreakGlassApproved(EventPayload):
    event_type: ClassVar[str] = "case.break_glass_approved"
    schema_version: ClassVar[int] = 1

    case_id: str
    grant_id: str
    #: The approving user; with the two fields below, the second person named
    #: in full, as a user name alone does not tell which authority reviewed.
    approved_by: str
    approved_at: datetime
    #: The approver's agency and organisation: always the requester's own.
    #: Absent only on approvals announced before they were recorded.
    approver_agency: str | None = None
    approver_organisation: str | None = None


class BreakGlassRejected(EventPayload):
    """A second person of the requester's authority judged the grant unjustified: it
    ends at ``rejected_at`` (ACCESS.md, "Consent records": approved by a second person
    or flagged for mandatory review; a review that could only approve would be none).

    Every service that kept the grant sets its ``expires_at`` to ``rejected_at``, so
    every gate's validity window closes then and the expiry sweep purges what was
    kept under it. A rejection after the grant had ended by time ends nothing. It
    carries the grant's agency and categories so that it reaches exactly the agencies
    the grant reached (access.copy_rules); who rejected it and why stay with intake,
    as the approver does: no gate needs them.
    """

    event_type: ClassVar[str] = "case.break_glass_rejected"
    schema_version: ClassVar[int] = 1

    case_id: str
    grant_id: str
    agency: str
    categories: list[Category] = Field(min_length=1)
    rejected_at: datetime


class ProtectedLocationRead(EventPayload):
    """The access alert: someone read where the person lives now (ACCESS.md, ``team``).

    Raised on every disclosure of ``protected_location``, so the case owner
    sees each look at the most sensitive fact in the file, not only a log line.
    """

    event_type: ClassVar[str] = "case.protected_location_read"
    schema_version: ClassVar[int] = 1

    case_id: str
    reader_agency: str
    reader_organisation: str
    reader_user: str | None
    read_at: datetime
    decision_id: str
    channel: str


class DisclosureDecided(EventPayload):
    """The deciding board decided which categories one provider may receive for a case
    (ACCESS.md, ``decided``; 004 Del 2, "Genomför insatser"). On the case's topic, like
    consents, so every gate knows it before anything that relies on it."""

    event_type: ClassVar[str] = "case.disclosure_decided"
    schema_version: ClassVar[int] = 1

    case_id: str
    decision_id: str
    provider_organisation: str
    categories: list[Category] = Field(min_length=1)
    decided_on: datetime
