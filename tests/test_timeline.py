"""The case timeline: one chronological view across services, each entry shown only to
those who may see its category (ACCESS.md), and withheld without a trace otherwise."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_followup_phases_and_reports import (
    HOUSING,
    commission,
    followed_case,
    incident_task,
)
from tests.test_threat_assessments import assessment


def milestones(timeline: Any) -> list[str]:
    return [e["milestone"] for e in timeline.json()["entries"]]


async def test_each_reader_sees_the_entries_of_the_categories_it_may_see_in_order(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    await embedded_platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    followup = embedded_platform.runtime("followup")
    level_changes = f"WHERE consumer = '{followup.settings.consumer_group}' AND event_type = 'threat.level_changed'"
    threat_entries = f"WHERE case_id = '{case_id}' AND milestone = 'threat_level_changed'"
    assessed = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    decided = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/aid-decisions", json=decision()
    )
    path = f"/cases/{case_id}/timeline"

    async def level_change_heard() -> bool:
        return await count_rows(followup, "inbox", level_changes) == 1

    async def decision_noted() -> bool:
        read = await embedded_platform.clients["followup"].get(path)
        return "aid_decided" in milestones(read)

    assert await wait_until(level_change_heard) and await wait_until(decision_noted)
    # Without the person's consent, police's threat level is not kept here at all.
    assert await count_rows(followup, "followup_timeline_entry", threat_entries) == 0
    phased = await embedded_platform.clients["followup"].post(
        f"/cases/{case_id}/phases",
        json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
    )
    assert (assessed.status_code, decided.status_code, phased.status_code) == (201, 201, 201)
    social = await embedded_platform.clients["followup"].get(path)
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

    async def consent_heard() -> bool:
        where = f"WHERE case_id = '{case_id}' AND status = 'active' AND categories LIKE '%threat%'"
        return await count_rows(followup, "access_consent", where) == 1

    assert await wait_until(consent_heard)
    reassessed = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("low")
    )
    assert reassessed.status_code == 201, reassessed.text

    async def threat_shown() -> bool:
        read = await embedded_platform.clients["followup"].get(path)
        return "threat_level_changed" in milestones(read)

    assert await wait_until(threat_shown)
    with_consent = await embedded_platform.clients["followup"].get(path)
    police = await embedded_platform.get_as("police-syd", "followup", path)

    # Social services: their own entries (the consent given with the application among
    # them), and the threat level only once consented to.
    assert milestones(social) == [
        "application_received",
        "consent_granted",
        "aid_decided",
        "phase_changed",
    ]
    assert social.json()["withheld"] == []
    entries = with_consent.json()["entries"]
    # By day, then in the order recorded (many things are dated by the day alone).
    # Swedish days (README): 23:30 UTC is already the next day in Sweden.
    days = [today_in_sweden(datetime.fromisoformat(e["occurred_at"])) for e in entries]
    assert days == sorted(days)
    [threat] = [e for e in entries if e["milestone"] == "threat_level_changed"]
    assert (threat["category"], threat["summary"]) == ("threat", "Threat level low, local handling")
    # Police: the case's course under the application's consent (case reference), and
    # the threat level they reported themselves; never social services' decision.
    assert police.status_code == 200, police.text
    assert milestones(police) == [
        "application_received",
        "consent_granted",
        "phase_changed",
        "consent_granted",
        "threat_level_changed",
    ]
    # Nor that there is one: the answer names no entry's category as withheld.
    assert police.json()["withheld"] == []


async def test_the_consents_given_with_the_application_are_on_the_timeline_once_each(
    platform: RunningPlatform,
) -> None:
    # They are announced before the application, so before follow-up has a
    # timeline to note them on: noted when the timeline starts, never twice.
    to_probation = {**POLICE_CONSENT, "recipients": [{"agency": "probation"}]}
    case_id = await followed_case(platform, consents=[POLICE_CONSENT, to_probation])
    path = f"/cases/{case_id}/timeline"

    read = await platform.clients["followup"].get(path)

    assert read.status_code == 200, read.text
    assert milestones(read).count("consent_granted") == 2


async def test_police_cannot_tell_from_the_timeline_whether_a_provider_was_commissioned(
    embedded_platform: RunningPlatform,
) -> None:
    # That a provider works with the person is `interventions`, closed to police
    # (ACCESS.md): the answer's `withheld` must not name the category of an entry
    # they may not see, or it tells them there is one.
    platform = embedded_platform
    without = await followed_case(platform)
    commissioned = await followed_case(platform)
    await commission(platform, commissioned, HOUSING)

    reads = {
        case_id: await platform.get_as("police-syd", "followup", f"/cases/{case_id}/timeline")
        for case_id in (without, commissioned)
    }

    assert all(read.status_code == 200 for read in reads.values())
    withheld = {case_id: read.json()["withheld"] for case_id, read in reads.items()}
    assert withheld[commissioned] == withheld[without] == [], withheld
    # Social services, who may see it, read the commission's entry.
    social = await platform.clients["followup"].get(f"/cases/{commissioned}/timeline")
    assert "provider_commissioned" in milestones(social)


async def test_police_do_not_read_on_the_timeline_that_an_incident_was_assessed(
    embedded_platform: RunningPlatform,
) -> None:
    # An incident is `interventions` ("provider reports, attendance, incidents",
    # ACCESS.md), closed to police even under a consent to `followup`; they learn of
    # one only when it concerns security (PROCESS.md step 11), and never from social
    # services' assessment of it.
    platform = embedded_platform
    consent = POLICE_CONSENT | {"categories": ["case_ref", "identity", "followup"]}
    case_id = await followed_case(platform, consents=[consent])
    incident = {
        "occurred_on": today_in_sweden().isoformat(),
        "severity": "serious",
        "concerns_security": False,
        "description": "Relapsed into drinking over the weekend",
    }
    task_id = await incident_task(platform, case_id, incident)
    social = platform.clients["social"]
    done = await social.post(f"/tasks/{task_id}/completion", json={"outcome": "continue"})
    assert done.status_code == 200, done.text
    path = f"/cases/{case_id}/timeline"

    async def noted() -> bool:
        return "assessment_made" in milestones(await platform.clients["followup"].get(path))

    assert await wait_until(noted)
    police = await platform.get_as("police-syd", "followup", path)
    own = await platform.clients["followup"].get(path)

    assert police.status_code == 200, police.text
    assert "assessment_made" not in milestones(police), police.json()
    assert police.json()["withheld"] == [], police.json()
    assessed = [e for e in own.json()["entries"] if e["milestone"] == "assessment_made"]
    assert [(e["category"], e["summary"]) for e in assessed] == [
        ("interventions", "Individual assessment after an incident: continue")
    ]
