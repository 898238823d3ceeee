"""A legal basis opens the records of the agency that recorded it, and no one else's.

README, "Beyond consent": a legal basis allows named categories without consent,
"recorded by the agency that owns those categories"; policies/README.md, "Recording
a legal basis": the disclosing authority applies the provision to its own records,
and no one opens another agency's records this way. So the event, every service's
copy of it and the policy input name who recorded it, and the policy matches that
against the owner of the records read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from avhopp_shared.access.policy_input import AccessState, Owner, access_input
from avhopp_shared.access.tables import LegalBasisRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.events.access_events import LegalBasisRecorded
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.policy.access_decision import decide_access
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.settings import ServiceSettings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
#: Umeå's social services, the municipality of stay of a case Malmö (1280) runs.
UMEA = Caller("social-umea", Agency.SOCIAL, "2480", "socialsekreterare-umea")
MALMO = Owner("social", "1280")
POLICE = Owner("police", "polisen-region-syd")


def _basis(granted_by: tuple[str, str | None] | None) -> LegalBasisRow:
    agency, organisation = granted_by if granted_by is not None else (None, None)
    return LegalBasisRow(
        legal_basis_id="basis-1",
        case_id="case-1",
        reference="10 kap. 18 a § OSL",
        recipient={"agency": "social", "organisation": "2480"},
        categories=["case_ref", "followup"],
        valid_from=NOW - timedelta(days=1),
        valid_to=None,
        granted_by_agency=agency,
        granted_by_organisation=organisation,
    )


def _input(owner: Owner, basis: LegalBasisRow) -> dict[str, Any]:
    return access_input(
        recipient=UMEA,
        purpose="intervention",
        owner=owner,
        case_id="case-1",
        categories=["followup"],
        state=AccessState(legal_bases=[basis]),
        now=NOW,
    )


def _allowed(owner: Owner, basis: LegalBasisRow) -> dict[str, str]:
    decision = decide_access(policy_engine(ServiceSettings()), _input(owner, basis), 1.0)
    return {category: grant.rule for category, grant in decision.allowed.items()}


def test_the_policy_input_names_who_recorded_each_legal_basis() -> None:
    [recorded] = _input(MALMO, _basis(("social", "1280")))["legal_bases"]
    assert recorded["granted_by"] == {"agency": "social", "organisation": "1280"}
    [unknown] = _input(MALMO, _basis(None))["legal_bases"]
    assert unknown["granted_by"] is None


def test_a_municipality_s_legal_basis_opens_its_own_follow_up_records() -> None:
    assert _allowed(MALMO, _basis(("social", "1280"))) == {"followup": "legal_basis"}


def test_a_municipality_s_legal_basis_never_opens_police_s_relapse_report() -> None:
    # Malmö itself reads police's relapse report only under the person's consent.
    assert _allowed(POLICE, _basis(("social", "1280"))) == {}


def test_a_legal_basis_of_another_municipality_opens_nothing_of_malmo_s() -> None:
    assert _allowed(MALMO, _basis(("social", "1281"))) == {}


def test_a_legal_basis_kept_without_its_recorder_opens_nothing() -> None:
    # Kept before the recorder was announced: whose records it may open is not known.
    assert _allowed(MALMO, _basis(None)) == {}


def test_the_event_names_who_recorded_the_basis_and_reads_without_it_as_published_before() -> None:
    fields: dict[str, Any] = {
        "case_id": "case-1",
        "legal_basis_id": "basis-1",
        "reference": "10 kap. 18 a § OSL",
        "recipient": {"agency": "social", "organisation": "2480"},
        "categories": ["case_ref", "followup"],
        "valid_from": NOW.isoformat(),
        "valid_to": None,
    }
    before = LegalBasisRecorded.model_validate(fields)
    assert before.granted_by is None
    recorded = LegalBasisRecorded.model_validate(
        fields | {"granted_by": {"agency": "social", "organisation": "1280"}}
    )
    assert recorded.granted_by == Recipient(agency="social", organisation="1280")
    assert recorded.model_dump(mode="json")["granted_by"] == {
        "agency": "social",
        "organisation": "1280",
    }
