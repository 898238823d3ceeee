"""The case timeline: one chronological view across services, each entry shown only to
those who may see its category (ACCESS.md), and withheld without a trace otherwise."""

from __future__ import annotations

from typing import Any

from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_followup_phases_and_reports import TODAY, followed_case
from tests.test_threat_assessments import assessment


def milestones(timeline: Any) -> list[str]:
    return [e["milestone"] for e in timeline.json()["entries"]]


async def test_each_reader_sees_the_entries_of_the_categories_it_may_see_in_order(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    await embedded_platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assessed = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    decided = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/aid-decisions", json=decision()
    )
    path = f"/cases/{case_id}/timeline"

    async def decision_noted() -> bool:
        read = await embedded_platform.clients["followup"].get(path)
        return "aid_decided" in milestones(read)

    assert await wait_until(decision_noted)
    phased = await embedded_platform.clients["followup"].post(
        f"/cases/{case_id}/phases", json={"phase": "acute", "entered_on": TODAY.isoformat()}
    )
    assert (assessed.status_code, decided.status_code, phased.status_code) == (201, 201, 201)
    social = await embedded_platform.clients["followup"].get(path)
    police = await embedded_platform.get_as("police-syd", "followup", path)
    consent = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "social"}],
            "categories": ["threat"],
            "purposes": ["investigation"],
            "method": "written",
            "document_reference": "Synthetic consent form, timeline",
        },
    )
    assert consent.status_code == 201, consent.text

    async def threat_shown() -> bool:
        read = await embedded_platform.clients["followup"].get(path)
        return "threat_level_changed" in milestones(read)

    assert await wait_until(threat_shown)
    with_consent = await embedded_platform.clients["followup"].get(path)

    # Social services: their own entries; the threat level only under the consent.
    assert milestones(social) == ["application_received", "aid_decided", "phase_changed"]
    assert {w["category"] for w in social.json()["withheld"]} == {"threat"}
    entries = with_consent.json()["entries"]
    assert "threat_level_changed" in milestones(with_consent)
    # By day, then in the order recorded (many things are dated by the day alone).
    days = [e["occurred_at"][:10] for e in entries]
    assert days == sorted(days)
    [threat] = [e for e in entries if e["milestone"] == "threat_level_changed"]
    assert (threat["category"], threat["summary"]) == (
        "threat",
        "Threat level high, regional handling",
    )
    # Police: the case's course under the application's consent (case reference), and
    # the threat level they reported themselves; never social services' decision.
    assert police.status_code == 200, police.text
    assert milestones(police) == ["application_received", "threat_level_changed", "phase_changed"]
    assert {w["category"] for w in police.json()["withheld"]} == {"decisions"}
