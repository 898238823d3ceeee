"""ISU suppression: no released cell counts fewer than five persons, and no suppressed
cell can be worked out from what is released (a property test over random groups)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avhopp_followup.domain.isu import (
    THRESHOLD,
    Group,
    RawFigures,
    release,
    released_median,
    suppress_group,
)
from avhopp_followup.domain.isu_catalogue import INTERVENTIONS, NEEDS


def _values_left_open(group: Group, label: str) -> set[int]:
    """Values the suppressed ``label`` could have, given what is released (non-negative
    counts that add up to the total when the total is released); at most three shown."""
    hidden = [c.label for c in group.cells if c.suppressed]
    if group.total is None:
        return {0, 1, 2}  # nothing bounds it
    left = group.total - sum(c.persons or 0 for c in group.cells)
    # The other suppressed cells can take any remainder: with one or more of them,
    # the label can be anything from 0 to what is left.
    return {left} if len(hidden) == 1 else set(range(min(left, 2) + 1))


@given(st.dictionaries(st.sampled_from("abcde"), st.integers(0, 30), min_size=1, max_size=5))
def test_no_released_cell_is_small_and_no_suppressed_cell_is_recoverable(
    counts: dict[str, int],
) -> None:
    group = suppress_group("g", counts, sum(counts.values()))

    for cell in group.cells:
        assert cell.persons is None or cell.persons >= THRESHOLD
        if cell.persons is None:
            continue
        assert cell.persons == counts[cell.label]
    assert group.total is None or group.total >= THRESHOLD
    if any(c.suppressed for c in group.cells):
        # More than one value fits what is released: no suppressed cell is known.
        for cell in group.cells:
            if cell.suppressed:
                assert len(_values_left_open(group, cell.label)) > 1


def test_one_small_cell_takes_the_smallest_other_with_it() -> None:
    group = suppress_group("outcomes", {"completed": 3, "aborted": 12, "ongoing": 40}, 55)
    assert [(c.label, c.persons) for c in group.cells] == [
        ("completed", None),
        ("aborted", None),
        ("ongoing", 40),
    ]
    assert group.total == 55


def test_zeros_that_would_be_known_as_zeros_take_another_cell_with_them() -> None:
    group = suppress_group("g", {"a": 0, "b": 0, "c": 9, "d": 30}, 39)
    assert [c.persons for c in group.cells] == [None, None, None, 30]


def test_a_small_total_is_not_released_at_all() -> None:
    group = suppress_group("g", {"a": 2, "b": 2}, 4)
    assert group.total is None and all(c.suppressed for c in group.cells)


def test_cells_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(ValueError, match="do not add up"):
        suppress_group("g", {"a": 7}, 8)


def test_a_median_needs_five_persons() -> None:
    assert released_median([10, 20, 30, 40]) is None
    assert released_median([10, 20, 30, 40, 50]) == 30.0


def test_a_report_releases_its_groups_and_medians_under_the_same_rule() -> None:
    raw = RawFigures(
        outcomes={"ongoing": 20, "completed": 8, "aborted": 2},
        relapsed=6,
        needs={"housing": 25, "debt": 3},
        interventions={"protected_housing": (12, 9), "trustee": (4, 4)},
        days_to_decision=[3, 5, 8, 13, 21],
        phase_days={"acute": [10, 12, 20, 40], "initial_contact": [1, 2, 3, 4, 5, 6]},
    )

    report = release(raw)

    assert report.applications == 30
    assert [c.persons for c in report.outcomes.cells] == [20, None, None]
    assert [c.persons for c in report.relapse.cells] == [6, 24]
    needs = {c.label: c.persons for c in report.needs}
    assert [c.label for c in report.needs] == list(NEEDS)
    assert (needs["debt"], needs["housing"], needs["mental_health"]) == (None, 25, None)
    interventions = {g.name: g for g in report.interventions}
    assert [g.name for g in report.interventions] == list(INTERVENTIONS)
    housing, trustee = interventions["protected_housing"], interventions["trustee"]
    assert (housing.total, [c.persons for c in housing.cells]) == (12, [None, None])
    assert trustee.total is None  # four decided: not even the total
    assert (report.time_to_decision.persons, report.time_to_decision.median_days) == (5, 8.0)
    initial, acute, stabilising = report.phase_durations
    assert (acute.persons, acute.median_days) == (None, None)
    assert (initial.persons, initial.median_days) == (6, 3.5)
    assert (stabilising.label, stabilising.persons) == ("stabilising", None)
