"""ISU, individual-based systematic follow-up: the work with defectors at group level
(004 Del 2, "Individbaserad systematisk uppföljning (ISU)").

Every count is of persons (``service_layer/isu_query.py``): a person who
applied again, each re-application a case linked to the one before, is one
person, counted once in each cell; "the applications" below are the persons
who applied in the period, each once.

What is released is never about a person: every cell counting fewer than
:data:`THRESHOLD` persons is suppressed, and so is whatever else would let a
suppressed cell be worked out from a released total. A *group* is a set of
disjoint cells that add up to a total (completed + aborted + ongoing =
applications); within a group:

- the suppressed cells together are the total minus the released ones: while
  they add up to fewer than :data:`THRESHOLD`, another cell is suppressed
  with them (the smallest released one that is not zero). One alone would be
  given away whole, cells adding up to zero each (all zero), and any sum
  under the threshold is itself a count of too few persons;
- when that cannot be done (nothing left to suppress), the total goes too.

Every other count is of some of the applications (those with a need, with a
decision, who left a phase). The applications being released, the persons
such a count leaves out are a cell as well, worked out by subtraction: the
count is released only as one cell of a group over the applications (with,
without; :func:`suppress_part`). Some of these counts are of some of another
one's persons, and then the difference of the two is a cell as well:

- an intervention was decided for some of those with a decision: its persons
  fall into three cells of those (not decided for them, decided and not carried
  out, carried out) where the persons with a decision are released, else of the
  applications, and its decided total is released only where the first of them
  could be (:func:`suppress_intervention`);
- whoever left a phase left the phases before it (every case starts in initial
  contact and moves on from there): a phase's count is released only where it
  is at least :data:`THRESHOLD` from every count of a phase released before it
  (:func:`suppress_phases`), the nearest released one its parent.

No count under the threshold is then the difference of two released figures.

A median is released only over at least :data:`THRESHOLD` persons.

Every answer has the same shape (``domain/isu_catalogue.py``): every need and
every intervention is listed, and one nobody has is a zero, suppressed like any
count under the threshold, so what is listed never tells what a person has.

The answer for every municipality (:func:`release_across`) is not counted from
the cases: it is the sum of what each municipality's own answer releases for
the same period, a cell suppressed there counting nowhere. Subtracting one
municipality's answer from it leaves only what the others release themselves;
counted from the cases instead, it would give back a small municipality's
suppressed cells (all six, Malmö five: Lund's one).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from avhopp_followup.domain.isu_catalogue import INTERVENTIONS, NEEDS, OUTCOMES, PHASES

#: Fewer persons than this in a cell and the cell is not released.
THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class Cell:
    label: str
    persons: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.persons is None


@dataclass(frozen=True, slots=True)
class Group:
    """Disjoint cells and their total, as released."""

    name: str
    cells: tuple[Cell, ...]
    total: int | None


def suppress_group(name: str, counts: Mapping[str, int], total: int) -> Group:
    """The released form of one group (``counts`` must add up to ``total``)."""
    if sum(counts.values()) != total:
        raise ValueError(f"{name}: the cells do not add up to the total")
    hidden = {label for label, count in counts.items() if count < THRESHOLD}

    def recoverable() -> bool:
        return bool(hidden) and sum(counts[c] for c in hidden) < THRESHOLD

    while recoverable():
        shown = sorted(
            (count, label) for label, count in counts.items() if label not in hidden and count > 0
        )
        if not shown:
            break
        hidden.add(shown[0][1])
    released_total: int | None = total
    if total < THRESHOLD or recoverable():
        released_total = None
        # Without the total nothing is recoverable by subtraction; a small total
        # would single out the few it counts.
    cells = tuple(
        Cell(label, None if label in hidden else count) for label, count in counts.items()
    )
    return Group(name, cells, released_total)


def suppress_part(label: str, persons: int, applications: int) -> Cell:
    """A count of some of the ``applications``, released only where the rest of them,
    which anyone can work out by subtraction, could be released as well."""
    if persons > applications:
        # Not counted over the same cases (one arrived between two of the
        # queries): what it leaves out is unknown, so nothing is released.
        return Cell(label, None)
    part = suppress_group(label, {"with": persons, "without": applications - persons}, applications)
    return Cell(label, part.cells[0].persons)


def suppress_intervention(
    name: str, decided: int, carried_out: int, applications: int, decided_any: int | None = None
) -> Group:
    """An intervention's released form: carried out and not among those it was decided
    for, and how many that is (the total).

    The persons it was decided for are some of those with any decision, released
    as ``decided_any`` (None: not released), who are some of the applications. The
    nearest of the two that is released gives away how many it was not decided
    for: the three are one group over it, and the total is released only where
    that third cell could be. (With ``decided_any`` released, the applications
    without a decision are known and at least :data:`THRESHOLD`, ``suppress_part``.)
    """
    over = applications if decided_any is None else decided_any
    if not 0 <= carried_out <= decided <= over:
        # Not counted over the same cases: nothing consistent to release.
        return Group(name, (Cell("carried_out", None), Cell("not_carried_out", None)), None)
    released = suppress_group(
        name,
        {
            "carried_out": carried_out,
            "not_carried_out": decided - carried_out,
            "not_decided": over - decided,
        },
        over,
    )
    carried, not_carried, not_decided = released.cells
    total = decided if not not_decided.suppressed and decided >= THRESHOLD else None
    return Group(name, (carried, not_carried), total)


def released_median(values: Sequence[int]) -> float | None:
    """The median of at least :data:`THRESHOLD` persons' values, else nothing."""
    return float(statistics.median(values)) if len(values) >= THRESHOLD else None


