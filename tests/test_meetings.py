"""Follow-up meetings: reviews per the action plan and by hand, overdue ones listed, and
the security follow-up recorded (PROCESS.md step 11)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.people import POLICE_CONSENT
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import (
    CONTACT,
    HOUSING,
    commission,
    followed_case,
    invalid,
)


async def test_the_plans_review_date_becomes_a_review_meeting(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    review_on = (today_in_sweden() + timedelta(days=30)).isoformat()
    plan = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/action-plans",
        json={
            "goals": ["A life without crime in the new town"],
            "measures": [
                {"description": "Weekly support talks", "responsible": "social"},
            ],
            "review_on": review_on,
            "persons_view": "Wants work training as soon as possible",
        },
    )
    assert plan.status_code == 201, plan.text

    async def scheduled() -> bool:
        listed = await embedded_platform.clients["followup"].get(f"/cases/{case_id}/meetings")
        return any(m["plan_version"] == 1 for m in listed.json())

    assert await wait_until(scheduled)
    [meeting] = (
        await embedded_platform.clients["followup"].get(f"/cases/{case_id}/meetings")
    ).json()
    assert (meeting["kind"], meeting["scheduled_on"], meeting["with_person"]) == (
        "review",
        review_on,
        True,
    )


async def test_a_meeting_not_held_by_its_date_is_overdue_until_recorded_as_held(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/meetings"
    day = today_in_sweden().isoformat()

    past = await followup.post(
        path,
        json={
            "kind": "review",
            "scheduled_on": (today_in_sweden() - timedelta(days=1)).isoformat(),
        },
    )
    nobody = await followup.post(
        path, json={"kind": "review", "scheduled_on": day, "with_person": False}
    )
    security = await followup.post(path, json={"kind": "security_follow_up", "scheduled_on": day})
    assert security.status_code == 201, security.text
    meeting_id = security.json()["meeting_id"]
    # A week passes without the meeting.
    async with embedded_platform.runtime("followup").engine.begin() as connection:
        await connection.execute(
            text("UPDATE followup_meeting SET scheduled_on = :day WHERE meeting_id = :id"),
            {"day": today_in_sweden() - timedelta(days=7), "id": meeting_id},
        )
    overdue = await followup.get("/meetings/overdue")
    other = await embedded_platform.get_as("social-lund", "followup", "/meetings/overdue")
    no_notes = await followup.post(f"{path}/{meeting_id}/held", json={"held_on": day, "notes": " "})
    held = await followup.post(
        f"{path}/{meeting_id}/held",
        json={"held_on": day, "notes": "No sign the new town is known; cover story holds"},
    )
    twice = await followup.post(f"{path}/{meeting_id}/held", json={"held_on": day, "notes": "x"})
    after = await followup.get("/meetings/overdue")
    timeline = await followup.get(f"/cases/{case_id}/timeline")

    assert invalid(past) == ["scheduled_on"]
    assert invalid(nobody) == ["with_person"]
    assert [(m["meeting_id"], m["overdue"]) for m in overdue.json()] == [(meeting_id, True)]
    assert other.json() == []
    assert invalid(no_notes) == ["notes"]
    assert held.status_code == 200, held.text
    assert (held.json()["held_on"], held.json()["overdue"]) == (day, False)
    assert twice.status_code == 409
    assert after.json() == []
    assert "Security follow-up held" in [e["summary"] for e in timeline.json()["entries"]]


async def test_a_meeting_without_the_person_and_with_a_blank_provider_meets_nobody_and_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)

    blank = await embedded_platform.clients["followup"].post(
        f"/cases/{case_id}/meetings",
        json={
            "kind": "security_follow_up",
            "scheduled_on": today_in_sweden().isoformat(),
            "with_person": False,
            "with_provider": "",
        },
    )

    assert blank.headers["content-type"] == "application/problem+json"
    assert invalid(blank) == ["with_person"]


async def test_a_meeting_recorded_as_held_before_the_case_began_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    # Follow-up follows the case (PROCESS.md step 11): as an abort dated before the
    # case began is refused, so is a meeting held before it.
    case_id = await followed_case(embedded_platform)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/meetings"
    made = await followup.post(
        path, json={"kind": "review", "scheduled_on": today_in_sweden().isoformat()}
    )
    assert made.status_code == 201, made.text
    meeting_id = made.json()["meeting_id"]

    held = await followup.post(
        f"{path}/{meeting_id}/held",
        json={"held_on": "1900-01-01", "notes": "Needs changed: debt counselling next"},
    )
    timeline = (await followup.get(f"/cases/{case_id}/timeline")).json()["entries"]
    meeting = (await followup.get(path)).json()

    assert invalid(held) == ["held_on"]
    assert "the case began on" in held.json()["invalid-params"][0]["reason"]
    assert "follow_up_meeting" not in [e["milestone"] for e in timeline]
    assert [m["held_on"] for m in meeting] == [None]


async def test_a_meeting_with_a_provider_not_commissioned_for_the_case_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    # The provider of "conversations with the person and the provider" (PROCESS.md
    # step 11) carries out the interventions: one commissioned for the case (step 10).
    case_id = await followed_case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/meetings"

    def with_provider(provider: str) -> dict[str, Any]:
        day = today_in_sweden().isoformat()
        return {
            "kind": "review",
            "scheduled_on": day,
            "with_person": False,
            "with_provider": provider,
        }

    unknown = await followup.post(path, json=with_provider("okand-utforare-ab"))
    not_commissioned = await followup.post(path, json=with_provider(CONTACT))
    commissioned = await followup.post(path, json=with_provider(HOUSING))
    listed = (await followup.get(path)).json()

    assert invalid(unknown) == invalid(not_commissioned) == ["with_provider"]
    reason = not_commissioned.json()["invalid-params"][0]["reason"]
    assert reason == "not a provider commissioned for the case", reason
    assert commissioned.status_code == 201, commissioned.text
    assert [m["with_provider"] for m in listed] == [HOUSING]


async def test_police_read_a_meeting_with_only_a_provider_as_they_read_one_with_the_person(
    embedded_platform: RunningPlatform,
) -> None:
    # A meeting meets the person or a provider: "not with the person" would tell
    # police a provider works with the person, which is `interventions`, closed to
    # them (ACCESS.md) even under a consent to `followup`.
    platform = embedded_platform
    consent = POLICE_CONSENT | {"categories": ["case_ref", "identity", "followup"]}
    case_id = await followed_case(platform, consents=[consent])
    await commission(platform, case_id, HOUSING)
    path = f"/cases/{case_id}/meetings"
    day = today_in_sweden().isoformat()
    meetings = [
        {"kind": "review", "scheduled_on": day, "with_person": True},
        {"kind": "review", "scheduled_on": day, "with_person": False, "with_provider": HOUSING},
    ]
    for meeting in meetings:
        made = await platform.clients["followup"].post(path, json=meeting)
        assert made.status_code == 201, made.text

    police = await platform.get_as("police-syd", "followup", path)
    social = (await platform.clients["followup"].get(path)).json()

    assert police.status_code == 200, police.text
    seen = [{k: v for k, v in m.items() if k != "meeting_id"} for m in police.json()]
    assert len(seen) == 2 and seen[0] == seen[1], seen
    assert all("with_person" not in m and "with_provider" not in m for m in seen), seen
    # Social services, who commissioned the provider, read who each meeting meets.
    assert sorted((m["with_person"], m["with_provider"]) for m in social) == [
        (False, HOUSING),
        (True, None),
    ]


async def test_police_do_not_read_the_action_plan_version_from_its_review_meeting(
    embedded_platform: RunningPlatform,
) -> None:
    # The plan and its versions are `action_plan`, closed to police (ACCESS.md);
    # the timeline hides the plan's own entry, and the meeting it schedules must too.
    platform = embedded_platform
    consent = POLICE_CONSENT | {"categories": ["case_ref", "identity", "followup"]}
    case_id = await followed_case(platform, consents=[consent])
    plan = await platform.clients["social"].post(
        f"/cases/{case_id}/action-plans",
        json={
            "goals": ["A life without crime in the new town"],
            "measures": [{"description": "Weekly support talks", "responsible": "social"}],
            "review_on": (today_in_sweden() + timedelta(days=30)).isoformat(),
            "persons_view": "Wants work training",
        },
    )
    assert plan.status_code == 201, plan.text
    path = f"/cases/{case_id}/meetings"

    async def scheduled() -> bool:
        return bool((await platform.get_as("police-syd", "followup", path)).json())

    assert await wait_until(scheduled)
    [meeting] = (await platform.get_as("police-syd", "followup", path)).json()
    assert meeting["kind"] == "review"
    assert "plan_version" not in meeting, meeting
