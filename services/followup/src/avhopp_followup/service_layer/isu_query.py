"""Counting the ISU facts for a period and (optionally) one municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select

from avhopp_followup.adapters.isu_tables import IsuCaseRow, IsuInterventionRow, IsuNeedRow
from avhopp_followup.domain.exit import ExitStatus
from avhopp_followup.domain.isu import RawFigures
from avhopp_followup.domain.phases import Phase
from avhopp_shared.uow import UnitOfWork

_case = IsuCaseRow.__table__  # type: ignore[attr-defined]
_need = IsuNeedRow.__table__  # type: ignore[attr-defined]
_intervention = IsuInterventionRow.__table__  # type: ignore[attr-defined]


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


async def raw_figures(uow: UnitOfWork, query: IsuQuery) -> RawFigures:
    """Four aggregate queries and one of the durations, inside an open unit of work."""
    connection = await uow.session.connection()
    chosen = _chosen(query)
    outcomes = {status.value: 0 for status in ExitStatus}
    relapsed = 0
    rows = await connection.execute(
        select(_case.c.outcome, _case.c.relapsed, func.count())
        .where(chosen)
        .group_by(_case.c.outcome, _case.c.relapsed)
    )
    for outcome, was_relapsed, count in rows:
        outcomes[outcome] = outcomes.get(outcome, 0) + count
        relapsed += count if was_relapsed else 0
    needs = await connection.execute(
        select(_need.c.need, func.count())
        .select_from(_need.join(_case, _case.c.case_id == _need.c.case_id))
        .where(chosen)
        .group_by(_need.c.need)
    )
    decided = _intervention.c.decided.is_(True)
    interventions = await connection.execute(
        select(
            _intervention.c.intervention,
            func.sum(case((decided, 1), else_=0)),
            func.sum(case((and_(decided, _intervention.c.carried_out.is_(True)), 1), else_=0)),
        )
        .select_from(_intervention.join(_case, _case.c.case_id == _intervention.c.case_id))
        .where(chosen)
        .group_by(_intervention.c.intervention)
    )
    durations = await connection.execute(
        select(
            _case.c.applied_on,
            _case.c.first_decision_on,
            _case.c.initial_contact_days,
            _case.c.acute_days,
            _case.c.stabilising_days,
        ).where(chosen)
    )
    to_decision: list[int] = []
    phase_days: dict[str, list[int]] = {
        Phase.INITIAL_CONTACT.value: [],
        Phase.ACUTE.value: [],
        Phase.STABILISING.value: [],
    }
    for applied, first_decision, initial, acute, stabilising in durations:
        if first_decision is not None:
            to_decision.append((first_decision - applied).days)
        for phase, days in (
            (Phase.INITIAL_CONTACT.value, initial),
            (Phase.ACUTE.value, acute),
            (Phase.STABILISING.value, stabilising),
        ):
            if days is not None:
                phase_days[phase].append(days)
    return RawFigures(
        outcomes=outcomes,
        relapsed=relapsed,
        needs={need: count for need, count in needs},
        interventions={name: (int(d or 0), int(c or 0)) for name, d, c in interventions},
        days_to_decision=to_decision,
        phase_days=phase_days,
    )
