"""A needs mapping rates and notes all eight RBM areas; each mapping is a new version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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
        None, case_id="c", risk_areas=ALL, other_needs={}, mapped_by="s", recorded_at=NOW
    )
    second = map_needs(
        first,
        case_id="c",
        risk_areas=ALL,
        other_needs={OtherNeed.DEBT: Rated(Rating.HIGH, "")},
        mapped_by="s",
        recorded_at=NOW,
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
            None, case_id="c", risk_areas=areas, other_needs={}, mapped_by="s", recorded_at=NOW
        )

    assert refused.value.field == field
