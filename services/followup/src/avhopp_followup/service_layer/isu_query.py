"""Counting the ISU facts for a period, municipality by municipality (or for one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select

from avhopp_followup.adapters.isu_tables import IsuCaseRow, IsuInterventionRow, IsuNeedRow
from avhopp_followup.domain.exit import ExitStatus
from avhopp_followup.domain.isu import RawFigures
from avhopp_followup.domain.isu_catalogue import PHASES
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


async def raw_figures(uow: UnitOfWork, query: IsuQuery) -> dict[str, RawFigures]:
    """The facts per municipality (the one asked for, or every one with a case in the
    period), inside an open unit of work: four aggregate queries and one of the
    durations, each grouped by municipality."""
    connection = await uow.session.connection()
    chosen = _chosen(query)
    municipality = _case.c.municipality
    outcomes: dict[str, dict[str, int]] = {}
    relapsed: dict[str, int] = {}
    rows = await connection.execute(
        select(municipality, _case.c.outcome, _case.c.relapsed, func.count())
        .where(chosen)
        .group_by(municipality, _case.c.outcome, _case.c.relapsed)
    )
    for code, outcome, was_relapsed, count in rows:
        counted = outcomes.setdefault(code, {status.value: 0 for status in ExitStatus})
        counted[outcome] = counted.get(outcome, 0) + count
        relapsed[code] = relapsed.get(code, 0) + (count if was_relapsed else 0)
    needs: dict[str, dict[str, int]] = {code: {} for code in outcomes}
    need_rows = await connection.execute(
        select(municipality, _need.c.need, func.count())
        .select_from(_need.join(_case, _case.c.case_id == _need.c.case_id))
        .where(chosen)
        .group_by(municipality, _need.c.need)
    )
    for code, need, count in need_rows:
        needs.setdefault(code, {})[need] = count
    decided = _intervention.c.decided.is_(True)
    interventions: dict[str, dict[str, tuple[int, int]]] = {code: {} for code in outcomes}
    intervention_rows = await connection.execute(
        select(
            municipality,
            _intervention.c.intervention,
            func.sum(case((decided, 1), else_=0)),
            func.sum(case((and_(decided, _intervention.c.carried_out.is_(True)), 1), else_=0)),
        )
        .select_from(_intervention.join(_case, _case.c.case_id == _intervention.c.case_id))
        .where(chosen)
        .group_by(municipality, _intervention.c.intervention)
    )
    for code, name, decided_count, carried_out in intervention_rows:
        interventions.setdefault(code, {})[name] = (int(decided_count or 0), int(carried_out or 0))
    durations = await connection.execute(
        select(
            municipality,
            _case.c.applied_on,
            _case.c.first_decision_on,
            _case.c.initial_contact_days,
            _case.c.acute_days,
            _case.c.stabilising_days,
        ).where(chosen)
    )
    to_decision: dict[str, list[int]] = {}
    phase_days: dict[str, dict[str, list[int]]] = {}
    for code, applied, first_decision, initial, acute, stabilising in durations:
        waited = to_decision.setdefault(code, [])
        stayed = phase_days.setdefault(code, {phase: [] for phase in PHASES})
        if first_decision is not None:
            waited.append((first_decision - applied).days)
        for phase, days in (
            (Phase.INITIAL_CONTACT.value, initial),
            (Phase.ACUTE.value, acute),
            (Phase.STABILISING.value, stabilising),
        ):
            if days is not None:
                stayed[phase].append(days)
    return {
        code: RawFigures(
            outcomes=counted,
            relapsed=relapsed.get(code, 0),
            needs=needs.get(code, {}),
            interventions=interventions.get(code, {}),
            days_to_decision=to_decision.get(code, []),
            phase_days=phase_days.get(code, {phase: [] for phase in PHASES}),
        )
        for code, counted in outcomes.items()
    }
