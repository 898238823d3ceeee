"""The investigation's scope is chosen with the person and is never wider than the matter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from avhopp_social.domain.investigation import (
    DeadlineRule,
    InvalidScope,
    InvestigationStatus,
    NeedArea,
    choose_scope,
    open_investigation,
)
from tests.fixtures.events import application_received

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def _investigation() -> Any:
    return open_investigation(application_received("c-1"), DeadlineRule(timedelta(days=1)), NOW)


def _choose(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "areas_in": (NeedArea.HOUSING, NeedArea.DEBT),
        "areas_out": (NeedArea.FAMILY,),
        "agreed_with_person": True,
        "recorded_by": "caseworker-1",
        "now": NOW,
    } | overrides
    return choose_scope(_investigation(), **values)


def test_choosing_the_scope_starts_the_investigation() -> None:
    started, scope = _choose()

    assert started.status is InvestigationStatus.IN_PROGRESS
    assert not started.is_overdue(NOW + timedelta(days=30))
    assert (scope.areas_in, scope.areas_out) == (
        (NeedArea.HOUSING, NeedArea.DEBT),
        (NeedArea.FAMILY,),
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"agreed_with_person": False}, "agreed_with_person"),
        ({"areas_in": ()}, "areas_in"),
        ({"areas_out": (NeedArea.DEBT,)}, "areas_out"),
    ],
)
def test_a_scope_the_rules_refuse_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidScope) as refused:
        _choose(**overrides)

    assert refused.value.field == field


def test_choosing_the_scope_again_replaces_the_scope_and_keeps_the_first_start() -> None:
    started, _ = _choose()
    later = NOW + timedelta(days=3)

    again, scope = choose_scope(
        started,
        areas_in=(NeedArea.FAMILY,),
        areas_out=(),
        agreed_with_person=True,
        recorded_by="caseworker-2",
        now=later,
    )

    assert started.started_at == NOW
    assert again.started_at == NOW
    assert again.status is InvestigationStatus.IN_PROGRESS
    assert (scope.areas_in, scope.recorded_by, scope.recorded_at) == (
        (NeedArea.FAMILY,),
        "caseworker-2",
        later,
    )
