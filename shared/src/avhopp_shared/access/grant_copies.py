"""Another agency's copy of a grant: only the grants its own services must enforce.

Every service keeps the access state of its cases (consents, legal bases,
break-glass grants, disclosure decisions) to decide what it discloses. A
grant names who is let in — a provider, probation, a user — and that alone can
tell a lot: a disclosure decision for a treatment provider tells which
provider works with the person, which is ``interventions``, closed to police
(ACCESS.md, baseline matrix). So an agency's copy of a grant event carries a
grant only where the agency needs it:

- when the grant names the agency itself (it receives and purges under it),
  the copy is whole, but for a consent that opens none of the agency's own
  records to anyone: that copy names only the agency among the recipients;
- when the grant opens records the agency holds itself (``data.avhopp.access.held``:
  its "own", "own_or_consent" and "team" cells), the copy names those of the
  grant's categories, and ``case_ref``, without which no item about the case
  is shown at all;
- otherwise the agency gets no copy: nothing its services hold is at stake.

A grant over ``case_ref`` alone opens nothing an agency's own records hold
beyond the case's reference, so it is not enough to be sent.
Withdrawals and approvals name only ids and are sent to every agency; one
about a grant an agency never got changes nothing there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from avhopp_shared.access.categories import PART_OF, Category
from avhopp_shared.events.access_events import (
    BreakGlassGranted,
    DisclosureDecided,
    LegalBasisRecorded,
)
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentGranted

#: The grant events, and the agencies each names as let in.
GRANTEES: dict[type[EventPayload], Callable[[Mapping[str, Any]], list[str]]] = {
    ConsentGranted: lambda data: [r["agency"] for r in data["recipients"]],
    LegalBasisRecorded: lambda data: [data["recipient"]["agency"]],
    BreakGlassGranted: lambda data: [data["agency"]],
    # A disclosure decision is always for one provider organisation (ACCESS.md, "decided").
    DisclosureDecided: lambda data: ["provider"],
}


def grant_copy(
    model: type[EventPayload], data: Mapping[str, Any], audience: str, held: Collection[str]
) -> dict[str, Any] | None:
    """``audience``'s copy of ``data`` (a dump of ``model``); None: it gets no copy.

    ``held`` is what ``audience``'s services hold themselves. Events that grant
    nothing are returned as they are.
    """
    grantees = GRANTEES.get(model)
    if grantees is None:
        return dict(data)
    categories: list[str] = data["categories"]
    named = audience in grantees(data)
    enforced = [c for c in categories if c != Category.CASE_REF and _held(c, held)]
    if enforced:
        if named:
            return dict(data)
        kept = [c for c in categories if c == Category.CASE_REF or c in enforced]
        return {**data, "categories": kept}
    if not named:
        return None
    if model is ConsentGranted:
        mine = [r for r in data["recipients"] if r["agency"] == audience]
        return {**data, "recipients": mine}
    return dict(data)


def _held(category: str, held: Collection[str]) -> bool:
    """A grant names whole categories; one covers its parts (policies/README.md)."""
    return category in held or any(
        part in held for part, whole in PART_OF.items() if whole == category
    )
