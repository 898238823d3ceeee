"""Police's notice of a break-glass grant that opens records police hold.

ACCESS.md, "Consent records": break-glass is "audited, and the data owner is
notified". Police own the threat picture, the placement, the protective measures
and the criminal history (their "own" cells) and the new home town their placement
unit records (a "team" cell): a grant over any of them, whoever asked for it, is
police's business, and the grant's event reaches police's services for exactly that
reason (``avhopp_shared.access.copy_rules``). The notice keeps what police may know
of the grant: who asked, what of police's it opened, from when and until when.

An approval stays with intake (it names the approver, perhaps of the municipality
of stay) and so is not in the notice; a rejection reaches police, as it ends the
grant police kept, and shows as the grant ending early.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from avhopp_shared.access.categories import PART_OF
from avhopp_shared.events.access_events import BreakGlassGranted


@dataclass(frozen=True, slots=True)
class BreakGlassNotice:
    case_id: str
    grant_id: str
    agency: str
    organisation: str
    user: str
    #: The grant's categories that police hold, never the others it named.
    categories: tuple[str, ...]
    granted_at: datetime
    #: When it ends: as granted, or earlier when a second person rejected it.
    expires_at: datetime
    ended_early: bool = False


def notice_of(granted: BreakGlassGranted, held: Collection[str]) -> BreakGlassNotice | None:
    """The notice of ``granted`` for the agency holding ``held``; None when it opens none
    of them (a grant over the case reference and identity opens social services' records
    alone). Police's copy of a grant they asked for themselves names every category it
    opened, so the ones police hold are picked here, not by the copy."""
    opened = tuple(c.value for c in granted.categories if _held(c.value, held))
    if not opened:
        return None
    return BreakGlassNotice(
        case_id=granted.case_id,
        grant_id=granted.grant_id,
        agency=granted.agency,
        organisation=granted.organisation,
        user=granted.user,
        categories=opened,
        granted_at=granted.valid_from,
        expires_at=granted.expires_at,
    )


def rejected(notice: BreakGlassNotice, rejected_at: datetime) -> BreakGlassNotice:
    """The grant ends at the rejection, never later: one rejected after it ran out by
    time ended when it ran out (``BreakGlassRejected``), and a rejection delivered
    again changes nothing."""
    if rejected_at >= notice.expires_at:
        return notice
    return dataclasses.replace(notice, expires_at=rejected_at, ended_early=True)


def _held(category: str, held: Collection[str]) -> bool:
    # A grant names whole categories; one covers its parts (policies/README.md).
    return category in held or any(
        part.value in held for part, whole in PART_OF.items() if whole.value == category
    )
