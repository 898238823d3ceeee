"""Police's records kept in follow-up (an end police set to the exit, their timeline
entries) are police's: a reader sees them only as it may see police's records, and
nothing of them otherwise, not even that they exist (README, follow-up; ACCESS.md)."""

from __future__ import annotations

from typing import Any

from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import _consent_id, hit
from tests.test_police_case import _open_case
from tests.test_social_municipality import social_case
from tests.test_threat_assessments import assessment

MALMO, LUND = "1280", "1281"
FOLLOWUP_PURPOSE = {"Avhopp-Purpose": "followup"}
DECISION = "Avhopp-Decision-Id"


async def _stay_in_lund(platform: RunningPlatform, case_id: str) -> None:
    """Lund is the municipality of stay (it reads the case for acute help), once
    follow-up knows it."""
    stay = await platform.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    assert stay.status_code == 201, stay.text

    async def known() -> bool:
        where = f"WHERE case_id = '{case_id}' AND stay = '{LUND}'"
        return await count_rows(platform.runtime("followup"), "access_responsibility", where) == 1

    assert await wait_until(known)


async def _timeline_with(platform: RunningPlatform, case_id: str, milestone: str) -> None:
    async def noted() -> bool:
        read = await platform.clients["followup"].get(f"/cases/{case_id}/timeline")
        return read.status_code == 200 and milestone in [
            e["milestone"] for e in read.json()["entries"]
        ]

    assert await wait_until(noted)


async def _police_abort(platform: RunningPlatform, case_id: str) -> None:
    aborted = await platform.clients["threat"].post(
        f"/cases/{case_id}/police-case/abort", json={"reason": "Returned to the network"}
    )
    assert aborted.status_code == 200, aborted.text
    await _timeline_with(platform, case_id, "exit_aborted")


async def test_the_municipality_of_stay_outside_the_consent_reads_a_police_abort_as_going_on(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)  # to Malmö, the recording one
    await _stay_in_lund(platform, case_id)
    await _police_abort(platform, case_id)
    path = f"/cases/{case_id}/exit"

    malmo = await platform.get_as("social-malmo", "followup", path)
    lund = await platform.get_as("social-lund", "followup", path)
    police = await platform.get_as("police-syd", "followup", path)

    # Malmö, under the consent, reads police's end with its reason ...
    assert malmo.status_code == 200, malmo.text
    ended = malmo.json()
    assert (ended["status"], ended["aborted_by"]) == ("aborted", "police"), ended
    assert ended["reason"] == "Returned to the network"
    # ... Lund reads the exit as follow-up itself recorded it: going on, nothing of
    # police's end, and no withheld category telling that there is one.
    assert lund.status_code == 200, lund.text
    body = lund.json()
    assert body["status"] == "ongoing", body
    assert (body["ended_on"], body["aborted_by"], body.get("reason")) == (None, None, None)
    assert "Returned to the network" not in lund.text
    assert body["withheld"] == []
    assert len(lund.headers[DECISION].split(",")) == 1
    # Police read their own end of the exit.
    assert police.status_code == 200, police.text
    assert (police.json()["status"], police.json()["reason"]) == (
        "aborted",
        "Returned to the network",
    )


async def test_the_municipality_of_stay_cannot_tell_police_timeline_entries_are_hidden_from_it(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)  # to Malmö, the recording one
    await _stay_in_lund(platform, case_id)
    path = f"/cases/{case_id}/timeline"
    before = await platform.get_as("social-lund", "followup", path)

    await _police_abort(platform, case_id)
    after = await platform.get_as("social-lund", "followup", path)

    assert before.status_code == after.status_code == 200, after.text
    assert "exit_aborted" not in [e["milestone"] for e in after.json()["entries"]]
    assert before.json() | {"entries": None} == after.json() | {"entries": None}
    assert before.json()["entries"] == after.json()["entries"]
    # One decision id, however many parts the timeline was disclosed in.
    assert len(before.headers[DECISION].split(",")) == len(after.headers[DECISION].split(","))
    assert len(after.headers[DECISION].split(",")) == 1


async def test_a_timeline_with_hidden_police_entries_answers_as_one_without_any(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    with_relapse = await _open_case(platform)
    await consent_social_to_police_records(platform, with_relapse)
    checked = await platform.clients["threat"].post(
        f"/cases/{with_relapse}/register-checks", json=hit()
    )
    assert checked.status_code == 201, checked.text
    await _timeline_with(platform, with_relapse, "relapse_reported")
    without = await social_case(platform)
    await _timeline_with(platform, without, "application_received")
    followup = platform.clients["followup"]

    # Read for follow-up, a purpose the consent to police's records does not cover.
    hidden = await followup.get(f"/cases/{with_relapse}/timeline", headers=FOLLOWUP_PURPOSE)
    plain = await followup.get(f"/cases/{without}/timeline", headers=FOLLOWUP_PURPOSE)

    assert hidden.status_code == plain.status_code == 200, hidden.text
    assert "relapse_reported" not in [e["milestone"] for e in hidden.json()["entries"]]
    assert hidden.json()["withheld"] == plain.json()["withheld"]
    assert len(hidden.headers[DECISION].split(",")) == len(plain.headers[DECISION].split(",")) == 1


async def test_police_no_longer_read_when_the_case_began_once_their_consent_is_withdrawn(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    # The person lets police see the case, and social services see police's threat level.
    social_threat: dict[str, Any] = {
        "recipients": [{"agency": "social"}],
        "categories": ["threat"],
        "purposes": ["investigation"],
        "method": "written",
        "document_reference": "Synthetic consent form, threat level",
    }
    submitted = await platform.submit(application_body(consents=[POLICE_CONSENT, social_threat]))
    assert submitted.status_code == 201, submitted.text
    case_id = submitted.json()["case_id"]
    task = await platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert task.status_code == 200, task.text
    assessed = await platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert assessed.status_code == 201, assessed.text
    await _timeline_with(platform, case_id, "threat_level_changed")
    path = f"/cases/{case_id}/timeline"
    before = await platform.get_as("police-syd", "followup", path)
    assert before.status_code == 200, before.text
    assert "started_at" in before.json()

    police_consent = await _consent_id(platform, case_id, "police", "case_ref", "identity")
    withdrawn = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents/{police_consent}/withdrawal", json={}
    )
    assert withdrawn.status_code in (200, 201), withdrawn.text

    async def closed_to_police() -> bool:
        phases = await platform.get_as("police-syd", "followup", f"/cases/{case_id}/phases")
        return phases.status_code == 404

    assert await wait_until(closed_to_police)
    after = await platform.get_as("police-syd", "followup", path)

    # The timeline's own fields are social services' case reference, closed to police
    # now; what police still read is their own threat entry.
    assert after.status_code == 200, after.text
    body = after.json()
    assert "started_at" not in body and "case_id" not in body, body
    assert [e["milestone"] for e in body["entries"]] == ["threat_level_changed"]
    assert [w["category"] for w in body["withheld"]] == ["case_ref"]