@dataclass(frozen=True, slots=True)
class Measure:
    """A released median with how many persons it is over."""

    label: str
    persons: int | None
    median_days: float | None


def suppress_phases(phases: Sequence[Measure]) -> tuple[Measure, ...]:
    """The phases' measures (each already released as a part of the applications, in
    the order a case goes through them) with every count within :data:`THRESHOLD` of
    a count released before it suppressed too.

    Whoever left a later phase left initial contact before (every case starts
    there), and moving one step at a time, every phase before it: the difference
    of two released counts would be the persons still in between. A step back or
    a skip may leave a later count above an earlier one; the rule holds either way.
    """
    released: list[int] = []
    kept: list[Measure] = []
    for measure in phases:
        persons = measure.persons
        if persons is not None and any(abs(other - persons) < THRESHOLD for other in released):
            measure = Measure(measure.label, None, None)
        elif persons is not None:
            released.append(persons)
        kept.append(measure)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class RawFigures:
    """What the facts count, before anything is released."""

    outcomes: Mapping[str, int]  # ongoing / completed / aborted: adds up to the persons
    relapsed: int
    needs: Mapping[str, int]
    interventions: Mapping[str, tuple[int, int]]  # name → (decided, decided and carried out)
    days_to_decision: Sequence[int]
    phase_days: Mapping[str, Sequence[int]]


def no_figures() -> RawFigures:
    """The facts of a period without a single case."""
    return RawFigures(
        outcomes={outcome: 0 for outcome in OUTCOMES},
        relapsed=0,
        needs={},
        interventions={},
        days_to_decision=(),
        phase_days={phase: () for phase in PHASES},
    )


@dataclass(frozen=True, slots=True)
class Report:
    applications: int | None
    outcomes: Group
    relapse: Group
    needs: tuple[Cell, ...]
    interventions: tuple[Group, ...]
    time_to_decision: Measure
    phase_durations: tuple[Measure, ...]
    #: True for the answer over every municipality: the sum of what each
    #: municipality's own answer releases, not a count of the cases.
    summed_from_municipalities: bool = False


