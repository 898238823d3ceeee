"""Which provider works with the person is `interventions` ("provider commissions",
ACCESS.md), closed to police: no follow-up record police may read names one, neither
as who recorded a phase, nor as who attends a meeting, nor as a consent's recipient."""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.people import POLICE_CONSENT
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import (
    HOUSING,
    PROVIDER_CLIENT,
    commission,
    followed_case,
    provider_consent,
)


def _withheld(read: Any) -> set[str]:
    return {w["category"] for w in read.json()["withheld"]}


async def test_police_with_the_usual_consent_read_the_phases_but_not_which_provider_recorded_one(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await followed_case(platform)
    await commission(platform, case_id, HOUSING)
    await provider_consent(platform, case_id, HOUSING)
    path = f"/cases/{case_id}/phases"
    moved = await platform.clients["followup"].post(
        path,
        json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        headers=platform.auth(PROVIDER_CLIENT[HOUSING]),
    )
    assert moved.status_code == 201, moved.text

    police = await platform.get_as("police-syd", "followup", path)
    social = await platform.clients["followup"].get(path)

    assert police.status_code == 200, police.text
    history = police.json()["history"]
    assert [e["phase"] for e in history] == ["initial_contact", "acute"]
    assert all("recorded_by" not in e for e in history), history
    assert "interventions" in _withheld(police)
    # Social services, who commissioned the provider, still read who recorded it.
    recorders = [e["recorded_by"] for e in social.json()["history"]]
    assert recorders[-1] == PROVIDER_CLIENT[HOUSING]


async def test_police_with_a_followup_consent_read_the_meetings_but_not_the_provider_attending(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    consent = POLICE_CONSENT | {"categories": ["case_ref", "identity", "followup"]}
    case_id = await followed_case(platform, consents=[consent])
    await commission(platform, case_id, HOUSING)
    made = await platform.clients["followup"].post(
        f"/cases/{case_id}/meetings",
        json={
            "kind": "review",
            "scheduled_on": today_in_sweden().isoformat(),
            "with_provider": HOUSING,
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["with_provider"] == HOUSING

    police = await platform.get_as("police-syd", "followup", f"/cases/{case_id}/meetings")

    assert police.status_code == 200, police.text
    [meeting] = police.json()
    # Police's follow-up cell is "status, relapse": the meeting, not who attends it.
    assert meeting["kind"] == "review" and "with_provider" not in meeting, meeting
    assert "interventions" in {w["category"] for w in meeting["withheld"]}


async def test_a_consent_to_a_provider_is_noted_in_the_timeline_without_naming_its_recipients(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await followed_case(platform)
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "provider", "organisation": HOUSING}],
            "categories": ["case_ref", "contact"],
            "purposes": ["intervention"],
            "method": "written",
            "document_reference": "Synthetic consent form, provider",
        },
    )
    assert given.status_code == 201, given.text
    path = f"/cases/{case_id}/timeline"

    async def noted() -> bool:
        read = await platform.clients["followup"].get(path)
        return any(e["milestone"] == "consent_granted" for e in read.json()["entries"])

    assert await wait_until(noted)
    police = await platform.get_as("police-syd", "followup", path)

    assert police.status_code == 200, police.text
    granted = [
        (e["category"], e["summary"])
        for e in police.json()["entries"]
        if e["milestone"] == "consent_granted"
    ]
    # The entry is `case_ref`, which police read under the usual consent: it says
    # that a consent was given, never to whom (a provider is `interventions`).
    assert granted == [("case_ref", "Consent given")]


async def test_a_phase_a_provider_recorded_reads_on_police_timeline_as_social_services(
    embedded_platform: RunningPlatform,
) -> None:
    # The phase entry is `case_ref`, which police read under the usual consent;
    # "reported by provider" would tell them a provider is commissioned.
    platform = embedded_platform
    case_id = await followed_case(platform)
    await commission(platform, case_id, HOUSING)
    await provider_consent(platform, case_id, HOUSING)
    moved = await platform.clients["followup"].post(
        f"/cases/{case_id}/phases",
        json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        headers=platform.auth(PROVIDER_CLIENT[HOUSING]),
    )
    assert moved.status_code == 201, moved.text

    police = await platform.get_as("police-syd", "followup", f"/cases/{case_id}/timeline")

    assert police.status_code == 200, police.text
    entries = police.json()["entries"]
    phased = [e for e in entries if e["milestone"] == "phase_changed"]
    assert [(e["reported_by"], e["summary"]) for e in phased] == [("social", "Phase: acute")]
    assert all(e["reported_by"] != "provider" for e in entries), entries
