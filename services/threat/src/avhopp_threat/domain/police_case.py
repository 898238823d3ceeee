"""The police defector case (avhopparärende): opened on conditions, aborted, or completed.

004 Del 2, "Polisens beslut om att inleda avhopparärende": police open the
case only when every condition holds — the person meets the definition of a
defector, is motivated to leave, consents to information exchange between
police and the relevant actors, has signed the police conditions form, is not
a witness (bevisperson), and social services have decided on interventions.
"Avbrutet avhopp": when the conditions no longer hold, police abort the case
as a rule; social services' support may go on without police. "Fullföljt
avhopp": the plan is carried out and the person is not judged to have
relapsed into organised crime.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from avhopp_shared.errors import Conflict, InvalidInput
from avhopp_threat.domain.threat_assessment import ThreatLevel


class Condition(StrEnum):
    MEETS_DEFINITION = "meets_definition"
    MOTIVATED = "motivated"
    CONSENT = "consent_to_information_exchange"
    CONDITIONS_FORM_SIGNED = "conditions_form_signed"
    NOT_A_WITNESS = "not_a_witness"
    SOCIAL_SERVICES_DECISION = "social_services_decision"


#: What a refusal says of each unmet condition.
CONDITION_TEXT: dict[Condition, str] = {
    Condition.MEETS_DEFINITION: "no threat assessment places the person in the target group",
    Condition.MOTIVATED: "the person is not judged motivated to leave organised crime",
    Condition.CONSENT: "no active consent lets police exchange information on the case",
    Condition.CONDITIONS_FORM_SIGNED: "the police conditions form is not signed",
    Condition.NOT_A_WITNESS: "the person is a witness (bevisperson)",
    Condition.SOCIAL_SERVICES_DECISION: "social services have not decided on interventions",
}


class CaseStatus(StrEnum):
    OPEN = "open"
    ABORTED = "aborted"
    COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class OpeningFacts:
    """What the conditions are judged on: the case's records and the coordinator's answers."""

    current_level: ThreatLevel | None
    motivated: bool
    consent_active: bool
    conditions_form_signed_on: date | None
    witness: bool
    interventions_decided: bool


def unmet_conditions(facts: OpeningFacts) -> list[Condition]:
    met = {
        Condition.MEETS_DEFINITION: facts.current_level in (ThreatLevel.LOW, ThreatLevel.HIGH),
        Condition.MOTIVATED: facts.motivated,
        Condition.CONSENT: facts.consent_active,
        Condition.CONDITIONS_FORM_SIGNED: facts.conditions_form_signed_on is not None,
        Condition.NOT_A_WITNESS: not facts.witness,
        Condition.SOCIAL_SERVICES_DECISION: facts.interventions_decided,
    }
    return [condition for condition in Condition if not met[condition]]


class ConditionsUnmet(InvalidInput):
    """The police case cannot open: names every unmet condition, each with why (422)."""

    def __init__(self, unmet: list[Condition]) -> None:
        problems = [(f"conditions.{c.value}", CONDITION_TEXT[c]) for c in unmet]
        super().__init__(*problems[0], also=problems[1:])
        self.unmet = unmet


class InvalidTransition(Conflict):
    """The case is not in a state that allows the change (409, not bad input)."""


class InvalidClosing(InvalidInput):
    """A rule the input breaks; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class PoliceCase:
    case_id: str
    status: CaseStatus
    opened_on: date
    opened_by: str
    conditions_form_signed_on: date
    closed_on: date | None = None
    closed_by: str | None = None
    reason: str | None = None


def open_case(
    case_id: str, facts: OpeningFacts, *, opened_by: str, today: date, existing: PoliceCase | None
) -> PoliceCase:
    # Only an aborted case may be opened again: a new application is always possible
    # later (PROCESS.md step 12), but a completed exit is police's final judgement that
    # the plan was carried out without relapse (step 13), not a pause.
    if existing is not None and existing.status is not CaseStatus.ABORTED:
        raise InvalidTransition(f"the police case is already {existing.status.value}")
    signed_on = facts.conditions_form_signed_on
    if signed_on is not None and signed_on > today:
        # The person "has signed" the conditions form (004 Del 2): a form dated on a
        # day still to come is not signed yet, and must not meet the condition.
        raise InvalidInput("conditions_form_signed_on", "the form is dated after today")
    unmet = unmet_conditions(facts)
    if unmet:
        raise ConditionsUnmet(unmet)
    assert signed_on is not None
    return PoliceCase(case_id, CaseStatus.OPEN, today, opened_by, signed_on)


def abort_case(case: PoliceCase, *, reason: str, by: str, today: date) -> PoliceCase:
    if case.status is not CaseStatus.OPEN:
        raise InvalidTransition(f"a police case that is {case.status.value} cannot be aborted")
    if not reason.strip():
        raise InvalidClosing("reason", "an abort needs its reason")
    return replace(
        case, status=CaseStatus.ABORTED, closed_on=today, closed_by=by, reason=reason.strip()
    )


def complete_case(
    case: PoliceCase, *, plan_carried_out: bool, relapse_since_opening: bool, by: str, today: date
) -> PoliceCase:
    if case.status is not CaseStatus.OPEN:
        raise InvalidTransition(f"a police case that is {case.status.value} cannot be completed")
    if not plan_carried_out:
        raise InvalidClosing("plan_carried_out", "a completed exit needs the plan carried out")
    if relapse_since_opening:
        raise InvalidClosing(
            "relapse", "a register check found a relapse since the case was opened"
        )
    return replace(case, status=CaseStatus.COMPLETED, closed_on=today, closed_by=by)
