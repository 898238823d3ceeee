"""Dates police record stay in order: a reassessment is no older than the judgement it
replaces, and a protective measure ends no earlier than it was decided."""

from __future__ import annotations

from datetime import timedelta

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform
from tests.test_threat_assessments import assessment, known_case


async def test_a_reassessment_dated_before_the_current_one_is_refused_naming_assessed_on(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    current = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    assert current.status_code == 201, current.text

    older = await threat.post(
        f"/cases/{case_id}/threat-assessments",
        json=assessment("low", assessed_on=(today_in_sweden() - timedelta(days=60)).isoformat()),
    )
    now = await threat.get(f"/cases/{case_id}/threat-assessments/current")

    assert older.status_code == 422, older.text
    assert [e["name"] for e in older.json()["invalid-params"]] == ["assessed_on"]
    assert (now.json()["version"], now.json()["level"]) == (1, "high")


async def test_a_reassessment_dated_the_same_day_as_the_current_one_replaces_it(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    first = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    assert first.status_code == 201, first.text

    again = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))

    assert again.status_code == 201, again.text
    assert (again.json()["version"], again.json()["level"]) == (2, "low")


async def test_a_measure_cannot_end_before_it_was_decided(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    started = await threat.post(
        f"/cases/{case_id}/protective-measures",
        json={
            "kind": "skyddad_folkbokforing",
            "started_on": (today_in_sweden() - timedelta(days=20)).isoformat(),
        },
    )
    assert started.status_code == 201, started.text
    path = f"/cases/{case_id}/protective-measures/{started.json()['measure_id']}/status"
    granted = await threat.post(
        path, json={"status": "granted", "on": today_in_sweden().isoformat()}
    )
    assert granted.status_code == 200, granted.text

    ended = await threat.post(
        path, json={"status": "ended", "on": (today_in_sweden() - timedelta(days=10)).isoformat()}
    )
    ended_on_the_day = await threat.post(
        path, json={"status": "ended", "on": today_in_sweden().isoformat()}
    )

    assert ended.status_code == 422, ended.text
    assert [e["name"] for e in ended.json()["invalid-params"]] == ["on"]
    assert ended_on_the_day.status_code == 200, ended_on_the_day.text
    assert ended_on_the_day.json()["ended_on"] == today_in_sweden().isoformat()
