"""Who a consent names: a social-services recipient is a municipality, never all of them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avhopp_intake.domain.consent import (
    ConsentMethod,
    ConsentRecord,
    ConsentRuleBroken,
    RecordedBy,
    record_consent,
)
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.events.consent_events import Recipient

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
MALMO = RecordedBy(client_id="social-malmo", agency="social", organisation="1280", user="s-1")


def _consent(*recipients: Recipient, by: RecordedBy = MALMO) -> ConsentRecord:
    return record_consent(
        case_id="case-1",
        recipients=recipients,
        categories=(Category.CASE_REF, Category.THREAT),
        purposes=(Purpose.INVESTIGATION,),
        valid_from=NOW,
        valid_to=None,
        method=ConsentMethod.WRITTEN,
        document_reference="Synthetic consent form 1",
        oral_note=None,
        recorded_by=by,
        recorded_at=NOW,
    )


def test_a_consent_to_social_services_naming_no_municipality_names_the_recording_one() -> None:
    consent = _consent(Recipient(agency="social"))

    assert consent.recipients == (Recipient(agency="social", organisation="1280"),)
    assert consent.granted_event().recipients == [Recipient(agency="social", organisation="1280")]


def test_a_named_municipality_and_other_agencies_are_recorded_as_given() -> None:
    lund = Recipient(agency="social", organisation="1281")
    police = Recipient(agency="police")

    assert _consent(lund, police).recipients == (lund, police)


def test_social_services_named_twice_once_with_the_recording_municipality_is_a_repeat() -> None:
    with pytest.raises(ConsentRuleBroken) as refused:
        _consent(Recipient(agency="social"), Recipient(agency="social", organisation="1280"))

    assert refused.value.field == "recipients"


def test_a_recorder_outside_social_services_cannot_name_social_services_without_a_municipality() -> (
    None
):
    police = RecordedBy(client_id="police-syd", agency="police", organisation="syd", user="p-1")

    with pytest.raises(ConsentRuleBroken) as refused:
        _consent(Recipient(agency="social"), by=police)

    assert refused.value.field == "recipients"


@pytest.mark.parametrize("organisation", ["Lund", "LUND", " 1281", "1281"])
def test_a_municipality_named_by_name_or_padded_code_is_recorded_by_its_code(
    organisation: str,
) -> None:
    consent = _consent(Recipient(agency="social", organisation=organisation))

    assert consent.recipients == (Recipient(agency="social", organisation="1281"),)


@pytest.mark.parametrize("organisation", ["9999", "Lundby", "malmo"])
def test_social_services_of_no_municipality_are_refused_naming_the_recipient(
    organisation: str,
) -> None:
    police = Recipient(agency="police")

    with pytest.raises(ConsentRuleBroken) as refused:
        _consent(police, Recipient(agency="social", organisation=organisation))

    assert refused.value.field == "recipients.1.organisation"
    assert organisation not in refused.value.reason


def test_a_municipality_named_once_by_name_and_once_by_code_is_a_repeat() -> None:
    with pytest.raises(ConsentRuleBroken) as refused:
        _consent(
            Recipient(agency="social", organisation="Lund"),
            Recipient(agency="social", organisation="1281"),
        )

    assert refused.value.field == "recipients"


def test_an_organisation_is_read_without_surrounding_spaces() -> None:
    assert Recipient(agency="police", organisation=" polisen-region-syd ").organisation == (
        "polisen-region-syd"
    )
