"""ISU answers whose shape never depends on the data, and an answer for every
municipality that cannot be set against one municipality's answer to recover what
that one suppresses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from avhopp_followup.domain.isu import (
    THRESHOLD,
    Cell,
    Group,
    RawFigures,
    Report,
    no_figures,
    release,
    release_across,
)
from avhopp_followup.domain.isu_catalogue import INTERVENTIONS, NEEDS, OUTCOMES, PHASES


def _one_case(needs: dict[str, int], interventions: dict[str, tuple[int, int]]) -> RawFigures:
    return RawFigures(
        outcomes={"ongoing": 1},
        relapsed=0,
        needs=needs,
        interventions=interventions,
        days_to_decision=[4],
        phase_days={"initial_contact": [2]},
    )


def _shape(report: Report) -> list[object]:
    """Everything an answer shows but its numbers."""
    groups = [report.outcomes, report.relapse, *report.interventions]
    return [
        [(g.name, [c.label for c in g.cells]) for g in groups],
        [c.label for c in report.needs],
        [m.label for m in (report.time_to_decision, *report.phase_durations)],
    ]


def _numbers(report: Report) -> list[int | float | None]:
    groups = [report.outcomes, report.relapse, *report.interventions]
    measures = [report.time_to_decision, *report.phase_durations]
    return [
        *(c.persons for g in groups for c in g.cells),
        *(g.total for g in groups),
        *(c.persons for c in report.needs),
        *(m.persons for m in measures),
        *(m.median_days for m in measures),
    ]


def test_an_answer_about_one_person_lists_every_need_and_intervention_and_shows_nothing() -> None:
    one = release(
        _one_case({"substance_abuse": 1, "mental_health": 1}, {"protected_housing": (1, 0)})
    )
    nobody = release(no_figures())

    assert [c.label for c in one.needs] == list(NEEDS)
    assert [g.name for g in one.interventions] == list(INTERVENTIONS)
    assert _shape(one) == _shape(nobody)
    # One person's needs and aid read exactly as nobody's: every number suppressed.
    assert set(_numbers(one)) == set(_numbers(nobody)) == {None}


def test_a_need_or_intervention_nobody_has_is_suppressed_like_a_small_count() -> None:
    report = release(no_figures())

    assert all(c.suppressed for c in report.needs)
    assert all(g.total is None and all(c.suppressed for c in g.cells) for g in report.interventions)


def test_a_value_outside_the_fixed_lists_does_not_change_the_shape_of_the_answer() -> None:
    odd = release(_one_case({"unheard_of_need": 9}, {"unheard_of_aid": (9, 9)}))
    assert _shape(odd) == _shape(release(no_figures()))


def test_every_municipality_minus_one_municipality_does_not_give_another_municipalitys_count() -> (
    None
):
    malmo = RawFigures(
        outcomes={"ongoing": 15},
        relapsed=0,
        needs={},
        interventions={"protected_housing": (5, 0)},
        days_to_decision=[1, 2, 3, 4, 5] * 2,
        phase_days={},
    )
    lund = _one_case({"mental_health": 1}, {"protected_housing": (1, 0)})

    everyone = release_across({"1280": malmo, "1281": lund})
    alone = release(malmo)

    assert everyone.summed_from_municipalities and not alone.summed_from_municipalities
    # Counted from the cases it would say sixteen: sixteen minus Malmö's fifteen is
    # Lund's one.
    assert everyone.applications == alone.applications == 15
    housing = next(g for g in everyone.interventions if g.name == "protected_housing")
    assert housing.total == 5
    assert everyone.time_to_decision == alone.time_to_decision
    assert _numbers(everyone) == _numbers(alone)


def test_the_answer_for_no_municipality_at_all_has_the_same_shape_and_shows_nothing() -> None:
    everyone = release_across({})
    assert _shape(everyone) == _shape(release(no_figures()))
    assert set(_numbers(everyone)) == {None}


def _pooled(groups: list[Group], label: str | None) -> int | None:
    """What each municipality's own answer releases for a cell (or the total), summed."""
    released = [
        g.total if label is None else next(c for c in g.cells if c.label == label).persons
        for g in groups
    ]
    total = sum(n for n in released if n is not None)
    return total if total >= THRESHOLD else None


_MUNICIPALITY = st.builds(
    lambda ongoing, aborted, completed, relapsed, needs, decided: RawFigures(
        outcomes={"ongoing": ongoing, "aborted": aborted, "completed": completed},
        relapsed=min(relapsed, ongoing + aborted + completed),
        needs=needs,
        interventions={name: (d, d // 2) for name, d in decided.items()},
        days_to_decision=list(range(ongoing)),
        phase_days={"acute": list(range(aborted))},
    ),
    st.integers(0, 12),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 8),
    st.dictionaries(st.sampled_from(NEEDS[:4]), st.integers(0, 9), max_size=4),
    st.dictionaries(st.sampled_from(INTERVENTIONS[:3]), st.integers(0, 9), max_size=3),
)


@given(st.dictionaries(st.sampled_from(["1280", "1281", "0180", "1480"]), _MUNICIPALITY))
def test_every_figure_for_every_municipality_is_the_sum_of_what_each_releases_on_its_own(
    by_municipality: dict[str, RawFigures],
) -> None:
    everyone = release_across(by_municipality)
    each = [release(raw) for raw in by_municipality.values()]

    # A function of released answers only: subtracting any of them from it leaves
    # the sum of the others' released figures, never a suppressed one.
    for pooled, groups in (
        (everyone.outcomes, [r.outcomes for r in each]),
        (everyone.relapse, [r.relapse for r in each]),
    ):
        assert pooled.total == _pooled(groups, None)
        for cell in pooled.cells:
            assert cell.persons == _pooled(groups, cell.label)
    for index, group in enumerate(everyone.interventions):
        groups = [r.interventions[index] for r in each]
        assert group.total == _pooled(groups, None)
        assert [c.persons for c in group.cells] == [_pooled(groups, c.label) for c in group.cells]
    for index, need in enumerate(everyone.needs):
        released = [r.needs[index].persons for r in each]
        total = sum(n for n in released if n is not None)
        assert need == Cell(need.label, total if total else None)
    assert [c.label for c in everyone.outcomes.cells] == list(OUTCOMES)
    assert [m.label for m in everyone.phase_durations] == list(PHASES)
    assert all(n is None or n >= THRESHOLD for n in _numbers(everyone) if isinstance(n, int))
