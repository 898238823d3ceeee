"""Which agencies get a copy of an event at all, beyond what the catalogue cuts.

The catalogue cuts a copy field by field (``access.event_audiences``). Some
events say more by who they name, or by being sent at all, than any one field's
category tells:

**Grants of access.** Every service keeps the access state of its cases
(consents, legal bases, break-glass grants, disclosure decisions) to decide
what it discloses. A grant names who is let in — a provider, probation, a
user — and that alone can tell a lot: a disclosure decision for a treatment
provider tells which provider works with the person, which is
``interventions``, closed to police (ACCESS.md, baseline matrix). So an
agency's copy of a grant event carries a grant only where the agency needs it:

- when the grant names the agency itself (it receives and purges under it),
  the copy is whole, but for a consent that opens none of the agency's own
  records to anyone: that copy names only the agency among the recipients;
- when the grant opens records the agency holds itself (``data.avhopp.access.held``:
  its "own", "own_or_consent" and "team" cells), the copy names those of the
  grant's categories, and ``case_ref``, without which no item about the case
  is shown at all;
- otherwise the agency gets no copy: nothing its services hold is at stake.

The rejection of a break-glass grant names the grant's agency and categories,
so it reaches, by the same rules, exactly the agencies the grant reached: each
of them kept the grant and must end it.

A grant over ``case_ref`` alone opens nothing an agency's own records hold
beyond the case's reference, so it is not enough to be sent. Nor is a
disclosure decision over a category nothing ever opens to a provider (its
cell is "none", ``data.avhopp.access.never_opened``): a board deciding on
``criminal_history`` for a treatment provider opens none of police's records
to it (ACCESS.md, baseline matrix: a provider's ``criminal_history`` is "none"),
yet the copy would tell police who treats the person. Withdrawals name only ids
and are sent to every agency; one about a grant an agency never got changes
nothing there.

**The case team.** A team change names a member: agency, organisation, user.
Named to the team, a provider is known to work with the person, which is
``interventions``, closed to police (ACCESS.md, baseline matrix; README: "a
disclosure decision for a treatment provider never tells police who treats
the person"). So another agency gets a team change only where the member is
of an agency whose team access that agency's services enforce: one whose
"team" cell (``TEAM_CELLS``) covers a category the receiving agency holds.
Police hold the new home town the placement unit recorded, and its cell is
"team" for police and social services alone: police's copy carries a police
or social services member (a caseworker on the case reads police's placement
through the team) and never a provider, probation or SiS member. A provider on
the team at a high threat level could, by the board's disclosure decision,
read the housing it runs (policies/access/threat_level.rego); police's
services, not told of it, withhold the town from it (fail closed), and the
provider reads it from the social services that decided it.

**Events for the case owner.** The access alert (someone read the new home
town) names the reader: read by the municipality of stay or a provider, that
is where the person lives or who houses them. It goes to the case owner only.
A break-glass approval names the approver (of the requester's own authority,
perhaps the municipality of stay) and changes no decision anywhere
(policies/access/break_glass.rego never reads it): it stays with the publisher.

**Incidents.** Police learn of a provider's serious incident only when it
concerns the person's security (PROCESS.md step 11); social services assess
every one. Their individual assessment of an incident tells that one
happened, so police get none of those either, whether or not the incident
concerned security (police's services have no use for it: they consume no
assessment); only the assessment of a relapse, which police reported
themselves (seed 002, "Uppföljning"), may reach them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from pydantic import BaseModel

from avhopp_shared.access.categories import PART_OF, Category
from avhopp_shared.events.access_events import (
    BreakGlassApproved,
    BreakGlassGranted,
    BreakGlassRejected,
    DisclosureDecided,
    LegalBasisRecorded,
    ProtectedLocationRead,
    TeamMemberAdded,
    TeamMemberRemoved,
)
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentGranted
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.events.social_events import IndividualAssessmentMade

#: The agency that owns every case: the application is made to social services,
#: and the responsible municipality's social services run it (PROCESS.md, actors).
CASE_OWNER = "social"

#: The grant events, and the agencies each names as let in.
GRANTEES: dict[type[EventPayload], Callable[[Mapping[str, Any]], list[str]]] = {
    ConsentGranted: lambda data: [r["agency"] for r in data["recipients"]],
    LegalBasisRecorded: lambda data: [data["recipient"]["agency"]],
    BreakGlassGranted: lambda data: [data["agency"]],
    # Its end reaches whoever its grant reached: it names the same agency and categories.
    BreakGlassRejected: lambda data: [data["agency"]],
    # A disclosure decision is always for one provider organisation (ACCESS.md, "decided").
    DisclosureDecided: lambda data: ["provider"],
}


#: The team changes: each names one member (``agency``, ``organisation``, ``user``).
TEAM_CHANGES: frozenset[type[EventPayload]] = frozenset({TeamMemberAdded, TeamMemberRemoved})

#: The categories whose cell is "team" for each agency (ACCESS.md, baseline matrix;
#: policies/data/matrix.json): the new home town, for police's placement unit and
#: social services' caseworkers. Other agencies' access is never by the team.
TEAM_CELLS: dict[str, frozenset[str]] = {
    "police": frozenset({Category.PROTECTED_LOCATION.value}),
    "social": frozenset({Category.PROTECTED_LOCATION.value}),
}


#: Events only the publisher and these agencies get.
ONLY_FOR: dict[type[BaseModel], frozenset[str]] = {
    ProtectedLocationRead: frozenset({CASE_OWNER}),
    BreakGlassApproved: frozenset(),
}

#: The trigger of social services' assessment of a relapse police reported (their
#: task kind ``assess_relapse``, services/social domain/tasks.py); every other
#: trigger (``assess_incident``: a provider's incident) stays with social services.
RELAPSE_ASSESSMENT = "assess_relapse"

#: Events a given agency gets only when the event says so.
ONLY_WHEN: dict[tuple[type[EventPayload], str], Callable[[Mapping[str, Any]], bool]] = {
    (IncidentReported, "police"): lambda data: data.get("concerns_security") is True,
    (IndividualAssessmentMade, "police"): lambda data: data.get("trigger") == RELAPSE_ASSESSMENT,
}

#: Who a grant opens categories to, by agency, where some categories can never
#: be opened to it: a disclosure decision is for a provider (ACCESS.md, "decided").
OPENS_TO: dict[type[EventPayload], str] = {DisclosureDecided: "provider"}


def copy_for(
    model: type[EventPayload],
    data: Mapping[str, Any],
    audience: str,
    held: Collection[str],
    never_opened: Callable[[str], Collection[str]],
) -> dict[str, Any] | None:
    """``audience``'s copy of ``data`` (a dump of ``model``) before the catalogue cuts
    it, for an agency other than the publisher; None: it gets no copy.

    ``held`` is what ``audience``'s services hold themselves; ``never_opened`` gives
    the categories nothing opens to an agency (the policy's
    ``data.avhopp.access.never_opened``, asked of the publishing service's engine).
    """
    only_for = ONLY_FOR.get(model)
    if only_for is not None and audience not in only_for:
        return None
    if model is LegalBasisRecorded:
        data = _recorder_as_agency(data, audience)
    condition = ONLY_WHEN.get((model, audience))
    if condition is not None and not condition(data):
        return None
    if model in TEAM_CHANGES:
        return dict(data) if _team_access_enforced(data["agency"], held) else None
    grantees = GRANTEES.get(model)
    if grantees is None:
        return dict(data)
    categories: list[str] = data["categories"]
    named = audience in grantees(data)
    opened = categories
    if model in OPENS_TO:
        closed = never_opened(OPENS_TO[model])
        opened = [c for c in categories if c not in closed]
    enforced = [c for c in opened if c != Category.CASE_REF and _held(c, held)]
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


def _recorder_as_agency(data: Mapping[str, Any], audience: str) -> dict[str, Any]:
    """A legal basis as another agency than its recorder's gets it: recorded by that
    agency, not naming which of its organisations. Only the responsible municipality
    records one, so the municipality would tell police where a case moved
    (``protected_location``, which never leaves social services in an event); and no
    other agency's services hold records of the recorder's agency's organisations, so
    the agency alone decides which records the basis opens there."""
    recorder = data.get("granted_by")
    if not isinstance(recorder, Mapping) or recorder.get("agency") == audience:
        return dict(data)
    return {**data, "granted_by": {**recorder, "organisation": None}}


def _team_access_enforced(member_agency: str, held: Collection[str]) -> bool:
    """Whether the receiving agency's services, holding ``held``, decide on a member of
    ``member_agency`` by the team: the member's "team" cells cover a category held."""
    return any(_held(category, held) for category in TEAM_CELLS.get(member_agency, ()))


def _held(category: str, held: Collection[str]) -> bool:
    """A grant names whole categories; one covers its parts (policies/README.md)."""
    return category in held or any(
        part in held for part, whole in PART_OF.items() if whole == category
    )