def release(raw: RawFigures) -> Report:
    """Everything released under the rules above; nothing else leaves.

    The lists are the fixed ones of ``isu_catalogue``, in that order: a need or
    intervention the facts do not hold is counted as zero, one they hold and
    the catalogue does not know is left out (it would change the shape).
    """
    counted = {outcome: raw.outcomes.get(outcome, 0) for outcome in OUTCOMES}
    if sum(counted.values()) != sum(raw.outcomes.values()):
        raise ValueError("an outcome outside the catalogue")
    applications = sum(counted.values())
    outcomes = suppress_group("outcomes", counted, applications)
    relapse = suppress_group(
        "relapse",
        {"relapsed": raw.relapsed, "not_relapsed": applications - raw.relapsed},
        applications,
    )
    time_to_decision = _measure(TIME_TO_DECISION, raw.days_to_decision, applications)
    interventions = tuple(
        suppress_intervention(
            name, decided, carried_out, applications, decided_any=time_to_decision.persons
        )
        for name, (decided, carried_out) in (
            (name, raw.interventions.get(name, (0, 0))) for name in INTERVENTIONS
        )
    )
    return Report(
        # The applications are the outcomes' total, released or not with them.
        applications=outcomes.total,
        outcomes=outcomes,
        relapse=relapse,
        needs=tuple(suppress_part(need, raw.needs.get(need, 0), applications) for need in NEEDS),
        interventions=interventions,
        time_to_decision=time_to_decision,
        phase_durations=suppress_phases(
            [_measure(phase, raw.phase_days.get(phase, ()), applications) for phase in PHASES]
        ),
    )


TIME_TO_DECISION = "application_to_decision"


def release_across(by_municipality: Mapping[str, RawFigures]) -> Report:
    """The answer over every municipality: each cell, total and count the sum of what
    the municipalities' own answers release for it, a median over the persons of the
    municipalities that release theirs.

    Cells of a group need then not add up to its total (a municipality may
    release its total and not its cells): what is missing is what the
    municipalities suppress. A sum is at least :data:`THRESHOLD` or nothing was
    released into it, which is shown as suppressed too.
    """
    each = [(raw, release(raw)) for _, raw in sorted(by_municipality.items())]
    reports = [report for _, report in each]
    shape = release(no_figures())

    def group(template: Group, groups: Sequence[Group]) -> Group:
        cells = tuple(
            Cell(cell.label, _sum(g.cells[index].persons for g in groups))
            for index, cell in enumerate(template.cells)
        )
        return Group(template.name, cells, _sum(g.total for g in groups))

    def measure(label: str, released: Sequence[tuple[Sequence[int], Measure]]) -> Measure:
        values = [value for days, m in released if m.persons is not None for value in days]
        if len(values) < THRESHOLD:
            return Measure(label, None, None)
        return Measure(label, len(values), released_median(values))

    outcomes = group(shape.outcomes, [r.outcomes for r in reports])
    return Report(
        applications=outcomes.total,
        outcomes=outcomes,
        relapse=group(shape.relapse, [r.relapse for r in reports]),
        needs=tuple(
            Cell(cell.label, _sum(r.needs[index].persons for r in reports))
            for index, cell in enumerate(shape.needs)
        ),
        interventions=tuple(
            group(template, [r.interventions[index] for r in reports])
            for index, template in enumerate(shape.interventions)
        ),
        time_to_decision=measure(
            TIME_TO_DECISION, [(raw.days_to_decision, r.time_to_decision) for raw, r in each]
        ),
        phase_durations=tuple(
            measure(
                template.label,
                [
                    (raw.phase_days.get(template.label, ()), r.phase_durations[index])
                    for raw, r in each
                ],
            )
            for index, template in enumerate(shape.phase_durations)
        ),
        summed_from_municipalities=True,
    )


def _sum(released: Iterable[int | None]) -> int | None:
    total = sum(persons for persons in released if persons is not None)
    return total if total >= THRESHOLD else None


def _measure(label: str, values: Sequence[int], applications: int) -> Measure:
    # Each value is one of the applications' persons (a decision, a phase left).
    cell = suppress_part(label, len(values), applications)
    return Measure(label, cell.persons, released_median(values) if cell.persons else None)


def released_for(municipality: str | None, by_municipality: Mapping[str, RawFigures]) -> Report:
    """The answer for one municipality (by its own figures), or for every one (``None``)."""
    if municipality is None:
        return release_across(by_municipality)
    return release(by_municipality.get(municipality, no_figures()))
