"""Counting the ISU facts for a period, municipality by municipality (or for one).

ISU is individual-based (004 Del 2): every count is of persons. A person who
applied again (each re-application a new case linked to the one before) is
one person, counted once in each cell, by the key :data:`person` gives every
case of the chain (``IsuCaseRow.first_case_id``). Within a municipality a
person's cases in the period say, together:

- the outcome: that of their latest application (on one day, an ongoing one
  before a completed one before an aborted one), how their exit stands now;
- relapse, each need, an intervention decided or carried out: in any of them;
- a duration (to the first decision, in a phase): their earliest
  application's that has one, as a phase's first stay is its length
  (``isu_facts.phase_left``).

A person who applied in two municipalities is one of each municipality's
persons: each counts the applications it received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    case,
    func,
    literal,
    select,
)

from avhopp_followup.adapters.isu_tables import IsuCaseRow, IsuInterventionRow, IsuNeedRow
from avhopp_followup.domain.isu import RawFigures
from avhopp_followup.service_layer.isu_persons import chained, person, persons_in
from avhopp_shared.uow import UnitOfWork

_case = IsuCaseRow.__table__  # type: ignore[attr-defined]
_need = IsuNeedRow.__table__  # type: ignore[attr-defined]
_intervention = IsuInterventionRow.__table__  # type: ignore[attr-defined]


_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class IsuQuery:
    """Cases whose application arrived within [first_day, last_day]."""

    first_day: date
    last_day: date
    municipality: str | None = None


def _chosen(query: IsuQuery) -> ColumnElement[bool]:
    chosen = and_(_case.c.applied_on >= query.first_day, _case.c.applied_on <= query.last_day)
    if query.municipality is not None:
        chosen = and_(chosen, _case.c.municipality == query.municipality)
    return chosen


async def raw_figures(uow: UnitOfWork, query: IsuQuery) -> dict[str, RawFigures]:
    """The facts per municipality (the one asked for, or every one with a case in the
    period), inside an open unit of work: one query of the cases, folded into their
    persons here, and one aggregate each of the needs and the interventions."""
    chosen = _chosen(query)
    persons = await persons_in(uow, chosen)
    needs = await _needs(uow, chosen)
    interventions = await _interventions(uow, chosen)
    return {
        code: RawFigures(
            outcomes=folded.outcomes,
            relapsed=folded.relapsed,
            needs=needs.get(code, {}),
            interventions=interventions.get(code, {}),
            days_to_decision=folded.days_to_decision,
            phase_days=folded.phase_days,
        )
        for code, folded in persons.items()
    }


async def _needs(uow: UnitOfWork, chosen: ColumnElement[bool]) -> dict[str, dict[str, int]]:
    """Per municipality and need, the persons any of whose applications found it."""
    cases = _need.join(_case, _case.c.case_id == _need.c.case_id)
    key = (_case.c.municipality, _need.c.need)
    counts = await _counted_in_persons(uow, cases, chosen, key, [literal(1)])
    return _nested({k: int(v[0]) for k, v in counts.items()})


async def _interventions(
    uow: UnitOfWork, chosen: ColumnElement[bool]
) -> dict[str, dict[str, tuple[int, int]]]:
    """Per municipality and intervention, the persons it was decided for, and of them
    those it was carried out for, in any of their applications."""
    decided = _intervention.c.decided.is_(True)
    cases = _intervention.join(_case, _case.c.case_id == _intervention.c.case_id)
    key = (_case.c.municipality, _intervention.c.intervention)
    flags = [_flag(decided), _flag(and_(decided, _intervention.c.carried_out.is_(True)))]
    counts = await _counted_in_persons(uow, cases, chosen, key, flags)
    return _nested({k: (int(v[0]), int(v[1])) for k, v in counts.items()})


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where ``condition`` holds: its ``max`` over a person's cases is "in any"."""
    return case((condition, 1), else_=0)


async def _counted_in_persons(
    uow: UnitOfWork,
    rows: FromClause,
    chosen: ColumnElement[bool],
    key: tuple[ColumnElement[str], ColumnElement[str]],
    flags: Sequence[ColumnElement[Any]],
) -> dict[tuple[str, str], list[int]]:
    """Per ``key`` (municipality, item), for each of ``flags`` (1 or 0 on a row), the
    persons it is 1 for in any of their rows.

    Summed over the rows first, as one plain aggregate (a case has an item
    once), then put right for the few chained cases: their rows' sum taken
    out, their persons' put in. Grouping every row by its person cost a
    year's query about a third of its time; chains are few.
    """
    connection = await uow.session.connection()
    totals: dict[tuple[str, str], list[int]] = {}

    async def add(statement: Select[*tuple[Any, ...]], sign: int) -> None:
        for code, item, *values in await connection.execute(statement):
            found = totals.setdefault((code, item), [0] * len(flags))
            for index, value in enumerate(values):
                found[index] += sign * int(value or 0)

    def by_rows(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
        return (
            select(*key, *(func.sum(flag) for flag in flags))
            .select_from(rows)
            .where(where)
            .group_by(*key)
        )

    in_chains = and_(chosen, chained)
    each = (
        select(*key, *(func.max(flag).label(f"f{i}") for i, flag in enumerate(flags)))
        .select_from(rows)
        .where(in_chains)
        .group_by(*key, person)
        .subquery()
    )
    by_persons = select(
        *each.c[:2], *(func.sum(each.c[f"f{i}"]) for i in range(len(flags)))
    ).group_by(*each.c[:2])
    await add(by_rows(chosen), 1)
    await add(by_rows(in_chains), -1)
    await add(by_persons, 1)
    return totals


def _nested(counts: dict[tuple[str, str], _T]) -> dict[str, dict[str, _T]]:
    nested: dict[str, dict[str, _T]] = {}
    for (code, item), value in counts.items():
        nested.setdefault(code, {})[item] = value
    return nested
