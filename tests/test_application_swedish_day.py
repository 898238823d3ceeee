"""An application's day is the Swedish day it arrived, whatever offset ``received_at`` is
written in: the youth path (004 Del 4), the first phase and the ISU period count it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_followup_phases_and_reports import followed_case
from tests.test_social_municipality import born_on, social_case

YOUTH_TASKS = ["consider_lvu", "sis_joint_planning"]


def _applicant(born: date) -> dict[str, str]:
    return {"given_name": "Alex", "family_name": "Test", "personal_identity_number": born_on(born)}


async def _task_kinds(platform: RunningPlatform, case_id: str) -> list[str]:
    listed = await platform.get_as("social-malmo", "social", f"/tasks?case_id={case_id}")
    assert listed.status_code == 200, listed.text
    return sorted(task["kind"] for task in listed.json())


@pytest.mark.parametrize(
    ("received_at", "tasks"),
    [
        # 23:30 on 20 November in Sweden: the day before the 18th birthday.
        ("2026-11-21T00:30:00+02:00", YOUTH_TASKS),
        # 00:30 on 21 November in Sweden: 18 since midnight, though UTC shows the 20th.
        ("2026-11-20T23:30:00+00:00", []),
    ],
    ids=["seventeen-in-sweden", "eighteen-in-sweden"],
)
async def test_the_youth_path_opens_by_the_age_on_the_swedish_day_the_application_arrived(
    embedded_platform: RunningPlatform, received_at: str, tasks: list[str]
) -> None:
    case_id = await social_case(
        embedded_platform, applicant=_applicant(date(2008, 11, 21)), received_at=received_at
    )

    assert await _task_kinds(embedded_platform, case_id) == tasks


@pytest.mark.parametrize(
    ("received_at", "swedish_day"),
    [("2026-11-20T23:30:00+00:00", "2026-11-21"), ("2026-11-21T00:30:00+02:00", "2026-11-20")],
    ids=["utc-evening", "helsinki-past-midnight"],
)
async def test_follow_up_starts_the_first_phase_and_the_isu_case_on_the_swedish_day(
    embedded_platform: RunningPlatform, received_at: str, swedish_day: str
) -> None:
    case_id = await followed_case(embedded_platform, received_at=received_at)

    phases = await embedded_platform.clients["followup"].get(f"/cases/{case_id}/phases")

    assert phases.status_code == 200, phases.text
    assert [h["entered_on"] for h in phases.json()["history"]] == [swedish_day]
    where = f"WHERE case_id = '{case_id}' AND applied_on = '{swedish_day}'"
    followup = embedded_platform.runtime("followup")
    assert await count_rows(followup, "followup_isu_case", where) == 1
