"""AUDIT and DUDIT, scored by the platform (PROCESS.md step 3; 004 Del 2, "Bedömningsmetoder").

AUDIT (Alcohol Use Disorders Identification Test, WHO; Babor et al. 2001):
ten items; items 1-8 score 0-4, items 9-10 score 0, 2 or 4; total 0-40. The
WHO manual reads the total in four risk zones (I 0-7, II 8-15, III 16-19,
IV 20-40); the cut-off for hazardous or harmful use is 8 for men and 6 for
women (the lower cut-off for women used in Swedish practice).

DUDIT (Drug Use Disorders Identification Test; Berman et al. 2005): eleven
items; items 1-9 score 0-4, items 10-11 score 0, 2 or 4; total 0-44. Drug-
related problems are likely from 6 points for men and 2 for women; 25 or more
points point to heavy dependence, for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from avhopp_shared.errors import InvalidInput
from avhopp_social.domain.investigation import NeedArea, Scope

_FIVE_STEPS = frozenset({0, 1, 2, 3, 4})
_THREE_STEPS = frozenset({0, 2, 4})


class Instrument(StrEnum):
    AUDIT = "audit"
    DUDIT = "dudit"


class Sex(StrEnum):
    """The instruments' cut-offs differ by sex, as published."""

    MALE = "male"
    FEMALE = "female"


class InvalidAnswers(InvalidInput):
    """Answers an instrument does not have; ``field`` names the item (422)."""


class InvalidScreening(InvalidInput):
    """A screening the rules refuse; ``field`` names it (422)."""


#: The need each instrument looks into (PROCESS.md step 3: AUDIT alcohol, DUDIT
#: drugs): both are substance use, the scope's ``substance_use``.
AREA: dict[Instrument, NeedArea] = {
    Instrument.AUDIT: NeedArea.SUBSTANCE_USE,
    Instrument.DUDIT: NeedArea.SUBSTANCE_USE,
}


#: Per instrument, the allowed scores of each item in order.
ITEMS: dict[Instrument, tuple[frozenset[int], ...]] = {
    Instrument.AUDIT: (_FIVE_STEPS,) * 8 + (_THREE_STEPS,) * 2,
    Instrument.DUDIT: (_FIVE_STEPS,) * 9 + (_THREE_STEPS,) * 2,
}


@dataclass(frozen=True, slots=True)
class Score:
    instrument: Instrument
    total: int
    maximum: int
    #: AUDIT: the WHO risk zone (1-4); DUDIT: None.
    zone: int | None
    #: At or above the sex-specific cut-off (hazardous use, or drug-related problems).
    above_cutoff: bool
    #: DUDIT 25 or more: probable heavy dependence; AUDIT: zone IV.
    probable_dependence: bool


def check_screening(
    instrument: Instrument,
    administered_on: date,
    *,
    today: date,
    received_on: date,
    scope: Scope | None,
) -> None:
    """Refuses a screening outside the investigation: dated in the future or before
    the application was received (``received_on``, the Swedish day), or of an area
    the scope chosen with the person leaves out. Every rule broken is named at once;
    the reasons are fixed texts (README, "Errors")."""
    problems: list[tuple[str, str]] = []
    if administered_on > today:
        problems.append(("administered_on", "cannot be in the future"))
    elif administered_on < received_on:
        # As aid decisions and commissions: the instrument belongs to the
        # investigation the application opened (11 kap. 1 § SoL).
        problems.append(("administered_on", "cannot come before the application was received"))
    # Before any scope is recorded nothing is refused: the scope may not be agreed
    # yet, and the investigation has not started (domain.investigation.choose_scope).
    if scope is not None and scope.leaves_out(AREA[instrument]):
        # 004 Del 2, "Inleder utredning": which needs are investigated is decided
        # with the person, and an investigation is never wider than the matter.
        problems.append(("instrument", "its area was left out of the investigation's scope"))
    if problems:
        (field, reason), *also = problems
        raise InvalidScreening(field, reason, also=also)


def score(instrument: Instrument, answers: Sequence[int], sex: Sex) -> Score:
    allowed = ITEMS[instrument]
    if len(answers) != len(allowed):
        raise InvalidAnswers("answers", f"{instrument.value.upper()} has {len(allowed)} items")
    for index, (answer, scores) in enumerate(zip(answers, allowed, strict=True)):
        if answer not in scores:
            raise InvalidAnswers(
                f"answers.{index}", f"item {index + 1} scores one of {sorted(scores)}"
            )
    total = sum(answers)
    maximum = sum(max(scores) for scores in allowed)
    if instrument is Instrument.AUDIT:
        zone = 1 if total <= 7 else 2 if total <= 15 else 3 if total <= 19 else 4
        cutoff = 8 if sex is Sex.MALE else 6
        return Score(instrument, total, maximum, zone, total >= cutoff, zone == 4)
    cutoff = 6 if sex is Sex.MALE else 2
    return Score(instrument, total, maximum, None, total >= cutoff, total >= 25)
