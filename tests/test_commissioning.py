"""A commissioned provider reads exactly what the board decided, and no more."""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_placement import name_to_team
from tests.test_threat_assessments import assessment, known_case

PROVIDER = "skyddat-boende-ab"


async def _provider_consent(platform: RunningPlatform, case_id: str) -> None:
    consented = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "provider", "organisation": PROVIDER}],
            "categories": ["case_ref", "threat", "protected_location"],
            "purposes": ["intervention"],
            "method": "written",
            "document_reference": "Synthetic consent form 4",
        },
    )
    assert consented.status_code == 201, consented.text


async def _commission(platform: RunningPlatform, case_id: str, categories: list[str]) -> Any:
    await platform.eventually("social", f"/cases/{case_id}/investigation")
    return await platform.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "protected_housing",
            "provider_organisation": PROVIDER,
            "disclosed_categories": categories,
            "decided_on": today_in_sweden().isoformat(),
        },
    )


async def _threat_service_knows(platform: RunningPlatform, case_id: str) -> None:
    threat = platform.runtime("threat")

    async def known() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        decisions = await count_rows(threat, "access_disclosure_decision", where)
        consents = await count_rows(threat, "access_consent", where)
        return decisions == 1 and consents == 2

    assert await wait_until(known)


async def test_the_commissioned_provider_reads_the_threat_assessment_as_decided_and_no_more(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    await platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments",
        json=assessment("low", affiliations=["Nätverk 003"]),
    )
    path = f"/cases/{case_id}/threat-assessments/current"
    await _provider_consent(platform, case_id)
    before = await platform.get_as("provider-skyddat-boende", "threat", path)

    commissioned = await _commission(platform, case_id, ["case_ref", "threat"])
    await _threat_service_knows(platform, case_id)
    read = await platform.get_as("provider-skyddat-boende", "threat", path)
    other = await platform.get_as("provider-kontakt", "threat", path)

    assert before.status_code == 404  # consent alone is not enough: no decision yet
    assert commissioned.status_code == 201, commissioned.text
    assert read.status_code == 200, read.text
    assert (read.json()["case_id"], read.json()["level"]) == (case_id, "low")
    assert "affiliations" not in read.json()  # criminal_history was not decided
    assert {w["category"] for w in read.json()["withheld"]} == {"criminal_history", "family"}
    assert other.status_code == 404  # another provider: no decision, no consent


async def test_at_high_threat_the_commissioned_provider_loses_the_new_home_town(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))
    await name_to_team(embedded_platform, case_id)  # the placement unit records the town
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": "2480", "placed_on": today_in_sweden().isoformat()},
    )
    assert placed.status_code == 201, placed.text
    await _provider_consent(embedded_platform, case_id)
    await _commission(embedded_platform, case_id, ["case_ref", "protected_location"])
    await _threat_service_knows(embedded_platform, case_id)
    path = f"/cases/{case_id}/placement"

    at_low = await embedded_platform.get_as("provider-skyddat-boende", "threat", path)
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    at_high = await embedded_platform.get_as("provider-skyddat-boende", "threat", path)

    assert at_low.json()["municipality_name"] == "Umeå"
    # All the read would show is the case reference: the 404 of a case not placed.
    assert at_high.status_code == 404, at_high.text
    assert "Umeå" not in at_high.text and "2480" not in at_high.text


async def test_commissioning_an_unknown_provider_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")

    refused = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "contact_person",
            "provider_organisation": "okand-utforare-ab",
            "disclosed_categories": ["case_ref"],
            "decided_on": today_in_sweden().isoformat(),
        },
    )

    assert refused.status_code == 422
    assert [p["name"] for p in refused.json()["invalid-params"]] == ["provider_organisation"]


async def test_police_never_learn_which_provider_treats_the_person_when_nothing_of_theirs_is_decided(
    platform: RunningPlatform,
) -> None:
    # "interventions" (which provider works with the person) is closed to police
    # (ACCESS.md); a decision that opens none of police's records is no business of theirs.
    case_id = await known_case(platform)
    intake = platform.clients["intake"]
    treatment = await intake.post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "provider", "organisation": PROVIDER}],
            "categories": ["case_ref", "health"],
            "purposes": ["intervention"],
            "method": "written",
            "document_reference": "Synthetic consent form 5",
        },
    )
    commissioned = await _commission(platform, case_id, ["case_ref", "health"])
    # A later consent naming police travels on the same topic, in the case's order:
    # once police's service has it, it has had everything sent before it.
    to_police = await intake.post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "police"}],
            "categories": ["case_ref", "decision_summary"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Synthetic consent form 6",
        },
    )
    assert [treatment.status_code, commissioned.status_code, to_police.status_code] == [201] * 3
    marker = f"WHERE consent_id = '{to_police.json()['consent_id']}'"
    assert await wait_until(
        lambda: _counted(platform, "threat", "access_consent", marker, expected=1)
    )
    assert await wait_until(
        lambda: _counted(
            platform,
            "social",
            "access_disclosure_decision",
            f"WHERE case_id = '{case_id}'",
            expected=1,
        )
    )

    in_police = f"WHERE case_id = '{case_id}'"
    assert (
        await count_rows(platform.runtime("threat"), "access_disclosure_decision", in_police) == 0
    )
    naming_provider = (
        f"WHERE case_id = '{case_id}' AND CAST(recipients AS TEXT) LIKE '%{PROVIDER}%'"
    )
    assert await count_rows(platform.runtime("threat"), "access_consent", naming_provider) == 0
    assert await count_rows(platform.runtime("social"), "access_consent", naming_provider) == 1


async def _counted(
    platform: RunningPlatform, service: str, table: str, where: str, *, expected: int
) -> bool:
    return await count_rows(platform.runtime(service), table, where) == expected


async def test_a_commissioned_provider_reads_its_own_commission_and_no_other_providers(
    embedded_platform: RunningPlatform,
) -> None:
    # ACCESS.md: provider commissions are `interventions`, the provider's "own"; it
    # needs to know what it was commissioned for and what it may receive. Another
    # provider on the same case is someone else's engagement.
    p = embedded_platform
    case_id = await known_case(p)
    await _provider_consent(p, case_id)
    made = await _commission(p, case_id, ["case_ref", "threat"])
    assert made.status_code == 201, made.text
    other = await p.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "contact_person",
            "provider_organisation": "kontaktpersoner-ab",
            "disclosed_categories": [],
            "decided_on": today_in_sweden().isoformat(),
        },
    )
    assert other.status_code == 201, other.text
    path = f"/cases/{case_id}/commissions"

    own = await p.get_as("provider-skyddat-boende", "social", path)
    contact = await p.get_as("provider-kontakt", "social", path)
    social = await p.clients["social"].get(path)

    assert own.status_code == 200, own.text
    [commission] = own.json()
    assert commission["commission_id"] == made.json()["commission_id"]
    assert (commission["intervention"], commission["provider_organisation"]) == (
        "protected_housing",
        PROVIDER,
    )
    assert commission["disclosed_categories"] == ["case_ref", "threat"]
    assert [c["intervention"] for c in contact.json()] == ["contact_person"]
    assert len(social.json()) == 2
