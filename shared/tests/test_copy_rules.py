"""Which agencies get a copy of an event: grants of access, alerts, approvals, incidents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from avhopp_shared.access.copy_rules import copy_for
from avhopp_shared.access.event_audiences import EventCopy, platform_audiences
from avhopp_shared.events.access_events import (
    BreakGlassApproved,
    BreakGlassGranted,
    DisclosureDecided,
    LegalBasisRecorded,
    ProtectedLocationRead,
)
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentGranted, ConsentWithdrawn
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.events.social_events import (
    AidDecided,
    IndividualAssessmentMade,
    InterventionsDecided,
)

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
PROVIDER = "behandlingshem-syd"


def _copies(payload: EventPayload, publisher: str = "social") -> dict[str, EventCopy]:
    data = payload.model_dump(mode="json")
    return {c.audience: c for c in platform_audiences().copies(payload, data, publisher)}


def _decision(categories: list[str]) -> DisclosureDecided:
    return DisclosureDecided.model_validate(
        {
            "case_id": "c-1",
            "decision_id": "d-1",
            "provider_organisation": PROVIDER,
            "categories": categories,
            "decided_on": NOW,
        }
    )


def _consent(recipients: list[dict[str, Any]], categories: list[str]) -> ConsentGranted:
    return ConsentGranted.model_validate(
        {
            "case_id": "c-1",
            "consent_id": "k-1",
            "recipients": recipients,
            "categories": categories,
            "purposes": ["intervention"],
            "valid_from": NOW,
            "valid_to": None,
        }
    )


def test_police_never_learn_of_a_decision_for_a_provider_that_opens_none_of_police_records() -> (
    None
):
    copies = _copies(_decision(["case_ref", "health", "action_plan"]))

    assert set(copies) == {"social"}
    assert copies["social"].data["provider_organisation"] == PROVIDER


def test_police_learn_of_a_decision_over_their_records_and_only_of_those_categories() -> None:
    copies = _copies(_decision(["case_ref", "threat", "health", "protected_location"]))

    police = copies["police"].data
    assert police["provider_organisation"] == PROVIDER
    assert police["categories"] == ["case_ref", "threat", "protected_location"]
    assert copies["social"].data["categories"] == [
        "case_ref",
        "threat",
        "health",
        "protected_location",
    ]


def test_police_never_learn_the_treatment_provider_from_a_decision_that_cannot_open_their_records() -> (
    None
):
    # ACCESS.md, baseline matrix: criminal history is police's own, and "none" for every
    # provider: no decision opens it to one, so none of police's records is at stake.
    copies = _copies(_decision(["case_ref", "health", "criminal_history"]))

    assert set(copies) == {"social"}
    assert copies["social"].data["categories"] == ["case_ref", "health", "criminal_history"]


def test_police_learn_of_a_decision_only_for_their_records_a_provider_can_be_given() -> None:
    copies = _copies(_decision(["case_ref", "criminal_history", "threat"]))

    assert copies["police"].data["categories"] == ["case_ref", "threat"]


def test_a_decision_counts_for_police_only_by_what_the_policy_lets_a_provider_be_given() -> None:
    data = _decision(["case_ref", "threat"]).model_dump(mode="json")
    held = {"threat"}

    def closed_to_provider(agency: str) -> frozenset[str]:
        return frozenset({"threat"} if agency == "provider" else ())

    assert copy_for(DisclosureDecided, data, "police", held, lambda _: frozenset()) == data
    assert copy_for(DisclosureDecided, data, "police", held, closed_to_provider) is None


def test_a_grant_over_the_case_reference_alone_reaches_no_other_agency() -> None:
    consent = _consent([{"agency": "provider", "organisation": PROVIDER}], ["case_ref"])

    assert set(_copies(consent)) == {"social"}


def test_police_named_in_a_consent_with_a_provider_see_only_themselves_named() -> None:
    consent = _consent(
        [
            {"agency": "police", "organisation": None},
            {"agency": "provider", "organisation": PROVIDER},
        ],
        ["case_ref", "identity"],
    )

    police = _copies(consent)["police"].data

    assert police["recipients"] == [{"agency": "police", "organisation": None}]
    assert police["categories"] == ["case_ref", "identity"]


def test_police_named_in_a_consent_that_also_opens_their_records_see_it_whole() -> None:
    recipients = [
        {"agency": "police", "organisation": None},
        {"agency": "probation", "organisation": None},
    ]
    consent = _consent(recipients, ["case_ref", "identity", "criminal_history"])

    police = _copies(consent)["police"].data

    assert police["recipients"] == recipients
    assert police["categories"] == ["case_ref", "identity", "criminal_history"]


def test_a_police_officers_break_glass_over_social_records_reaches_police_whole() -> None:
    granted = BreakGlassGranted.model_validate(
        {
            "case_id": "c-1",
            "grant_id": "g-1",
            "agency": "police",
            "organisation": "polisen-syd",
            "user": "u-17",
            "categories": ["case_ref", "health"],
            "valid_from": NOW,
            "expires_at": NOW,
            "review_required": True,
        }
    )

    assert _copies(granted)["police"].data["categories"] == ["case_ref", "health"]


def test_a_legal_basis_for_probation_reaches_police_only_for_police_records() -> None:
    def recorded(categories: list[str]) -> LegalBasisRecorded:
        return LegalBasisRecorded.model_validate(
            {
                "case_id": "c-1",
                "legal_basis_id": "l-1",
                "reference": "10 kap. 18 a § OSL",
                "recipient": {"agency": "probation", "organisation": None},
                "categories": categories,
                "valid_from": NOW,
                "valid_to": None,
            }
        )

    over_police_records = _copies(recorded(["identity", "criminal_history"]))
    over_social_records = _copies(recorded(["identity", "action_plan"]))

    assert over_police_records["police"].data["categories"] == ["criminal_history"]
    assert "police" not in over_social_records


def test_a_withdrawal_reaches_every_agency() -> None:
    withdrawn = ConsentWithdrawn(case_id="c-1", consent_id="k-1", withdrawn_at=NOW)

    assert set(_copies(withdrawn)) == {"police", "social"}


def test_a_grant_over_a_whole_category_counts_for_an_agency_holding_only_a_part_of_it() -> None:
    data = _decision(["case_ref", "followup"]).model_dump(mode="json")

    def nothing_closed(_: str) -> frozenset[str]:
        return frozenset()

    assert copy_for(DisclosureDecided, data, "x", {"followup_detail"}, nothing_closed) == data
    assert copy_for(DisclosureDecided, data, "x", {"health"}, nothing_closed) is None


def test_police_get_no_copy_of_an_aid_decision_of_which_they_could_keep_only_the_reference() -> (
    None
):
    aid = AidDecided(
        case_id="c-1",
        decision_id="a-1",
        aid_type="financial_aid",
        outcome="granted",
        valid_from=None,
        valid_to=None,
        decided_on=date(2026, 11, 26),
    )

    assert set(_copies(aid)) == {"social"}


def test_police_still_get_that_social_services_decided_on_interventions() -> None:
    decided = InterventionsDecided(
        case_id="c-1", decided_on=date(2026, 11, 26), intervention_types=["protected_housing"]
    )

    police = _copies(decided)["police"]

    assert police.data["intervention_types"] == ["protected_housing"]
    assert police.withheld == ()


def test_the_alert_that_the_new_home_town_was_read_goes_to_the_case_owner_only() -> None:
    # Read by the municipality of stay, the reader's organisation is where the person lives.
    alert = ProtectedLocationRead(
        case_id="c-1",
        reader_agency="social",
        reader_organisation="1281",
        reader_user="u-3",
        read_at=NOW,
        decision_id="x-1",
        channel="rest",
    )

    assert set(_copies(alert, publisher="social")) == {"social"}
    from_police = _copies(alert, publisher="police")
    assert set(from_police) == {"police", "social"}
    assert from_police["social"].data["reader_organisation"] == "1281"


def test_a_break_glass_approval_stays_with_the_authority_that_records_it() -> None:
    approved = BreakGlassApproved(
        case_id="c-1",
        grant_id="g-1",
        approved_by="u-9",
        approved_at=NOW,
        approver_agency="social",
        approver_organisation="1281",
    )

    assert set(_copies(approved)) == {"social"}


def test_police_learn_of_an_incident_only_when_it_concerns_security() -> None:
    def incident(concerns_security: bool) -> IncidentReported:
        return IncidentReported(
            case_id="c-1",
            report_id="r-1",
            occurred_on=date(2026, 11, 26),
            concerns_security=concerns_security,
        )

    assert set(_copies(incident(True))) == {"police", "social"}
    assert set(_copies(incident(False))) == {"social"}


def _assessment(trigger: str) -> IndividualAssessmentMade:
    return IndividualAssessmentMade(
        case_id="c-1",
        task_id="t-1",
        trigger=trigger,
        outcome="continue",
        assessed_on=date(2026, 11, 26),
    )


def test_police_get_no_copy_of_social_services_assessment_of_a_providers_incident() -> None:
    # That an incident was assessed tells that one happened (copy_rules, "Incidents").
    assert set(_copies(_assessment("assess_incident"))) == {"social"}


def test_police_still_learn_how_social_services_assessed_the_relapse_they_reported() -> None:
    copies = _copies(_assessment("assess_relapse"))

    assert set(copies) == {"police", "social"}
    assert copies["police"].data["outcome"] == "continue"
