"""A commission carries out aid the board granted and passes on only what a provider may
be given (004 Del 2, "Genomför insatser"; ACCESS.md, baseline matrix, the provider
column). A commission that contradicts the board's refusal, is dated before there was an
application, or decides a disclosure no provider can be given is refused whole: no
commission, no disclosure decision, no event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_aid_decisions import decision
from tests.test_placement import name_to_team
from tests.test_social_municipality import social_case
from tests.test_threat_assessments import assessment, known_case

HOUSING, CONTACT = "skyddat-boende-ab", "kontaktpersoner-ab"


def _commission(**overrides: object) -> dict[str, object]:
    return {
        "intervention": "protected_housing",
        "provider_organisation": HOUSING,
        "disclosed_categories": ["case_ref"],
        "decided_on": today_in_sweden().isoformat(),
    } | overrides


async def _nothing_recorded(platform: RunningPlatform, case_id: str) -> bool:
    social = platform.runtime("social")
    where = f"WHERE case_id = '{case_id}'"
    announced = (
        f"WHERE key = '{case_id}' AND event_type IN "
        "('social.provider_commissioned', 'case.disclosure_decided')"
    )
    return (
        await count_rows(social, "social_commission", where),
        await count_rows(social, "access_disclosure_decision", where),
        await count_events(social, announced),
    ) == (0, 0, 0)


def _invalid(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [p["name"] for p in response.json()["invalid-params"]]


async def test_a_provider_cannot_be_commissioned_for_protected_housing_the_board_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    refused = await social.post(f"/cases/{case_id}/aid-decisions", json=decision("refused"))
    assert refused.status_code == 201, refused.text

    commissioned = await social.post(f"/cases/{case_id}/commissions", json=_commission())

    assert _invalid(commissioned) == ["intervention"]
    assert await _nothing_recorded(embedded_platform, case_id)


async def test_protected_housing_granted_after_a_refusal_is_commissioned(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    for outcome in ("refused", "granted"):
        decided = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(outcome))
        assert decided.status_code == 201, decided.text

    commissioned = await social.post(f"/cases/{case_id}/commissions", json=_commission())

    assert commissioned.status_code == 201, commissioned.text


async def test_a_commission_dated_before_the_application_was_received_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    granted = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())
    assert granted.status_code == 201, granted.text
    yesterday = (today_in_sweden() - timedelta(days=1)).isoformat()

    commissioned = await social.post(
        f"/cases/{case_id}/commissions", json=_commission(decided_on=yesterday)
    )

    assert _invalid(commissioned) == ["decided_on"]
    assert yesterday not in commissioned.text  # errors never echo the rejected value
    assert await _nothing_recorded(embedded_platform, case_id)


async def test_a_provider_is_never_decided_a_category_no_provider_can_be_given(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)

    commissioned = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json=_commission(
            intervention="substance_treatment",
            provider_organisation=CONTACT,
            disclosed_categories=["case_ref", "health", "criminal_history"],
        ),
    )

    assert _invalid(commissioned) == ["disclosed_categories"]
    assert await _nothing_recorded(embedded_platform, case_id)


async def test_a_contact_person_provider_is_never_decided_the_new_home_town(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))
    await name_to_team(platform, case_id)
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": "2480", "placed_on": today_in_sweden().isoformat()},
    )
    assert placed.status_code == 201, placed.text
    consented = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "provider", "organisation": CONTACT}],
            "categories": ["case_ref", "protected_location"],
            "purposes": ["intervention"],
            "method": "written",
            "document_reference": "Synthetic consent form 5",
        },
    )
    assert consented.status_code == 201, consented.text
    await platform.eventually("social", f"/cases/{case_id}/investigation")

    commissioned = await platform.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json=_commission(
            intervention="contact_person",
            provider_organisation=CONTACT,
            disclosed_categories=["case_ref", "protected_location"],
        ),
    )
    read = await platform.get_as("provider-kontakt", "threat", f"/cases/{case_id}/placement")

    assert _invalid(commissioned) == ["disclosed_categories"]
    # Nothing recorded, nothing announced: police's service, which answers for the
    # town, is never told of a decision naming it for this provider.
    assert await _nothing_recorded(platform, case_id)
    assert "municipality_name" not in read.text
