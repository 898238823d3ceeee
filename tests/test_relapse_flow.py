"""A relapse reported by police and a provider's serious incident both reach social
services as a task for an individual assessment, whose outcome is recorded (step 11)."""

from __future__ import annotations

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_events
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import HOUSING, PROVIDER_CLIENT, commission, report
from tests.test_police_case import _open_case


async def _task(platform: RunningPlatform, case_id: str, kind: str) -> dict[str, object]:
    found: list[dict[str, object]] = []

    async def opened() -> bool:
        listed = await platform.clients["social"].get("/tasks", params={"case_id": case_id})
        found[:] = [t for t in listed.json() if t["kind"] == kind]
        return bool(found)

    assert await wait_until(opened)
    return found[0]


async def test_a_relapse_and_an_incident_become_assessments_whose_outcomes_are_recorded(
    platform: RunningPlatform,
) -> None:
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)
    checked = await platform.clients["threat"].post(
        f"/cases/{case_id}/register-checks",
        json={
            "purpose": "follow_up",
            "registers": ["misstankeregistret"],
            "checked_on": today_in_sweden().isoformat(),
            "hit": True,
            "summary": "Suspected of a new offence",
        },
    )
    assert checked.status_code == 201, checked.text
    await commission(platform, case_id, HOUSING)
    incident = {
        "occurred_on": today_in_sweden().isoformat(),
        "severity": "serious",
        "concerns_security": True,
        "description": "Someone from the former network waited outside",
    }
    reported = await platform.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=report(incidents=[incident]),
        headers=platform.auth(PROVIDER_CLIENT[HOUSING]),
    )
    assert reported.status_code == 201, reported.text

    relapse = await _task(platform, case_id, "assess_relapse")
    security = await _task(platform, case_id, "assess_incident")
    social = platform.clients["social"]
    without = await social.post(f"/tasks/{relapse['task_id']}/completion")
    adjusted = await social.post(
        f"/tasks/{relapse['task_id']}/completion", json={"outcome": "adjust_plan"}
    )
    continued = await social.post(
        f"/tasks/{security['task_id']}/completion", json={"outcome": "continue"}
    )

    assert without.status_code == 422
    assert [p["name"] for p in without.json()["invalid-params"]] == ["outcome"]
    assert adjusted.status_code == 200, adjusted.text
    assert adjusted.json()["outcome"] == "adjust_plan"
    assert continued.json()["outcome"] == "continue"
    assert "security" in str(security["reason"])
    where = f"WHERE key = '{case_id}' AND event_type = 'social.individual_assessment_made'"
    assert await count_events(platform.runtime("social"), where) == 2


async def test_a_task_that_is_no_assessment_takes_no_outcome(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = str((await embedded_platform.submit(application_body())).json()["case_id"])
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    social = embedded_platform.clients["social"]
    child = await social.post(
        f"/cases/{case_id}/children",
        json={
            "birth_year": today_in_sweden().year - 5,
            "lives_with_person": True,
            "concern": "Scared",
        },
    )
    task_id = child.json()["task_id"]

    refused = await social.post(f"/tasks/{task_id}/completion", json={"outcome": "continue"})
    done = await social.post(f"/tasks/{task_id}/completion")

    assert [p["name"] for p in refused.json()["invalid-params"]] == ["outcome"]
    assert done.status_code == 200 and done.json()["outcome"] is None
