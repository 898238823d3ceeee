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
) -> NeedsMapping:
    """Every one of the eight areas is rated and noted; other needs where they apply."""
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
