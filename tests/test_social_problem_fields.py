"""Validation errors list each offending field, by its own name (README, "Errors":
"Validation errors list each offending field in invalid-params"), and never echo the
rejected value."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform
from tests.test_aid_decisions import decision
from tests.test_social_municipality import social_case


def _names(response: Any) -> list[str]:
    assert response.status_code == 422, (response.status_code, response.text[:300])
    return [p["name"] for p in response.json()["invalid-params"]]


async def test_a_refusal_with_only_an_end_date_names_valid_to(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    end = (today_in_sweden() + timedelta(days=30)).isoformat()

    made = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/aid-decisions", json=decision("refused", valid_to=end)
    )

    # valid_from was left out as a refusal requires; valid_to is the field at fault.
    assert _names(made) == ["valid_to"]


async def test_a_transfer_requested_after_it_was_decided_names_requested_on(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    today = today_in_sweden()

    moved = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": "1281",
            "requested_on": (today + timedelta(days=1)).isoformat(),
            "decided_on": today.isoformat(),
            "effective_on": (today + timedelta(days=10)).isoformat(),
        },
    )

    # effective_on is after both; the request coming after its decision is the fault.
    assert "requested_on" in _names(moved)
    assert "effective_on" not in _names(moved)


async def test_an_aid_decision_breaking_two_rules_lists_both_fields(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    tomorrow = (today_in_sweden() + timedelta(days=1)).isoformat()

    made = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/aid-decisions", json=decision(reasons="   ", decided_on=tomorrow)
    )

    assert sorted(_names(made)) == ["decided_on", "reasons"]


async def test_a_scope_with_an_area_both_in_and_out_names_areas_out_without_the_area(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)

    chosen = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/investigation/scope",
        json={"areas_in": ["debt"], "areas_out": ["debt"], "agreed_with_person": True},
    )

    assert _names(chosen) == ["areas_out"]
    assert "debt" not in chosen.text


async def test_an_action_plan_goal_is_capped_like_a_measure_description(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    review = (today_in_sweden() + timedelta(days=30)).isoformat()

    made = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/action-plans",
        json={
            "goals": ["A safe home in a new town", "x" * 2001],
            "measures": [{"description": "Weekly support talks", "responsible": "social"}],
            "review_on": review,
        },
    )

    # A measure's description is capped at 2,000 characters: so is a goal.
    assert _names(made) == ["goals.1"]
    assert "x" * 2001 not in made.text
