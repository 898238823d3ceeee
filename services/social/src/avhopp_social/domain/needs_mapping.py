"""Needs mapping in the investigation (PROCESS.md, "Needs and interventions"; 004 Del 3).

The eight central risk areas of RBM (risk-need-responsivity) are each rated and
noted; the other needs a defector typically has (housing, income, debt,
mental health, daily routines, loneliness after relocation, health and
dental) are rated where they apply. A new mapping is a new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from avhopp_shared.errors import InvalidInput
from avhopp_social.domain.investigation import NeedArea, Scope


class RbmArea(StrEnum):
    ANTISOCIAL_HISTORY = "antisocial_history"
    PROCRIMINAL_ATTITUDES = "procriminal_attitudes"
    PROCRIMINAL_ASSOCIATES = "procriminal_associates"
    ANTISOCIAL_PERSONALITY_PATTERN = "antisocial_personality_pattern"
    SUBSTANCE_ABUSE = "substance_abuse"
    WORK_OR_STUDIES = "work_or_studies"
    FAMILY_AND_RELATIONS = "family_and_relations"
    LEISURE = "leisure"


class OtherNeed(StrEnum):
    HOUSING = "housing"
    INCOME = "income"
    DEBT = "debt"
    MENTAL_HEALTH = "mental_health"
    DAILY_ROUTINES = "daily_routines"
    LONELINESS = "loneliness"
    HEALTH_AND_DENTAL = "health_and_dental"


class Rating(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class InvalidMapping(InvalidInput):
    """A mapping the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Rated:
    rating: Rating
    notes: str


@dataclass(frozen=True, slots=True)
class NeedsMapping:
    case_id: str
    version: int
    risk_areas: Mapping[RbmArea, Rated]
    other_needs: Mapping[OtherNeed, Rated]
    mapped_by: str
    recorded_at: datetime

    def needs(self) -> tuple[str, ...]:
        """What the mapping found to be a need: every area and other need rated
        moderate or high (ISU counts needs at intake, 004 Del 2)."""
        rated = [*self.risk_areas.items(), *self.other_needs.items()]
        return tuple(str(area) for area, r in rated if r.rating is not Rating.LOW)


def map_needs(
    previous: NeedsMapping | None,
    *,
    case_id: str,
    risk_areas: Mapping[RbmArea, Rated],
    other_needs: Mapping[OtherNeed, Rated],
    mapped_by: str,
    recorded_at: datetime,
    scope: Scope | None,
) -> NeedsMapping:
    """Every one of the eight areas is rated and noted; other needs where they apply,
    and only within the investigation's ``scope`` (None: not chosen yet)."""
    _refuse_outside_scope(other_needs, scope)
    for area in RbmArea:
        if area not in risk_areas:
            raise InvalidMapping(f"risk_areas.{area.value}", "each of the eight areas is rated")
        if not risk_areas[area].notes.strip():
            raise InvalidMapping(f"risk_areas.{area.value}.notes", "each area is noted")
    return NeedsMapping(
        case_id=case_id,
        version=1 if previous is None else previous.version + 1,
        risk_areas={area: risk_areas[area] for area in RbmArea},
        other_needs=dict(other_needs),
        mapped_by=mapped_by,
        recorded_at=recorded_at,
    )


def _refuse_outside_scope(other_needs: Mapping[OtherNeed, Rated], scope: Scope | None) -> None:
    """004 Del 2, "Inleder utredning": which needs are investigated is decided with the
    person, and an investigation is never wider than the matter; a need the scope
    leaves out is not rated. Each other need is the scope's area of the same name.

    Before any scope is recorded nothing is refused: the scope may not be agreed yet.
    The eight RBM areas are not checked against the scope: the method rates every one
    of them (PROCESS.md, "Needs and interventions"), so a scope leaving out, say,
    substance use would otherwise leave no mapping possible; it is the screenings
    and the other needs that the scope keeps out."""
    if scope is None:
        return
    outside = [need for need in other_needs if scope.leaves_out(NeedArea(need.value))]
    if outside:
        reason = "left out of the investigation's scope"
        first, *also = (f"other_needs.{need.value}" for need in outside)
        raise InvalidMapping(first, reason, also=[(field, reason) for field in also])
