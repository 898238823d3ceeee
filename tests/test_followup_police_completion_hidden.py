"""Police's completion of the exit is police's record (README, follow-up; ACCESS.md): a
reader who may not see police's records reads the exit as going on, and follow-up's
other answers to it must not tell otherwise, neither that police completed the exit
nor on which day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_police_records_of_the_exit import _stay_in_lund
from tests.test_police_case import _open_case

#: A purpose the consent to police's records (investigation) does not cover.
FOLLOWUP_PURPOSE = {"Avhopp-Purpose": "followup"}


async def _acute_for_five_weeks(platform: RunningPlatform, case_id: str) -> None:
    """In the acute phase since five weeks ago (seed 000 expects 1-4 weeks)."""
    moved = await platform.clients["followup"].post(
        f"/cases/{case_id}/phases",
        json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
    )
    assert moved.status_code == 201, moved.text
    async with platform.runtime("followup").engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE followup_phase_entry SET entered_on = :day "
                "WHERE case_id = :case AND phase = 'acute'"
            ),
            {"day": today_in_sweden() - timedelta(weeks=5), "case": case_id},
        )


async def _police_complete(platform: RunningPlatform, case_id: str) -> None:
    completed = await platform.clients["threat"].post(
        f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
    )
    assert completed.status_code in (200, 201), completed.text

    async def ended() -> bool:
        read = await platform.clients["followup"].get(f"/cases/{case_id}/exit")
        return bool(read.json()["status"] == "completed")

    assert await wait_until(ended)


def _phases(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_the_municipality_of_stay_outside_the_consent_reads_the_acute_phase_overdue_after_police_completed(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)  # to Malmö, the recording one
    await _stay_in_lund(platform, case_id)
    await _acute_for_five_weeks(platform, case_id)
    path = f"/cases/{case_id}/phases"
    before = _phases(await platform.get_as("social-lund", "followup", path))

    await _police_complete(platform, case_id)
    lund = _phases(await platform.get_as("social-lund", "followup", path))
    malmo = _phases(await platform.get_as("social-malmo", "followup", path))

    # Lund reads the exit as going on (GET /exit), so its phases answer as before.
    assert before["acute_overdue"] is True
    assert lund == before
    # Malmö, under the consent, reads police's end: the case is followed no more.
    assert malmo["acute_overdue"] is False


async def test_a_phase_change_outside_the_consent_tells_nothing_of_police_completing_the_exit(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)
    await _police_complete(platform, case_id)
    followup, path = platform.clients["followup"], f"/cases/{case_id}/phases"
    change = {"phase": "acute", "entered_on": today_in_sweden().isoformat()}

    # For follow-up, a purpose the consent does not cover: the exit reads as going on.
    read = await followup.get(f"/cases/{case_id}/exit", headers=FOLLOWUP_PURPOSE)
    hidden = await followup.post(path, json=change, headers=FOLLOWUP_PURPOSE)
    # Under the consent: police's end, and its day, are Malmö's to read.
    shown = await followup.post(
        path, json={"phase": "stabilising", "entered_on": today_in_sweden().isoformat()}
    )

    assert read.json()["status"] == "ongoing", read.text
    assert hidden.status_code == 201, hidden.text
    assert "completed" not in hidden.text
    assert shown.status_code == 409, shown.text
    assert shown.json()["detail"].startswith("the exit was completed on")


async def test_the_municipality_of_stay_outside_the_consent_reads_a_review_overdue_after_police_completed(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)  # to Malmö, the recording one
    await _stay_in_lund(platform, case_id)
    path = f"/cases/{case_id}/meetings"
    review = {"kind": "review", "scheduled_on": today_in_sweden().isoformat()}
    scheduled = await platform.clients["followup"].post(path, json=review)
    assert scheduled.status_code == 201, scheduled.text
    async with platform.runtime("followup").engine.begin() as connection:
        await connection.execute(
            text("UPDATE followup_meeting SET scheduled_on = :day WHERE case_id = :case"),
            {"day": today_in_sweden() - timedelta(weeks=1), "case": case_id},
        )
    before = await platform.get_as("social-lund", "followup", path)

    await _police_complete(platform, case_id)
    lund = await platform.get_as("social-lund", "followup", path)
    malmo = await platform.get_as("social-malmo", "followup", path)

    assert before.status_code == lund.status_code == malmo.status_code == 200, lund.text
    assert [m["overdue"] for m in before.json()] == [True]
    assert lund.json() == before.json()
    assert [m["overdue"] for m in malmo.json()] == [False]


def _listed(answer: Any, case_id: str) -> bool:
    assert answer.status_code == 200, answer.text
    return case_id in {item["case_id"] for item in answer.json()}


async def test_a_case_police_completed_stays_on_the_worklists_of_a_reader_to_whom_it_goes_on(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)  # to Malmö, the recording one
    await _stay_in_lund(platform, case_id)
    await _acute_for_five_weeks(platform, case_id)
    review = {"kind": "review", "scheduled_on": today_in_sweden().isoformat()}
    scheduled = await platform.clients["followup"].post(f"/cases/{case_id}/meetings", json=review)
    assert scheduled.status_code == 201, scheduled.text
    async with platform.runtime("followup").engine.begin() as connection:
        await connection.execute(
            text("UPDATE followup_meeting SET scheduled_on = :day WHERE case_id = :case"),
            {"day": today_in_sweden() - timedelta(weeks=1), "case": case_id},
        )
    worklists = ("/phases/acute-overdue", "/meetings/overdue")
    before = [
        _listed(await platform.get_as("social-lund", "followup", w), case_id) for w in worklists
    ]

    await _police_complete(platform, case_id)
    lund = [
        _listed(await platform.get_as("social-lund", "followup", w), case_id) for w in worklists
    ]
    malmo = [
        _listed(await platform.get_as("social-malmo", "followup", w), case_id) for w in worklists
    ]

    # Lund reads the exit as going on: the case leaving its worklists would tell it
    # that police ended it. Malmö, under the consent, sees the end: nobody's work.
    assert before == [True, True]
    assert lund == [True, True]
    assert malmo == [False, False]
