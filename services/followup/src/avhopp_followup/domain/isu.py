"""ISU, individual-based systematic follow-up: the work with defectors at group level
(004 Del 2, "Individbaserad systematisk uppföljning (ISU)").

What is released is never about a person: every cell counting fewer than
:data:`THRESHOLD` persons is suppressed, and so is whatever else would let a
suppressed cell be worked out from a released total. A *group* is a set of
disjoint cells that add up to a total (completed + aborted + ongoing =
applications); within a group:

- a suppressed cell alone is recoverable as total minus the others, so a
  second cell is suppressed with it (the smallest released one that is not
  zero);
- suppressed cells that add up to zero are each recoverable (all zero), so
  the same is done until their sum is above zero;
- when that cannot be done (nothing left to suppress), the total goes too.

A median is released only over at least :data:`THRESHOLD` persons.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
        return len(hidden) == 1 or (bool(hidden) and sum(counts[c] for c in hidden) == 0)

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


def suppress_count(label: str, persons: int) -> Cell:
    """A cell that belongs to no group (its complement is not released anywhere)."""
    return Cell(label, persons if persons >= THRESHOLD else None)


def released_median(values: Sequence[int]) -> float | None:
    """The median of at least :data:`THRESHOLD` persons' values, else nothing."""
    return float(statistics.median(values)) if len(values) >= THRESHOLD else None


@dataclass(frozen=True, slots=True)
class Measure:
    """A released median with how many persons it is over."""

    label: str
    persons: int | None
    median_days: float | None


@dataclass(frozen=True, slots=True)
class RawFigures:
    """What the facts count, before anything is released."""

    outcomes: Mapping[str, int]  # ongoing / completed / aborted: adds up to the applications
    relapsed: int
    needs: Mapping[str, int]
    interventions: Mapping[str, tuple[int, int]]  # name → (decided, decided and carried out)
    days_to_decision: Sequence[int]
    phase_days: Mapping[str, Sequence[int]]


@dataclass(frozen=True, slots=True)
class Report:
    applications: int | None
    outcomes: Group
    relapse: Group
    needs: tuple[Cell, ...]
    interventions: tuple[Group, ...]
    time_to_decision: Measure
    phase_durations: tuple[Measure, ...]


def release(raw: RawFigures) -> Report:
    """Everything released under the rules above; nothing else leaves."""
    applications = sum(raw.outcomes.values())
    outcomes = suppress_group("outcomes", raw.outcomes, applications)
    relapse = suppress_group(
        "relapse",
        {"relapsed": raw.relapsed, "not_relapsed": applications - raw.relapsed},
        applications,
    )
    interventions = tuple(
        suppress_group(
            name,
            {"carried_out": carried_out, "not_carried_out": decided - carried_out},
            decided,
        )
        for name, (decided, carried_out) in sorted(raw.interventions.items())
    )
    return Report(
        # The applications are the outcomes' total, released or not with them.
        applications=outcomes.total,
        outcomes=outcomes,
        relapse=relapse,
        needs=tuple(suppress_count(need, n) for need, n in sorted(raw.needs.items())),
        interventions=interventions,
        time_to_decision=_measure("application_to_decision", raw.days_to_decision),
        phase_durations=tuple(_measure(phase, days) for phase, days in raw.phase_days.items()),
    )


def _measure(label: str, values: Sequence[int]) -> Measure:
    cell = suppress_count(label, len(values))
    return Measure(label, cell.persons, released_median(values) if cell.persons else None)
