"""Versions of a case's action plan or needs mapping written at once on PostgreSQL (a
retry on another replica, two caseworkers at once) are made one after the other: each
is the next version, none collides with another on the case's version."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.broker import kafka_broker  # noqa: F401
from tests.fixtures.platform import RunningPlatform
from tests.fixtures.postgres import create_pg_databases  # noqa: F401
from tests.test_social_scope_rules import _mapping
from tests.test_threat_assessments import known_case

IN_FLIGHT = 4


def plan() -> dict[str, Any]:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return {
        "goals": ["A safe home in a new town"],
        "measures": [{"description": "Weekly support talks", "responsible": "social"}],
        "review_on": (today_in_sweden() + timedelta(days=90)).isoformat(),
        "persons_view": "Wants to study",
    }


@pytest.mark.parametrize("mode", ["distributed"])
@pytest.mark.parametrize(
    ("resource", "body"),
    [("action-plans", plan()), ("needs-mappings", _mapping(housing="high"))],
)
async def test_versions_in_flight_together_are_each_recorded_as_the_next_version(
    platform: RunningPlatform, resource: str, body: dict[str, object]
) -> None:
    case_id = await known_case(platform)
    await platform.eventually("social", f"/cases/{case_id}/investigation")
    social = platform.clients["social"]
    path = f"/cases/{case_id}/{resource}"

    answers = await asyncio.gather(*(social.post(path, json=body) for _ in range(IN_FLIGHT)))

    assert [a.status_code for a in answers] == [201] * IN_FLIGHT, [a.text for a in answers]
    assert sorted(a.json()["version"] for a in answers) == list(range(1, IN_FLIGHT + 1))
    history = await social.get(path)
    assert [v["version"] for v in history.json()] == list(range(IN_FLIGHT, 0, -1))
