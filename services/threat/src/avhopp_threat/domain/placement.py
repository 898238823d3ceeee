"""The police placement assessment (placeringsbedömning).

Before a person leaving organised crime is relocated, police judge which
towns are suitable and which unsuitable, each with a reason, "to avoid
placing rival individuals in the same town or revealing the person's
location" (Socialstyrelsen, "Arbeta med avhoppare", Del 2, "Polisens
placeringsbedömning"). A town here is a Swedish municipality, named by its
four-digit code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipalities import UnknownMunicipality, municipality_by_code
from avhopp_threat.domain.rival_check import MAX_PROPOSED_TOWNS, TooManyTownsProposed


class NoTownsJudged(InvalidInput):
    def __init__(self) -> None:
        super().__init__("towns", "a placement assessment judges at least one town")


class BlankReason(InvalidInput):
    """Every judgement needs its reason: the seed section asks for one per town."""

    def __init__(self, index: int, municipality_code: str) -> None:
        # Named as the request names it; the town is not echoed (README: a refusal
        # never repeats the value, and a town here may be the new home town).
        super().__init__(f"towns.{index}.reason", "the judgement of this town gives no reason")
        self.municipality_code = municipality_code


class TownJudgedTwice(InvalidInput):
    """A town is either suitable or not: two judgements of one town could contradict."""

    def __init__(self, index: int, municipality_code: str) -> None:
        super().__init__(f"towns.{index}.municipality", "this town is judged more than once")
        self.municipality_code = municipality_code


@dataclass(frozen=True, slots=True)
class TownJudgement:
    municipality_code: str
    suitable: bool
    reason: str


@dataclass(frozen=True, slots=True)
class PlacementAssessment:
    """Police's judgement of towns for one case (Socialstyrelsen, "Arbeta med avhoppare",
    Del 2, "Polisens placeringsbedömning"). Built by :func:`assess_placement` only."""

    case_id: str
    towns: tuple[TownJudgement, ...]
    assessed_by: str
    assessed_at: datetime

    @property
    def suitable_codes(self) -> tuple[str, ...]:
        """The towns proposed for the placement: what a rival check looks at."""
        return tuple(town.municipality_code for town in self.towns if town.suitable)

    @property
    def unsuitable_codes(self) -> tuple[str, ...]:
        return tuple(town.municipality_code for town in self.towns if not town.suitable)


def assess_placement(
    case_id: str,
    towns: Iterable[TownJudgement],
    assessed_by: str,
    assessed_at: datetime,
) -> PlacementAssessment:
    """A valid placement assessment, or the first rule it breaks as an :class:`InvalidInput`.

    The rules follow the seed section (Socialstyrelsen, "Arbeta med
    avhoppare", Del 2, "Polisens placeringsbedömning"): at least one town is
    judged; each is a real municipality (:class:`UnknownMunicipality`
    otherwise); each judgement gives a non-blank reason
    (:class:`BlankReason`); no town is judged twice (:class:`TownJudgedTwice`);
    at most ``MAX_PROPOSED_TOWNS`` towns are judged suitable, as each suitable
    town is rival-checked at once (:class:`TooManyTownsProposed` naming the
    first suitable town beyond them). Unsuitable towns are not checked and are
    not bounded.
    """
    if not case_id.strip():
        raise InvalidInput("case_id", "is blank")
    if not assessed_by.strip():
        raise InvalidInput("assessed_by", "a placement assessment names who made it")
    if assessed_at.tzinfo is None:
        # The platform stores UTC-aware times only; a naive one is ambiguous.
        raise InvalidInput("assessed_at", "has no time zone")
    judged: list[TownJudgement] = []
    seen: set[str] = set()
    suitable = 0
    for index, town in enumerate(towns):
        field = f"towns.{index}.municipality"
        try:
            code = municipality_by_code(town.municipality_code).code
        except UnknownMunicipality:
            raise UnknownMunicipality(town.municipality_code, field=field) from None
        reason = town.reason.strip()
        if not reason:
            raise BlankReason(index, code)
        if code in seen:
            raise TownJudgedTwice(index, code)
        seen.add(code)
        suitable += 1 if town.suitable else 0
        if suitable > MAX_PROPOSED_TOWNS:
            raise TooManyTownsProposed(f"towns.{index}.suitable")
        judged.append(TownJudgement(municipality_code=code, suitable=town.suitable, reason=reason))
    if not judged:
        raise NoTownsJudged()
    return PlacementAssessment(
        case_id=case_id,
        towns=tuple(judged),
        assessed_by=assessed_by.strip(),
        assessed_at=assessed_at,
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """The town the person is actually placed in (ACCESS.md: ``protected_location``)."""

    case_id: str
    municipality_code: str
    placed_on: date
    recorded_by: str


def place(
    case_id: str, municipality_code: str, placed_on: date, recorded_by: str, today: date
) -> Placement:
    if placed_on > today:
        raise InvalidInput("placed_on", "a placement cannot be recorded ahead of time")
    code = municipality_by_code(municipality_code).code
    return Placement(case_id, code, placed_on, recorded_by)
