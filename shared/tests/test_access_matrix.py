"""ACCESS.md's baseline matrix, cell by cell, through the real policy engine.

The expected table below is transcribed from ACCESS.md by hand, independently
of ``policies/data/matrix.json``: a change to either that the other does not
share fails here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest

from avhopp_shared.access.categories import PART_OF, Category
from avhopp_shared.access.policy_input import AccessState, Owner, access_input
from avhopp_shared.access.tables import ConsentGrantRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.policy.access_decision import decide_access
from avhopp_shared.policy.bundle import default_policies_dir
from avhopp_shared.policy.engine import PolicyEngine
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.settings import ServiceSettings

AGENCIES = ("police", "social", "provider", "probation", "sis")
# category: (police, social, provider, probation / sis) — ACCESS.md "Baseline matrix".
ACCESS_MD = {
    "case_ref": ("consent", "own", "decided", "consent"),
    "identity": ("consent", "own", "decided", "consent"),
    "contact": ("-", "own", "decided", "-"),
    "protected_location": ("team", "team", "decided", "-"),
    "application": ("-", "own", "-", "-"),
    "threat": ("own", "consent", "decided", "-"),
    "placement": ("own", "consent", "decided", "-"),
    "protective_measures": ("own", "consent", "decided", "-"),
    "criminal_history": ("own", "consent", "-", "own"),
    "health": ("-", "own", "decided", "-"),
    "investigation": ("-", "own", "-", "-"),
    "decisions": ("-", "own", "-", "-"),
    "decision_summary": ("consent", "own", "-", "consent"),
    "action_plan": ("-", "own", "decided", "consent"),
    "interventions": ("-", "own", "own", "-"),
    "finances": ("-", "own", "-", "-"),
    "family": ("-", "own", "-", "-"),
    "followup": ("consent", "own", "own", "-"),
}
# The platform's one departure from the baseline, on purpose (policies/README.md):
# social services read police's case reference and follow-up (a relapse report,
# seed 002 "Uppföljning") under a consent; their own records stay theirs.
DEPARTURES = {("social", "case_ref"): "own_or_consent", ("social", "followup"): "own_or_consent"}
# ACCESS.md's police cell for followup is "consent (status, relapse)": the rest of
# followup (notes, abort reasons, the person's own view) is its part followup_detail,
# closed to police and for everyone else what followup is. A consent names followup
# and covers the part with it (policies/README.md). Part: (whole, cells that differ).
PARTS = {"followup_detail": ("followup", {"police": "-"})}
CONSENT_STATES = ("none", "active", "withdrawn", "expired", "wrong_purpose", "not_yet_valid")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def cell(agency: str, category: str) -> str:
    if category in PARTS:
        whole, narrowed = PARTS[category]
        return narrowed.get(agency, cell(agency, whole))
    if (agency, category) in DEPARTURES:
        return DEPARTURES[(agency, category)]
    police, social, provider, probation_sis = ACCESS_MD[category]
    return {"police": police, "social": social, "provider": provider}.get(agency, probation_sis)


def expected_visible(agency: str, category: str, consent: str, owner: bool, decided: bool) -> bool:
    rule = cell(agency, category)
    if rule == "team":
        return False  # nobody here is on the case team; the team rule has its own tests
    if owner:
        return True  # "the agency's own records are always readable by it"
    if rule in ("consent", "own_or_consent"):
        return consent == "active"
    if rule == "decided":
        return decided and consent == "active"
    return False


def consent_row(agency: str, state: str) -> list[ConsentGrantRow]:
    if state == "none":
        return []
    valid_from, valid_to = NOW - timedelta(days=1), NOW + timedelta(days=30)
    if state == "expired":
        valid_from, valid_to = NOW - timedelta(days=60), NOW - timedelta(days=1)
    if state == "not_yet_valid":
        valid_from = NOW + timedelta(days=1)
    return [
        ConsentGrantRow(
            consent_id="consent-1",
            case_id="case-1",
            status="withdrawn" if state == "withdrawn" else "active",
            recipients=[{"agency": agency, "organisation": None}],
            categories=[c.value for c in Category],
            purposes=["investigation" if state == "wrong_purpose" else "protection"],
            valid_from=valid_from,
            valid_to=valid_to,
        )
    ]


@cache
def engine() -> PolicyEngine:
    return policy_engine(ServiceSettings())


@pytest.mark.parametrize("owner", [False, True], ids=["not-owner", "owner"])
@pytest.mark.parametrize("consent", CONSENT_STATES)
@pytest.mark.parametrize("agency", AGENCIES)
def test_each_agency_sees_exactly_what_the_matrix_allows(
    agency: str, consent: str, owner: bool
) -> None:
    caller = Caller("client-1", Agency(agency), f"{agency}-org-1", "user-1")
    owning = agency if owner else ("police" if agency == "social" else "social")
    policy_input = access_input(
        recipient=caller,
        purpose="protection",
        owner=Owner(owning),
        case_id="case-1",
        categories=[*ACCESS_MD, *PARTS],
        state=AccessState(consents=consent_row(agency, consent)),
        now=NOW,
    )
    if agency == "provider":
        policy_input["disclosure_decisions"] = [
            {
                "id": "decision-1",
                "provider_organisation": caller.organisation,
                "categories": list(ACCESS_MD),
            }
        ]

    decision = decide_access(engine(), policy_input, timeout_s=1.0)

    requested = {*ACCESS_MD, *PARTS}
    expected = {
        c for c in requested if expected_visible(agency, c, consent, owner, agency == "provider")
    }
    assert set(decision.allowed) == expected
    assert set(decision.withheld) == requested - expected


def test_the_parts_of_the_matrix_are_the_ones_access_md_implies() -> None:
    # The Python vocabulary, the policy data and the transcription above name the
    # same parts, each of the same whole.
    settings = json.loads((default_policies_dir() / "data" / "matrix.json").read_text())
    transcribed = {part: whole for part, (whole, _) in PARTS.items()}
    assert {str(p): str(w) for p, w in PART_OF.items()} == settings["parts"] == transcribed
    assert set(settings["matrix"]) == {c.value for c in Category} | set(transcribed)
