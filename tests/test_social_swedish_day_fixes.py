"""Just after Swedish midnight "today" is already the next day in every rule of social
services (README: days are Swedish days, Europe/Stockholm), while the UTC date lags
an hour or two behind."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import text

import avhopp_shared.municipal_responsibility as municipal_responsibility
import avhopp_social.service_layer.tasks as social_tasks
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_followup_phases_and_reports import (
    HOUSING,
    PROVIDER_CLIENT,
    commission,
    report,
)
from tests.test_social_municipality import social_case

#: 23:30 UTC today: 00:30 (winter) or 01:30 (summer) tomorrow in Stockholm.
UTC_TODAY = utcnow().date()
AFTER_SWEDISH_MIDNIGHT = datetime.combine(UTC_TODAY, time(23, 30), tzinfo=UTC)
SWEDISH_TODAY = UTC_TODAY + timedelta(days=1)


@pytest.fixture
def after_swedish_midnight(monkeypatch: pytest.MonkeyPatch) -> date:
    """The platform's clock at 23:30 UTC; the Swedish date it is then."""
    monkeypatch.setattr(municipal_responsibility, "utcnow", lambda: AFTER_SWEDISH_MIDNIGHT)
    return SWEDISH_TODAY


async def _case(platform: RunningPlatform) -> str:
    # Received days ago, so that every date these tests use comes after it.
    received = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    return await social_case(platform, received_at=received)


def _dated(day: str) -> dict[str, tuple[str, dict[str, Any]]]:
    result = {"assessed_on": day, "assessor": "Psychologist A", "summary": "Moderate"}
    return {
        "aid decision": ("aid-decisions", decision(decided_on=day, valid_from=day)),
        "commission": (
            "commissions",
            {
                "intervention": "protected_housing",
                "provider_organisation": HOUSING,
                "disclosed_categories": [],
                "decided_on": day,
            },
        ),
        "screening": (
            "screenings",
            {"instrument": "audit", "answers": [0] * 10, "sex": "male", "administered_on": day},
        ),
        "health result": ("health-results", result | {"instrument": "hcr_20"}),
        "risk result": ("risk-results", result | {"instrument": "savry"}),
    }


@pytest.mark.parametrize("record", sorted(_dated(SWEDISH_TODAY.isoformat())))
async def test_a_record_dated_the_swedish_day_is_accepted_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, after_swedish_midnight: date, record: str
) -> None:
    case_id = await _case(embedded_platform)
    resource, body = _dated(after_swedish_midnight.isoformat())[record]

    made = await embedded_platform.clients["social"].post(f"/cases/{case_id}/{resource}", json=body)

    assert made.status_code == 201, made.text


async def test_just_after_swedish_midnight_a_review_set_for_that_swedish_day_is_not_to_come(
    embedded_platform: RunningPlatform, after_swedish_midnight: date
) -> None:
    case_id = await _case(embedded_platform)

    planned = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/action-plans",
        json={
            "goals": ["A safe home in a new town"],
            "measures": [{"description": "Weekly support talks", "responsible": "social"}],
            "review_on": after_swedish_midnight.isoformat(),
            "persons_view": "Wants to study",
        },
    )

    assert planned.status_code == 422, planned.text
    assert [p["name"] for p in planned.json()["invalid-params"]] == ["review_on"]


async def test_aid_that_ended_the_swedish_day_before_is_no_longer_listed_as_expiring(
    embedded_platform: RunningPlatform, after_swedish_midnight: date
) -> None:
    case_id = await _case(embedded_platform)
    social = embedded_platform.clients["social"]
    yesterday = after_swedish_midnight - timedelta(days=1)
    ended = decision(
        decided_on=(yesterday - timedelta(days=1)).isoformat(),
        valid_from=(yesterday - timedelta(days=1)).isoformat(),
        valid_to=yesterday.isoformat(),
    )
    made = await social.post(f"/cases/{case_id}/aid-decisions", json=ended)
    assert made.status_code == 201, made.text

    expiring = await social.get("/aid-decisions/expiring", params={"within_days": 30})

    assert expiring.status_code == 200, expiring.text
    assert case_id not in {d["case_id"] for d in expiring.json()}


async def _assessment_task(platform: RunningPlatform, case_id: str) -> str:
    """The id of the task the provider's serious incident opens, once it is there."""
    found: list[str] = []

    async def opened() -> bool:
        listed = await platform.clients["social"].get(
            "/tasks", params={"case_id": case_id, "kind": "assess_incident"}
        )
        found[:] = [task["task_id"] for task in listed.json()]
        return bool(found)

    assert await wait_until(opened)
    return found[0]


async def test_an_assessment_made_just_after_swedish_midnight_is_dated_the_swedish_day(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = embedded_platform
    case_id = await _case(p)
    await commission(p, case_id, HOUSING)
    incident = {
        "occurred_on": today_in_sweden().isoformat(),
        "severity": "serious",
        "concerns_security": True,
        "description": "Someone from the former network waited outside",
    }
    reported = await p.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=report(incidents=[incident]),
        headers=p.auth(PROVIDER_CLIENT[HOUSING]),
    )
    assert reported.status_code == 201, reported.text
    opened = await _assessment_task(p, case_id)
    monkeypatch.setattr(social_tasks, "utcnow", lambda: AFTER_SWEDISH_MIDNIGHT)

    done = await p.clients["social"].post(
        f"/tasks/{opened}/completion", json={"outcome": "continue"}
    )

    assert done.status_code == 200, done.text
    async with p.runtime("social").engine.connect() as connection:
        payload = await connection.scalar(
            text(
                "SELECT payload FROM outbox WHERE key = :case "
                "AND event_type = 'social.individual_assessment_made'"
            ),
            {"case": case_id},
        )
    assessed = EventEnvelope.from_json_bytes(bytes(payload)).data["assessed_on"]
    assert assessed == SWEDISH_TODAY.isoformat()
