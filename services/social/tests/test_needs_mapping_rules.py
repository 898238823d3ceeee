"""A needs mapping rates and notes all eight RBM areas; each mapping is a new version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avhopp_social.domain.investigation import NeedArea, Scope
from avhopp_social.domain.needs_mapping import (
    InvalidMapping,
    OtherNeed,
    Rated,
    Rating,
    RbmArea,
    map_needs,
)

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
ALL = {area: Rated(Rating.MODERATE, "Synthetic note") for area in RbmArea}


def test_a_complete_mapping_is_kept_and_the_next_one_is_a_new_version() -> None:
    first = map_needs(
        None,
        case_id="c",
        risk_areas=ALL,
        other_needs={},
        mapped_by="s",
        recorded_at=NOW,
        scope=None,
    )
    second = map_needs(
        first,
        case_id="c",
        risk_areas=ALL,
        other_needs={OtherNeed.DEBT: Rated(Rating.HIGH, "")},
        mapped_by="s",
        recorded_at=NOW,
        scope=None,
    )

    assert (first.version, second.version) == (1, 2)
    assert len(first.risk_areas) == 8
    assert second.other_needs[OtherNeed.DEBT].rating is Rating.HIGH


@pytest.mark.parametrize(
    ("areas", "field"),
    [
        ({a: r for a, r in ALL.items() if a is not RbmArea.LEISURE}, "risk_areas.leisure"),
        (
            ALL | {RbmArea.SUBSTANCE_ABUSE: Rated(Rating.LOW, " ")},
            "risk_areas.substance_abuse.notes",
        ),
    ],
)
def test_a_missing_or_unnoted_area_is_refused_naming_it(
    areas: dict[RbmArea, Rated], field: str
) -> None:
    with pytest.raises(InvalidMapping) as refused:
        map_needs(
            None,
            case_id="c",
            risk_areas=areas,
            other_needs={},
            mapped_by="s",
            recorded_at=NOW,
            scope=None,
        )

    assert refused.value.field == field


def _scope(*areas_out: NeedArea) -> Scope:
    return Scope("c", (NeedArea.HOUSING,), areas_out, "s", NOW)


def test_every_other_need_is_an_area_a_scope_can_leave_out() -> None:
    assert {n.value for n in OtherNeed} <= {a.value for a in NeedArea}


def test_a_need_left_out_of_the_scope_is_refused_and_the_rbm_areas_are_always_rated() -> None:
    debt = {OtherNeed.DEBT: Rated(Rating.HIGH, "Large debts")}
    out = _scope(NeedArea.DEBT, NeedArea.SUBSTANCE_USE)

    with pytest.raises(InvalidMapping) as refused:
        map_needs(
            None,
            case_id="c",
            risk_areas=ALL,
            other_needs=debt,
            mapped_by="s",
            recorded_at=NOW,
            scope=out,
        )
    kept = map_needs(
        None,
        case_id="c",
        risk_areas=ALL,
        other_needs={},
        mapped_by="s",
        recorded_at=NOW,
        scope=out,
    )

    assert refused.value.problems == [("other_needs.debt", "left out of the investigation's scope")]
    assert kept.risk_areas[RbmArea.SUBSTANCE_ABUSE].rating is Rating.MODERATE
