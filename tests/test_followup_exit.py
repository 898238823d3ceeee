"""How an exit ends, as follow-up records it: an abort dated within the case, and one
closing conversation holding the person's own view (PROCESS.md steps 12-13)."""

from __future__ import annotations

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform
from tests.test_followup_phases_and_reports import followed_case, invalid

PROBLEM = "application/problem+json"


async def test_an_abort_dated_before_the_case_began_is_refused_naming_the_date(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    followup = embedded_platform.clients["followup"]

    aborted = await followup.post(
        f"/cases/{case_id}/exit/abortion",
        json={"aborted_on": "1900-01-01", "reason": "Moved back", "social_support_continues": True},
    )
    exit_now = await followup.get(f"/cases/{case_id}/exit")

    assert aborted.headers["content-type"] == PROBLEM
    assert invalid(aborted) == ["aborted_on"]
    assert exit_now.json()["status"] == "ongoing"


async def test_a_second_closing_conversation_is_a_conflict_and_keeps_the_persons_view(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    followup = embedded_platform.clients["followup"]
    day = today_in_sweden().isoformat()
    aborted = await followup.post(
        f"/cases/{case_id}/exit/abortion",
        json={"aborted_on": day, "reason": "Moved back", "social_support_continues": True},
    )
    assert aborted.status_code == 201, aborted.text
    path = f"/cases/{case_id}/exit/closing"

    first = await followup.post(path, json={"conversation_on": day, "person_view": "First view"})
    second = await followup.post(path, json={"conversation_on": day, "person_view": "Another"})
    timeline = (await followup.get(f"/cases/{case_id}/timeline")).json()

    assert first.status_code == 201, first.text
    assert second.status_code == 409
    assert second.headers["content-type"] == PROBLEM
    assert (await followup.get(f"/cases/{case_id}/exit")).json()["person_view"] == "First view"
    closings = [e for e in timeline["entries"] if e["milestone"] == "closing_conversation"]
    assert len(closings) == 1
