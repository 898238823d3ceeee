"""Decisions on aid (biståndsbeslut, 4 kap. 1 § SoL), PROCESS.md step 7.

004 Del 2, "Socialtjänstens beslut om bistånd": the investigation ends in an
individual decision on what was applied for and the needs found. Some aid is
time-limited (protected housing while the threat is high), some longer
(financial aid, relapse prevention); a time-limited decision expires and is
listed before it does. Police open their case only once social services have
decided on interventions (004 Del 2, "Polisens beslut om att inleda
avhopparärende"): a decision granting aid, in whole or in part, is announced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from avhopp_shared.errors import InvalidInput

LEGAL_BASIS = "4 kap. 1 § SoL"


class AidType(StrEnum):
    PROTECTED_HOUSING = "protected_housing"
    HVB = "hvb"
    SUPPORTED_HOUSING = "supported_housing"
    FAMILY_HOME = "family_home"
    FINANCIAL_AID = "financial_aid"
    CONTACT_PERSON = "contact_person"
    SUBSTANCE_TREATMENT = "substance_treatment"
    PSYCHIATRIC_COORDINATION = "psychiatric_coordination"
    DEBT_COUNSELLING = "debt_counselling"
    TRUSTEE = "trustee"
    REMOVAL_OF_BELONGINGS = "removal_of_belongings"
    TATTOO_REMOVAL = "tattoo_removal"
    EMPLOYMENT_SUPPORT = "employment_support"
    OTHER = "other"


class Outcome(StrEnum):
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"


class InvalidDecision(InvalidInput):
    """A decision the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class AidDecision:
    decision_id: str
    case_id: str
    aid_type: AidType
    outcome: Outcome
    reasons: str
    valid_from: date | None
    valid_to: date | None
    decided_by: str
    decided_on: date
    recorded_at: datetime
    legal_basis: str = LEGAL_BASIS

    @property
    def grants_aid(self) -> bool:
        return self.outcome is not Outcome.REFUSED

    def expires_within(self, today: date, days: int) -> bool:
        """Still in force and ending within ``days`` (time-limited decisions only)."""
        return (
            self.grants_aid
            and self.valid_to is not None
            and today <= self.valid_to <= today + timedelta(days=days)
        )


def decide(
    *,
    decision_id: str,
    case_id: str,
    aid_type: AidType,
    outcome: Outcome,
    reasons: str,
    valid_from: date | None,
    valid_to: date | None,
    decided_by: str,
    decided_on: date,
    today: date,
    received_on: date,
    recorded_at: datetime,
) -> AidDecision:
    """``received_on`` is the Swedish day the application was received.

    Every rule the decision breaks is named, each field once (README, "Errors":
    validation errors list each offending field)."""
    problems: list[tuple[str, str]] = []
    # A decision must state its reasons (32 § förvaltningslagen), refusals above all.
    if not reasons.strip():
        problems.append(("reasons", "a decision states its reasons"))
    if decided_on > today:
        problems.append(("decided_on", "a decision cannot be dated in the future"))
    if outcome is Outcome.REFUSED:
        # A refusal has no period: each day given is at fault on its own.
        problems.extend(
            (field, "a refusal grants nothing for any period")
            for field, day in (("valid_from", valid_from), ("valid_to", valid_to))
            if day is not None
        )
    else:
        if valid_from is None:
            problems.append(("valid_from", "granted aid needs the date it starts"))
        if valid_from is not None and valid_to is not None and valid_to < valid_from:
            problems.append(("valid_to", "the period ends before it starts"))
    problems.extend(_before_application(decided_on, valid_from, received_on))
    named: dict[str, str] = {}
    for field, reason in problems:
        named.setdefault(field, reason)  # each field once, with the first rule it breaks
    if named:
        (field, reason), *also = named.items()
        raise InvalidDecision(field, reason, also=also)
    return AidDecision(
        decision_id=decision_id,
        case_id=case_id,
        aid_type=aid_type,
        outcome=outcome,
        reasons=reasons.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        decided_by=decided_by,
        decided_on=decided_on,
        recorded_at=recorded_at,
    )


def _before_application(
    decided_on: date, valid_from: date | None, received_on: date
) -> list[tuple[str, str]]:
    """4 kap. 1 § SoL: aid is decided on an application, so neither the decision
    nor the aid it grants comes before the application was received (the
    investigation opens on it, 11 kap. 1 § SoL). The reason names no date:
    validation errors never echo a value (README, "Errors")."""
    reason = "cannot come before the application was received"
    return [
        (field, reason)
        for field, day in (("decided_on", decided_on), ("valid_from", valid_from))
        if day is not None and day < received_on
    ]
