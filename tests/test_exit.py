"""How an exit ends: the person aborts, police abort or complete, a re-application links
to the earlier case, and a closing conversation records the person's view (steps 12-13)."""

from __future__ import annotations

from datetime import timedelta

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import invalid
from tests.test_police_case import _open_case, answers


async def test_the_person_aborts_with_a_reason_and_a_later_application_links_to_the_case(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body()
    first = await embedded_platform.submit(body)
    case_id = first.json()["case_id"]
    followup = embedded_platform.clients["followup"]
    await embedded_platform.eventually("followup", f"/cases/{case_id}/exit")
    path = f"/cases/{case_id}/exit/abortion"
    day = today_in_sweden().isoformat()

    no_reason = await followup.post(
        path, json={"aborted_on": day, "reason": " ", "social_support_continues": True}
    )
    future = await followup.post(
        path,
        json={
            "aborted_on": (today_in_sweden() + timedelta(days=1)).isoformat(),
            "reason": "Changed their mind",
            "social_support_continues": True,
        },
    )
    aborted = await followup.post(
        path,
        json={"aborted_on": day, "reason": "Changed their mind", "social_support_continues": True},
    )
    again = await followup.post(
        path, json={"aborted_on": day, "reason": "Twice", "social_support_continues": False}
    )
    other = await followup.post(
        path,
        json={"aborted_on": day, "reason": "x", "social_support_continues": True},
        headers=embedded_platform.auth("social-lund"),
    )
    second = await embedded_platform.submit(body | {"consents": []})
    new_case = second.json()["case_id"]

    assert invalid(no_reason) == ["reason"]
    assert invalid(future) == ["aborted_on"]
    assert aborted.status_code == 201, aborted.text
    assert (aborted.json()["status"], aborted.json()["aborted_by"]) == ("aborted", "person")
    assert aborted.json()["social_support_continues"] is True
    assert again.status_code == 409
    assert other.status_code == 403
    assert second.json()["previous_case_id"] == case_id
    linked = await embedded_platform.eventually("followup", f"/cases/{new_case}/exit")
    assert (linked.json()["status"], linked.json()["earlier_case_id"]) == ("ongoing", case_id)


async def test_police_complete_the_exit_and_the_closing_conversation_follows_it(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _open_case(embedded_platform)
    await consent_social_to_police_records(embedded_platform, case_id)
    followup = embedded_platform.clients["followup"]
    closing = f"/cases/{case_id}/exit/closing"
    view = {"conversation_on": today_in_sweden().isoformat(), "person_view": "Worth it"}
    too_early = await followup.post(closing, json=view)
    completed = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
    )
    assert completed.status_code in (200, 201), completed.text

    async def ended() -> bool:
        return bool((await followup.get(f"/cases/{case_id}/exit")).json()["status"] == "completed")

    assert await wait_until(ended)
    blank = await followup.post(closing, json=view | {"person_view": "  "})
    closed = await followup.post(closing, json=view)

    assert too_early.status_code == 409
    assert invalid(blank) == ["person_view"]
    assert closed.status_code == 201, closed.text
    assert closed.json()["person_view"] == "Worth it"


async def test_a_police_abort_ends_the_exit_and_its_reason_arrives_only_under_the_consent(
    embedded_platform: RunningPlatform,
) -> None:
    with_consent = await _open_case(embedded_platform)
    without = await _open_case(embedded_platform)
    await consent_social_to_police_records(embedded_platform, with_consent)
    followup = embedded_platform.clients["followup"]
    for case_id in (with_consent, without):
        aborted = await embedded_platform.clients["threat"].post(
            f"/cases/{case_id}/police-case/abort", json={"reason": "Returned to the network"}
        )
        assert aborted.status_code == 200, aborted.text

    async def ended() -> bool:
        return bool(
            (await followup.get(f"/cases/{with_consent}/exit")).json()["status"] == "aborted"
        )

    assert await wait_until(ended)
    seen = (await followup.get(f"/cases/{with_consent}/exit")).json()
    assert (seen["aborted_by"], seen["reason"]) == ("police", "Returned to the network")
    # Without a consent covering police's case reference, follow-up learns nothing.
    unseen = (await followup.get(f"/cases/{without}/exit")).json()
    assert unseen["status"] == "ongoing"


async def test_police_reopening_their_aborted_case_lets_their_later_completion_end_the_exit(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _open_case(embedded_platform)
    await consent_social_to_police_records(embedded_platform, case_id)
    threat = embedded_platform.clients["threat"]
    followup = embedded_platform.clients["followup"]
    runtime = embedded_platform.runtime("followup")
    isu_row = f"WHERE case_id = '{case_id}' AND outcome = "

    async def exit_is(status: str) -> bool:
        read = (await followup.get(f"/cases/{case_id}/exit")).json()
        return bool(read["status"] == status) and (
            await count_rows(runtime, "followup_isu_case", isu_row + f"'{status}'") == 1
        )

    aborted = await threat.post(
        f"/cases/{case_id}/police-case/abort", json={"reason": "Stopped attending"}
    )
    assert aborted.status_code == 200, aborted.text
    assert await wait_until(lambda: exit_is("aborted"))
    reopened = await threat.post(f"/cases/{case_id}/police-case", json=answers())
    assert reopened.status_code == 201, reopened.text

    # A new attempt: the exit, and ISU's outcome, go on again.
    assert await wait_until(lambda: exit_is("ongoing"))
    resumed = (await followup.get(f"/cases/{case_id}/exit")).json()
    assert (resumed["ended_on"], resumed["aborted_by"], resumed["reason"]) == (None, None, None)
    completed = await threat.post(
        f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
    )
    assert completed.status_code in (200, 201), completed.text
    # The exit reads as the threat service and the timeline say: completed.
    assert await wait_until(lambda: exit_is("completed"))
