"""The individual action plan (individuell handlingsplan), PROCESS.md step 9.

Made with the person after the decision: needs, measures, and which actors
take part (004 Del 2). Every measure names who is responsible for it, an
agency or one provider; the plan is reviewed on a set date and the person's
own view is written down. A changed plan is a new version; earlier ones stay.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, get_args

from avhopp_shared.errors import InvalidInput

#: Who can be responsible for a measure: an agency of the platform, or the person.
#: Who carries out a measure: an agency, another actor, or the person.
Responsible = Literal["social", "police", "provider", "probation", "sis", "other", "person"]
RESPONSIBLE = frozenset(get_args(Responsible))


class InvalidPlan(InvalidInput):
    """A plan the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Measure:
    description: str
    responsible: str
    #: Required for a provider: which one (as commissioned).
    organisation: str | None = None
    due_on: date | None = None


@dataclass(frozen=True, slots=True)
class ActionPlan:
    case_id: str
    version: int
    goals: tuple[str, ...]
    measures: tuple[Measure, ...]
    review_on: date
    persons_view: str
    recorded_by: str
    recorded_at: datetime


def plan(
    previous: ActionPlan | None,
    *,
    case_id: str,
    goals: tuple[str, ...],
    measures: tuple[Measure, ...],
    review_on: date,
    persons_view: str,
    recorded_by: str,
    today: date,
    recorded_at: datetime,
    known_providers: Collection[str],
) -> ActionPlan:
    """The next version of the case's plan; ``known_providers`` are those the
    municipality may commission (as for a commission, domain.commission)."""
    kept_goals = tuple(goal.strip() for goal in goals if goal.strip())
    if not kept_goals:
        raise InvalidPlan("goals", "a plan states at least one goal")
    if not measures:
        raise InvalidPlan("measures", "a plan lists at least one measure")
    for index, measure in enumerate(measures):
        if not measure.description.strip():
            raise InvalidPlan(f"measures.{index}.description", "a measure says what is done")
        if measure.responsible not in RESPONSIBLE:
            raise InvalidPlan(
                f"measures.{index}.responsible", "every measure names the actor responsible"
            )
        if measure.responsible == "provider":
            _refuse_unknown_provider(index, measure, known_providers)
    if review_on <= today:
        raise InvalidPlan("review_on", "the review must be a date still to come")
    return ActionPlan(
        case_id=case_id,
        version=1 if previous is None else previous.version + 1,
        goals=kept_goals,
        measures=measures,
        review_on=review_on,
        persons_view=persons_view.strip(),
        recorded_by=recorded_by,
        recorded_at=recorded_at,
    )


def _refuse_unknown_provider(index: int, measure: Measure, known: Collection[str]) -> None:
    field = f"measures.{index}.organisation"
    if not (measure.organisation or "").strip():
        raise InvalidPlan(field, "a provider's measure names the provider")
    if measure.organisation not in known:
        # The measure names the provider "as commissioned", and only a known provider
        # is commissioned (domain.commission); the reason never echoes the name, as a
        # provider's name can tell where the person is placed.
        raise InvalidPlan(field, "not a known provider")
