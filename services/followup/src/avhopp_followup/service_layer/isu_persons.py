"""Folding a period's applications into the persons who made them, for ISU
(``isu_query`` says how a person's applications count together)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, func, not_, or_, select

from avhopp_followup.adapters.isu_tables import IsuCaseRow
from avhopp_followup.domain.exit import ExitStatus
from avhopp_followup.domain.isu_catalogue import PHASES
from avhopp_followup.domain.phases import Phase
from avhopp_shared.uow import UnitOfWork

_case = IsuCaseRow.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Persons:
    """One municipality's persons, each counted once, as they are counted in."""

    outcomes: dict[str, int] = field(
        default_factory=lambda: {status.value: 0 for status in ExitStatus}
    )
    relapsed: int = 0
    days_to_decision: list[int] = field(default_factory=list)
    phase_days: dict[str, list[int]] = field(
        default_factory=lambda: {phase: [] for phase in PHASES}
    )

    def count(self, person: _Person) -> None:
        outcome, relapsed, waited, *phase_days = person
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.relapsed += relapsed
        if waited is not None:
            self.days_to_decision.append(waited)
        for phase, days in zip(_PHASES, phase_days, strict=True):
            if days is not None:
                self.phase_days[phase].append(days)


#: What counts of a person: outcome, relapsed, days to the first decision, days in
#: each of :data:`_PHASES` (None: not known).
_Person = tuple[str, bool, int | None, int | None, int | None, int | None]

#: An application's facts as read: applied_on, outcome, relapsed, first decision and
#: the days in each of :data:`_PHASES`.
_Application = tuple[date, str, bool, date | None, int | None, int | None, int | None]

#: The phases whose length ISU reports, in the order their days are read.
_PHASES = (Phase.INITIAL_CONTACT.value, Phase.ACUTE.value, Phase.STABILISING.value)

#: On one day, which of a person's applications stands for them: the highest.
_STANDING = {
    ExitStatus.ABORTED.value: 0,
    ExitStatus.COMPLETED.value: 1,
    ExitStatus.ONGOING.value: 2,
}


#: Whose case it is: the first case of the chain, a first application its own.
person = func.coalesce(_case.c.first_case_id, _case.c.case_id)

#: A case of a person who applied more than once: a re-application, or the first
#: case some re-application names. Only these need folding into persons; every
#: other case is a person of its own, counted by plain aggregates.
chained = or_(
    _case.c.first_case_id.is_not(None),
    _case.c.case_id.in_(select(_case.c.first_case_id).where(_case.c.first_case_id.is_not(None))),
)


async def persons_in(uow: UnitOfWork, chosen: ColumnElement[bool]) -> dict[str, Persons]:
    """Per municipality, the persons by outcome, how many relapsed, and each person's
    days to the first decision and in each phase (``isu_query``'s doc).

    Most persons applied once: their cases are counted by an aggregate and
    their durations read as they are, and only the cases of a chain are
    gathered and folded here first.
    """
    connection = await uow.session.connection()
    folded: dict[str, Persons] = {}
    alone = and_(chosen, not_(chained))
    municipality = _case.c.municipality
    outcomes = await connection.execute(
        select(municipality, _case.c.outcome, _case.c.relapsed, func.count())
        .where(alone)
        .group_by(municipality, _case.c.outcome, _case.c.relapsed)
    )
    for code, outcome, relapsed, count in outcomes:
        counted = folded.setdefault(code, Persons())
        counted.outcomes[outcome] = counted.outcomes.get(outcome, 0) + count
        counted.relapsed += count if relapsed else 0
    durations = await connection.execute(
        select(
            municipality,
            _case.c.applied_on,
            _case.c.first_decision_on,
            _case.c.initial_contact_days,
            _case.c.acute_days,
            _case.c.stabilising_days,
        ).where(alone)
    )
    for code, applied, decided, *phase_days in durations:
        counted = folded[code]
        if decided is not None:
            counted.days_to_decision.append((decided - applied).days)
        for phase, days in zip(_PHASES, phase_days, strict=True):
            if days is not None:
                counted.phase_days[phase].append(days)
    chains: dict[tuple[str, str], list[_Application]] = {}
    in_chains = await connection.execute(
        select(
            municipality,
            person,
            _case.c.applied_on,
            _case.c.outcome,
            _case.c.relapsed,
            _case.c.first_decision_on,
            _case.c.initial_contact_days,
            _case.c.acute_days,
            _case.c.stabilising_days,
        ).where(and_(chosen, chained))
    )
    for code, key, *facts in in_chains:
        chains.setdefault((code, key), []).append(tuple(facts))
    for (code, _), applications in chains.items():
        folded.setdefault(code, Persons()).count(_fold(applications))
    return folded


def _fold(applications: list[_Application]) -> _Person:
    """One person, from their applications in the period (``isu_query``'s doc)."""
    ordered = sorted(applications, key=lambda a: (a[0], _STANDING.get(a[1], 0)))
    waits = ((decided - applied).days for applied, _, _, decided, *_ in ordered if decided)
    return (
        ordered[-1][1],
        any(relapsed for _, _, relapsed, *_ in ordered),
        next(waits, None),
        *(
            next((a[index] for a in ordered if a[index] is not None), None)
            for index in range(4, 4 + len(_PHASES))
        ),
    )  # type: ignore[return-value]
