"""The individual action plan: goals, responsible actors, review, versions (004 Del 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from avhopp_social.domain.action_plan import InvalidPlan, Measure, plan

TODAY = date(2026, 11, 20)


def _plan(previous: Any = None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "case_id": "c-1",
        "goals": ("A safe home in a new town",),
        "measures": (Measure("Protected housing", "provider", "skyddat-boende-ab"),),
        "review_on": date(2027, 2, 20),
        "persons_view": "Wants to study",
        "recorded_by": "caseworker-1",
        "today": TODAY,
        "recorded_at": datetime(2026, 11, 20, 9, tzinfo=UTC),
        "known_providers": frozenset({"skyddat-boende-ab"}),
    } | overrides
    return plan(previous, **values)


def test_a_changed_plan_is_the_next_version() -> None:
    first = _plan()
    second = _plan(first, goals=("A safe home", "Work within six months"))

    assert (first.version, second.version) == (1, 2)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"goals": (" ",)}, "goals"),
        ({"measures": ()}, "measures"),
        ({"measures": (Measure("Talks", "nobody"),)}, "measures.0.responsible"),
        ({"measures": (Measure("Housing", "provider"),)}, "measures.0.organisation"),
        (
            {
                "measures": (Measure("Talks", "social"), Measure("Housing", "provider", "boende")),
            },
            "measures.1.organisation",
        ),
        ({"measures": (Measure(" ", "social"),)}, "measures.0.description"),
        ({"review_on": TODAY}, "review_on"),
    ],
)
def test_a_plan_the_rules_refuse_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidPlan) as refused:
        _plan(**overrides)

    assert refused.value.field == field
