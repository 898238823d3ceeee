"""Who else may see a case, and on what ground: the case team, legal bases, break-glass.

The rules protect the person first: break-glass is for acute danger only, is
short, names who asked and why, and is either approved by a second person of
the same authority (agency and organisation) or stays flagged for review
(ACCESS.md, "Consent records"); that second person may instead reject it, which
ends it at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from avhopp_shared.access.categories import Category
from avhopp_shared.errors import Conflict, InvalidInput

#: "Time-limited (max a few hours)": long enough to get through an acute
#: situation, short enough that the next look needs a new request.
MAX_BREAK_GLASS = timedelta(hours=4)
MIN_JUSTIFICATION_CHARS = 20


@dataclass(frozen=True, slots=True)
class Person:
    """A named person acting for an agency: team members, requesters, approvers."""

    agency: str
    organisation: str
    user: str


@dataclass(frozen=True, slots=True)
class BreakGlass:
    grant_id: str
    case_id: str
    requested_by: Person
    categories: tuple[Category, ...]
    justification: str
    legal_basis: str
    valid_from: datetime
    expires_at: datetime
    approved_by: str | None = None


def request_break_glass(
    *,
    case_id: str,
    requested_by: Person,
    categories: tuple[Category, ...],
    justification: str,
    legal_basis: str,
    duration: timedelta,
    now: datetime,
    never_opened: Collection[str],
) -> BreakGlass:
    """``never_opened``: the categories nothing opens to the requester's agency (the
    policy's "none" cells). Break-glass never opens one (ACCESS.md, baseline matrix;
    policies/README.md), so a request naming one is refused rather than granted, shown
    to the case owner and audited as opening what it cannot."""
    if not categories:
        raise InvalidInput("categories", "must name at least one")
    closed = sorted(c.value for c in categories if c.value in never_opened)
    if closed:
        raise InvalidInput(
            "categories",
            f"{', '.join(closed)}: never given to {requested_by.agency}, not even by break-glass",
        )
    if len(justification.strip()) < MIN_JUSTIFICATION_CHARS:
        raise InvalidInput(
            "justification",
            f"must explain the acute danger (at least {MIN_JUSTIFICATION_CHARS} characters)",
        )
    if not legal_basis.strip():
        raise InvalidInput("legal_basis", "must name the provision relied on")
    if not timedelta(0) < duration <= MAX_BREAK_GLASS:
        raise InvalidInput(
            "minutes", f"must be between 1 and {int(MAX_BREAK_GLASS.total_seconds() // 60)}"
        )
    return BreakGlass(
        grant_id=str(uuid.uuid4()),
        case_id=case_id,
        requested_by=requested_by,
        categories=categories,
        justification=justification.strip(),
        legal_basis=legal_basis.strip(),
        valid_from=now,
        expires_at=now + duration,
    )


def check_reviewer(requested_by: Person, reviewer: Person) -> None:
    """Four eyes: a second person of the requesting authority, never the requester,
    approves or rejects a grant.

    The authority is the agency *and* the organisation: another municipality's
    social services (the municipality of stay, say) or another police region
    is another authority under secrecy, which neither answers for the grant
    nor sees it in its review list, so it cannot close the mandatory review.
    """
    if (reviewer.agency, reviewer.organisation) != (requested_by.agency, requested_by.organisation):
        raise Conflict(
            "break-glass is reviewed within the agency and organisation that asked for it"
        )
    if reviewer.user == requested_by.user and reviewer.organisation == requested_by.organisation:
        raise Conflict("the person who asked for break-glass cannot review it")


def check_rejection_reason(reason: str) -> str:
    """The reason, trimmed: the requester, the case owner's trail and any later
    inquiry learn from it why the grant was judged unjustified (ACCESS.md, "Consent
    records": justified, audited, reviewed), so a blank one is refused."""
    if not reason.strip():
        raise InvalidInput("reason", "must say why the grant was not justified")
    return reason.strip()
