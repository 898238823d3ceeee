"""A provider reports each week of a case once, Monday to Sunday, and what a report
lists happened in its week (README, follow-up)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import (
    HOUSING,
    PROVIDER_CLIENT,
    followed_case,
    invalid,
    report,
)


async def _commissioned_on(platform: RunningPlatform, case_id: str, day: date) -> None:
    made = await platform.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "protected_housing",
            "provider_organisation": HOUSING,
            "disclosed_categories": ["case_ref"],
            "decided_on": day.isoformat(),
        },
    )
    assert made.status_code == 201, made.text

    async def known() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(platform.runtime("followup"), "followup_commission", where) == 1

    assert await wait_until(known)


async def _case_commissioned_days_ago(platform: RunningPlatform, days: int) -> str:
    received = (datetime.now(UTC) - timedelta(days=days + 2)).isoformat()
    case_id = await followed_case(platform, received_at=received)
    await _commissioned_on(platform, case_id, today_in_sweden() - timedelta(days=days))
    return case_id


async def test_a_week_is_not_reported_again_by_starting_it_on_another_weekday(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _case_commissioned_days_ago(platform, 14)
    today = today_in_sweden()
    monday = today - timedelta(days=today.weekday() + 7)  # last week's Monday
    tuesday = monday + timedelta(days=1)
    incident = {
        "occurred_on": tuesday.isoformat(),
        "severity": "serious",
        "concerns_security": False,
        "description": "Used again on Tuesday",
    }
    contacts = [{"kind": "meeting", "on": tuesday.isoformat(), "minutes": 45}]
    path = f"/cases/{case_id}/provider-reports"
    headers = platform.auth(PROVIDER_CLIENT[HOUSING])
    followup = platform.clients["followup"]

    first = await followup.post(
        path,
        json=report(
            week_starting=monday.isoformat(),
            contacts=contacts,
            treatment_sessions=[],
            incidents=[incident],
        ),
        headers=headers,
    )
    again = await followup.post(
        path,
        json=report(
            week_starting=tuesday.isoformat(),
            contacts=contacts,
            treatment_sessions=[],
            incidents=[incident],
            schedule="Something else",
        ),
        headers=headers,
    )

    assert first.status_code == 201, first.text
    # A week is named by its Monday: a Tuesday start is last week told again.
    assert invalid(again) == ["week_starting"]
    assert "Monday" in again.json()["invalid-params"][0]["reason"]
    runtime = platform.runtime("followup")
    where = f"WHERE key = '{case_id}' AND event_type = 'followup.incident_reported'"
    assert await count_events(runtime, where) == 1


async def test_a_weekly_report_listing_work_from_another_week_is_refused_naming_each_item(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _case_commissioned_days_ago(platform, 28)
    today = today_in_sweden()
    this_monday = today - timedelta(days=today.weekday())
    three_weeks_ago = (this_monday - timedelta(days=20)).isoformat()
    path = f"/cases/{case_id}/provider-reports"
    headers = platform.auth(PROVIDER_CLIENT[HOUSING])
    followup = platform.clients["followup"]

    sent = await followup.post(
        path,
        json=report(
            week_starting=this_monday.isoformat(),
            contacts=[{"kind": "meeting", "on": three_weeks_ago, "minutes": 45}],
            treatment_sessions=[{"kind": "cbt", "on": three_weeks_ago, "minutes": 60}],
            incidents=[
                {
                    "occurred_on": three_weeks_ago,
                    "severity": "minor",
                    "concerns_security": False,
                    "description": "Came late",
                }
            ],
            absences=[
                {
                    "first_day": three_weeks_ago,
                    "last_day": (this_monday - timedelta(days=10)).isoformat(),
                    "reason": "Ill",
                }
            ],
        ),
        headers=headers,
    )
    # An absence that began before the week and goes on into it is the week's.
    spanning = await followup.post(
        path,
        json=report(
            week_starting=this_monday.isoformat(),
            absences=[
                {"first_day": three_weeks_ago, "last_day": today.isoformat(), "reason": "Ill"}
            ],
        ),
        headers=headers,
    )

    assert invalid(sent) == [
        "contacts.0.on",
        "treatment_sessions.0.on",
        "incidents.0.occurred_on",
        "absences.0.last_day",
    ]
    assert spanning.status_code == 201, spanning.text
