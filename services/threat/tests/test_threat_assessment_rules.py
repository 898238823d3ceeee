"""The threat assessment's rules: levels, handling level, versions, reviews (004 Del 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from avhopp_threat.domain.threat_assessment import (
    HandlingLevel,
    InvalidAssessment,
    Relation,
    Relative,
    ThreatActor,
    ThreatAssessment,
    ThreatLevel,
    assess,
)

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def _assess(previous: ThreatAssessment | None = None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "case_id": "case-1",
        "relative": None,
        "level": ThreatLevel.HIGH,
        "threat_picture": "Threats from the former network after leaving",
        "risk_analysis": "Violence likely if found",
        "threat_actors": (ThreatActor("Person A", "Nätverk 017"),),
        "networks": ("Nätverk 017", "Nätverk 044"),
        "affiliations": ("Nätverk 003",),
        "assessed_by": "samordnare-1",
        "assessed_on": TODAY,
        "next_review_on": date(2026, 12, 20),
        "today": TODAY,
        "recorded_at": NOW,
    } | overrides
    return assess(previous, **values)


def test_a_high_threat_is_handled_regionally_and_a_low_one_locally() -> None:
    high, _ = _assess(level=ThreatLevel.HIGH)
    low, _ = _assess(level=ThreatLevel.LOW)

    assert high.handling_level is HandlingLevel.REGIONAL
    assert low.handling_level is HandlingLevel.LOCAL


def test_no_threat_means_not_in_the_target_group_and_no_police_handling() -> None:
    none, _ = _assess(level=ThreatLevel.NONE, threat_picture="", next_review_on=None)

    assert not none.in_target_group
    assert none.handling_level is None


def test_a_new_assessment_is_the_next_version_and_reports_the_level_change() -> None:
    first, change = _assess(level=ThreatLevel.LOW)
    second, rise = _assess(first, level=ThreatLevel.HIGH)
    third, same = _assess(second, level=ThreatLevel.HIGH)

    assert (first.version, second.version, third.version) == (1, 2, 3)
    assert change is not None and (change.previous, change.current) == (None, ThreatLevel.LOW)
    assert rise is not None and (rise.previous, rise.current) == (ThreatLevel.LOW, ThreatLevel.HIGH)
    assert same is None


def test_a_relative_is_assessed_as_a_subject_of_its_own() -> None:
    relative = Relative("rel-1", Relation.SIBLING)
    assessment, _ = _assess(relative=relative)

    assert assessment.subject == "relative:rel-1"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"next_review_on": date(2026, 11, 1)}, "next_review_on"),
        ({"next_review_on": TODAY}, "next_review_on"),
        ({"next_review_on": None}, "next_review_on"),
        ({"threat_picture": "  "}, "threat_picture"),
        ({"assessed_on": date(2026, 11, 21)}, "assessed_on"),
        ({"threat_actors": (ThreatActor(" "),)}, "threat_actors.0.name"),
        ({"threat_actors": (ThreatActor("A", "N", "9999"),)}, "threat_actors.0.resides_in"),
    ],
)
def test_an_assessment_the_rules_refuse_names_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidAssessment) as refused:
        _assess(**overrides)

    assert refused.value.field == field


def test_networks_named_directly_or_through_an_actor_are_listed_once() -> None:
    assessment, _ = _assess(
        threat_actors=(ThreatActor("A", "Nätverk 017"), ThreatActor("B", "Nätverk 099")),
        networks=("Nätverk 017",),
    )

    assert assessment.all_networks() == ("Nätverk 017", "Nätverk 099")


def test_a_review_is_due_on_and_after_its_date() -> None:
    assessment, _ = _assess(next_review_on=date(2026, 12, 20))

    assert not assessment.review_due(date(2026, 12, 19))
    assert assessment.review_due(date(2026, 12, 20))


def test_a_reassessment_dated_before_the_current_one_is_refused_and_the_same_day_is_not() -> None:
    current, _ = _assess(level=ThreatLevel.HIGH, assessed_on=date(2026, 11, 10))

    with pytest.raises(InvalidAssessment) as older:
        _assess(current, level=ThreatLevel.LOW, assessed_on=date(2026, 11, 9))
    same_day, _ = _assess(current, level=ThreatLevel.LOW, assessed_on=date(2026, 11, 10))

    assert older.value.field == "assessed_on"
    assert (same_day.version, same_day.level) == (2, ThreatLevel.LOW)
