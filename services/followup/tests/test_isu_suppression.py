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
        # A decision for 25 of the 30, protected housing and trustee among them.
        days_to_decision=[3, 5, 8, 13, 21] * 5,
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
    assert (report.time_to_decision.persons, report.time_to_decision.median_days) == (25, 8.0)
    initial, acute, stabilising = report.phase_durations
    assert (acute.persons, acute.median_days) == (None, None)
    assert (initial.persons, initial.median_days) == (6, 3.5)
    assert (stabilising.label, stabilising.persons) == ("stabilising", None)


def test_suppressed_cells_adding_up_to_fewer_than_five_take_another_cell_with_them() -> None:
    # Released, 40 of 42 would tell that two persons ended their exit.
    group = suppress_group("outcomes", {"completed": 1, "aborted": 1, "ongoing": 40}, 42)
    assert [c.persons for c in group.cells] == [None, None, None]
    assert group.total == 42


def test_a_count_leaving_out_fewer_than_five_of_the_applications_is_not_released() -> None:
    five_of_six = [3, 5, 8, 13, 21]
    raw = RawFigures(
        outcomes={"ongoing": 6},
        relapsed=0,
        needs={"housing": 5, "debt": 1},
        interventions={},
        days_to_decision=five_of_six,
        phase_days={"initial_contact": five_of_six},
    )

    report = release(raw)

    # Six applications released: five more would give away the one without.
    assert report.applications == 6
    assert {c.label: c.persons for c in report.needs}["housing"] is None
    assert (report.time_to_decision.persons, report.time_to_decision.median_days) == (None, None)
    assert report.phase_durations[0].label == "initial_contact"
    assert report.phase_durations[0].persons is None


def test_an_intervention_decided_for_nearly_everyone_does_not_tell_how_many_it_was() -> None:
    raw = RawFigures(
        outcomes={"ongoing": 20},
        relapsed=0,
        needs={},
        interventions={"protected_housing": (18, 10)},
        days_to_decision=(),
        phase_days={},
    )

    housing = next(g for g in release(raw).interventions if g.name == "protected_housing")

    # Eighteen decided of twenty applications would give away the two without.
    assert housing.total is None
    assert [(c.label, c.persons) for c in housing.cells] == [
        ("carried_out", 10),
        ("not_carried_out", None),
    ]


@st.composite
def _consistent_figures(draw: st.DrawFn) -> RawFigures:
    """Figures counted over one set of applications, as the facts are: an intervention
    decided for some of those with a decision, a phase left by some of those who left
    initial contact (every case starts there; a skip may pass the acute phase by)."""
    outcomes = {o: draw(st.integers(0, 15)) for o in ("ongoing", "completed", "aborted")}
    applications = sum(outcomes.values())
    part = st.integers(0, applications)
    decided_any = draw(part)
    decided = {name: draw(st.integers(0, decided_any)) for name in INTERVENTIONS[:3]}
    left_initial = draw(part)
    left_acute = draw(st.integers(0, left_initial))
    left_stabilising = draw(st.integers(0, left_initial))
    return RawFigures(
        outcomes=outcomes,
        relapsed=draw(part),
        needs={need: draw(part) for need in NEEDS[:3]},
        interventions={n: (d, draw(st.integers(0, d))) for n, d in decided.items()},
        days_to_decision=[1] * decided_any,
        phase_days={
            "initial_contact": [1] * left_initial,
            "acute": [1] * left_acute,
            "stabilising": [1] * left_stabilising,
        },
    )


def _differences(whole: int | None, parts: list[int | None]) -> list[int]:
    """``whole`` minus each released part, where ``whole`` is released."""
    return [whole - p for p in parts if whole is not None and p is not None]


@given(_consistent_figures())
def test_no_two_released_figures_differ_by_a_count_under_five(raw: RawFigures) -> None:
    report = release(raw)
    # Every released count is of some of the applications, so the applications
    # minus it is a count of persons too; so is an intervention's total minus
    # one of its cells, and the persons with a decision minus an intervention's.
    parts = [
        *(c.persons for g in (report.outcomes, report.relapse) for c in g.cells),
        *(c.persons for c in report.needs),
        *(m.persons for m in (report.time_to_decision, *report.phase_durations)),
        *(c.persons for g in report.interventions for c in g.cells),
        *(g.total for g in report.interventions),
    ]
    differences = _differences(report.applications, parts)
    for group in report.interventions:
        cells = [c.persons for c in group.cells]
        differences += _differences(group.total, cells)
        differences += _differences(report.time_to_decision.persons, [group.total, *cells])
    # Whoever left a phase left initial contact first, so the phases' counts are
    # nested; the rule holds for every two of them.
    phases = [m.persons for m in report.phase_durations if m.persons is not None]
    differences += [abs(a - b) for i, a in enumerate(phases) for b in phases[i + 1 :]]

    assert all(d >= THRESHOLD for d in differences)


def test_two_phase_counts_do_not_give_away_the_few_still_in_the_acute_phase() -> None:
    # Twenty persons applied; ten have left initial contact, eight of them the acute
    # phase too, and five the stabilising phase.
    raw = RawFigures(
        outcomes={"ongoing": 20},
        relapsed=0,
        needs={},
        interventions={},
        days_to_decision=(),
        phase_days={"initial_contact": [3] * 10, "acute": [20] * 8, "stabilising": [30] * 5},
    )

    initial, acute, stabilising = release(raw).phase_durations

    # Ten minus eight would tell that two are in the acute phase now: the eight go,
    # and the five, five from the ten, are released.
    assert (initial.persons, acute.persons, stabilising.persons) == (10, None, 5)
    assert (acute.median_days, stabilising.median_days) == (None, 30.0)


def test_the_persons_with_a_decision_and_an_interventions_total_do_not_give_away_a_few() -> None:
    # Twelve persons of twenty have had a decision; protected housing was decided for
    # ten of them, and carried out for five.
    raw = RawFigures(
        outcomes={"ongoing": 20},
        relapsed=0,
        needs={},
        interventions={"protected_housing": (10, 5)},
        days_to_decision=[7] * 12,
        phase_days={},
    )

    report = release(raw)
    housing = next(g for g in report.interventions if g.name == "protected_housing")

    # Twelve minus ten would tell that two had a decision and no protected housing;
    # the five not carried out stay, the five carried out go with the total.
    assert report.time_to_decision.persons == 12
    assert housing.total is None
    assert [(c.label, c.persons) for c in housing.cells] == [
        ("carried_out", None),
        ("not_carried_out", 5),
    ]
