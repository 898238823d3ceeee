"""Police's follow-up under a consent is "consent (status, relapse)" (ACCESS.md, baseline
matrix): the course of the follow-up, never its notes, the abort reason or the person's
own view, which social services keep as they did (policies/README.md, parts)."""

from __future__ import annotations

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import followed_case

REASON = "Started using again and fears the network"
VIEW = "My depression got worse after the move"
NOTES = "Debts of 200 000 kr; psychiatric referral"


async def _consent_to_police_follow_up(platform: RunningPlatform, case_id: str) -> None:
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "police"}],
            "categories": ["case_ref", "followup"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Synthetic consent: police may follow status and relapse",
        },
    )
    assert given.status_code == 201, given.text
    consent_id = given.json()["consent_id"]

    async def known() -> bool:
        where = f"WHERE consent_id = '{consent_id}'"
        return await count_rows(platform.runtime("followup"), "access_consent", where) == 1

    assert await wait_until(known)


async def test_under_a_follow_up_consent_police_see_the_follow_up_status_and_relapse_and_no_notes(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    followup = platform.clients["followup"]
    case_id = await followed_case(platform)
    day = today_in_sweden().isoformat()
    aborted = await followup.post(
        f"/cases/{case_id}/exit/abortion",
        json={"aborted_on": day, "reason": REASON, "social_support_continues": True},
    )
    assert aborted.status_code == 201, aborted.text
    closed = await followup.post(
        f"/cases/{case_id}/exit/closing", json={"conversation_on": day, "person_view": VIEW}
    )
    assert closed.status_code == 201, closed.text
    meeting = await followup.post(
        f"/cases/{case_id}/meetings", json={"kind": "review", "scheduled_on": day}
    )
    assert meeting.status_code == 201, meeting.text
    held = await followup.post(
        f"/cases/{case_id}/meetings/{meeting.json()['meeting_id']}/held",
        json={"held_on": day, "notes": NOTES},
    )
    assert held.status_code == 200, held.text
    await _consent_to_police_follow_up(platform, case_id)

    exit_ = await platform.get_as("police-syd", "followup", f"/cases/{case_id}/exit")
    meetings = await platform.get_as("police-syd", "followup", f"/cases/{case_id}/meetings")
    own_exit = (await followup.get(f"/cases/{case_id}/exit")).json()
    own_meetings = (await followup.get(f"/cases/{case_id}/meetings")).json()

    # Police: that the exit was aborted and when the closing conversation and the
    # meeting were held; nothing said in them.
    assert exit_.status_code == 200, exit_.text
    seen = exit_.json()
    assert (seen["status"], seen["ended_on"], seen["closing_conversation_on"]) == (
        "aborted",
        day,
        day,
    )
    assert not {"reason", "person_view", "social_support_continues"} & set(seen)
    assert meetings.status_code == 200, meetings.text
    [listed] = meetings.json()
    assert (listed["kind"], listed["held_on"]) == ("review", day)
    assert "notes" not in listed
    assert REASON not in exit_.text and VIEW not in exit_.text and NOTES not in meetings.text
    # Social services, whose records these are, keep all of it.
    assert (own_exit["reason"], own_exit["person_view"]) == (REASON, VIEW)
    assert own_meetings[0]["notes"] == NOTES
