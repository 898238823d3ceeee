"""Once the exit has ended with nothing going on (completed, or aborted with no support
continuing, PROCESS.md steps 12-13), the case is no longer followed up: it moves through
no more phases, and no worklist shows it as stuck in the acute phase or its review as
overdue. Aborted with social services' support going on, it still is followed up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform
from tests.test_followup_phases_and_reports import followed_case


def day() -> str:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return today_in_sweden().isoformat()


async def _acute_with_a_review(platform: RunningPlatform) -> str:
    """A case in the acute phase with a review scheduled for today."""
    case_id = await followed_case(platform)
    followup = platform.clients["followup"]
    moved = await followup.post(
        f"/cases/{case_id}/phases", json={"phase": "acute", "entered_on": day()}
    )
    assert moved.status_code == 201, moved.text
    meeting = await followup.post(
        f"/cases/{case_id}/meetings", json={"kind": "review", "scheduled_on": day()}
    )
    assert meeting.status_code == 201, meeting.text
    return case_id


async def _abort(platform: RunningPlatform, case_id: str, *, support_continues: bool) -> None:
    aborted = await platform.clients["followup"].post(
        f"/cases/{case_id}/exit/abortion",
        json={
            "aborted_on": day(),
            "reason": "Moved back",
            "social_support_continues": support_continues,
        },
    )
    assert aborted.status_code == 201, aborted.text


async def _five_weeks_pass(platform: RunningPlatform, case_ids: list[str]) -> None:
    """The acute phase was entered five weeks ago (seed 000 expects 1-4), the review
    was due a week ago."""
    async with platform.runtime("followup").engine.begin() as connection:
        for case_id in case_ids:
            await connection.execute(
                text(
                    "UPDATE followup_phase_entry SET entered_on = :day "
                    "WHERE case_id = :case AND phase = 'acute'"
                ),
                {"day": today_in_sweden() - timedelta(weeks=5), "case": case_id},
            )
            await connection.execute(
                text("UPDATE followup_meeting SET scheduled_on = :day WHERE case_id = :case"),
                {"day": today_in_sweden() - timedelta(weeks=1), "case": case_id},
            )


async def test_an_exit_aborted_with_nothing_going_on_leaves_the_acute_and_meeting_worklists(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    followup = platform.clients["followup"]
    ended = await _acute_with_a_review(platform)
    supported = await _acute_with_a_review(platform)
    ongoing = await _acute_with_a_review(platform)
    await _abort(platform, ended, support_continues=False)
    await _abort(platform, supported, support_continues=True)
    await _five_weeks_pass(platform, [ended, supported, ongoing])

    acute = (await followup.get("/phases/acute-overdue")).json()
    overdue = (await followup.get("/meetings/overdue")).json()
    phases = {c: (await followup.get(f"/cases/{c}/phases")).json() for c in (ended, supported)}
    meetings = (await followup.get(f"/cases/{ended}/meetings")).json()

    assert sorted(p["case_id"] for p in acute) == sorted([supported, ongoing]), acute
    assert sorted(m["case_id"] for m in overdue) == sorted([supported, ongoing]), overdue
    # The case's own phases and meetings say the same as the worklists.
    assert phases[ended]["acute_overdue"] is False
    assert phases[supported]["acute_overdue"] is True
    assert [m["overdue"] for m in meetings] == [False]


async def test_a_phase_change_after_the_exit_ended_with_nothing_going_on_is_a_conflict(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    followup = platform.clients["followup"]
    ended = await followed_case(platform)
    supported = await followed_case(platform)
    await _abort(platform, ended, support_continues=False)
    await _abort(platform, supported, support_continues=True)

    refused = await followup.post(
        f"/cases/{ended}/phases", json={"phase": "acute", "entered_on": day()}
    )
    moved = await followup.post(
        f"/cases/{supported}/phases", json={"phase": "acute", "entered_on": day()}
    )
    history = (await followup.get(f"/cases/{ended}/phases")).json()["history"]

    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "aborted" in refused.json()["detail"]
    assert [h["phase"] for h in history] == ["initial_contact"]
    assert moved.status_code == 201, moved.text
