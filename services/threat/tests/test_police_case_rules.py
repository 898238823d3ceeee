"""Opening, aborting and completing the police defector case (004 Del 2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from avhopp_threat.domain.police_case import (
    CaseStatus,
    Condition,
    ConditionsUnmet,
    InvalidClosing,
    InvalidTransition,
    OpeningFacts,
    abort_case,
    complete_case,
    open_case,
    unmet_conditions,
)
from avhopp_threat.domain.threat_assessment import ThreatLevel

TODAY = date(2026, 11, 20)
ALL_MET = OpeningFacts(
    current_level=ThreatLevel.HIGH,
    motivated=True,
    consent_active=True,
    conditions_form_signed_on=date(2026, 11, 18),
    witness=False,
    interventions_decided=True,
)


def test_a_case_opens_when_every_condition_holds() -> None:
    case = open_case("c-1", ALL_MET, opened_by="samordnare-1", today=TODAY, existing=None)

    assert case.status is CaseStatus.OPEN
    assert case.opened_on == TODAY


@pytest.mark.parametrize(
    ("change", "condition"),
    [
        ({"current_level": ThreatLevel.NONE}, Condition.MEETS_DEFINITION),
        ({"current_level": None}, Condition.MEETS_DEFINITION),
        ({"motivated": False}, Condition.MOTIVATED),
        ({"consent_active": False}, Condition.CONSENT),
        ({"conditions_form_signed_on": None}, Condition.CONDITIONS_FORM_SIGNED),
        ({"witness": True}, Condition.NOT_A_WITNESS),
        ({"interventions_decided": False}, Condition.SOCIAL_SERVICES_DECISION),
    ],
)
def test_each_unmet_condition_is_named(change: dict[str, object], condition: Condition) -> None:
    assert unmet_conditions(replace(ALL_MET, **change)) == [condition]  # type: ignore[arg-type]


def test_a_refusal_lists_exactly_the_unmet_conditions() -> None:
    facts = replace(ALL_MET, motivated=False, witness=True)

    with pytest.raises(ConditionsUnmet) as refused:
        open_case("c-1", facts, opened_by="s", today=TODAY, existing=None)

    assert refused.value.unmet == [Condition.MOTIVATED, Condition.NOT_A_WITNESS]


def test_an_open_case_cannot_be_opened_again_but_an_aborted_one_can() -> None:
    case = open_case("c-1", ALL_MET, opened_by="s", today=TODAY, existing=None)
    with pytest.raises(InvalidTransition):
        open_case("c-1", ALL_MET, opened_by="s", today=TODAY, existing=case)

    aborted = abort_case(case, reason="No longer motivated", by="s", today=TODAY)
    reopened = open_case("c-1", ALL_MET, opened_by="s", today=TODAY, existing=aborted)

    assert reopened.status is CaseStatus.OPEN


def test_an_abort_needs_a_reason_and_an_open_case() -> None:
    case = open_case("c-1", ALL_MET, opened_by="s", today=TODAY, existing=None)
    with pytest.raises(InvalidClosing):
        abort_case(case, reason=" ", by="s", today=TODAY)
    aborted = abort_case(case, reason="Conditions no longer met", by="s", today=TODAY)

    assert aborted.status is CaseStatus.ABORTED and aborted.reason == "Conditions no longer met"
    with pytest.raises(InvalidTransition):
        abort_case(aborted, reason="again", by="s", today=TODAY)


def test_a_completed_exit_needs_the_plan_carried_out_and_no_relapse() -> None:
    case = open_case("c-1", ALL_MET, opened_by="s", today=TODAY, existing=None)
    with pytest.raises(InvalidClosing) as not_done:
        complete_case(
            case, plan_carried_out=False, relapse_since_opening=False, by="s", today=TODAY
        )
    with pytest.raises(InvalidClosing) as relapsed:
        complete_case(case, plan_carried_out=True, relapse_since_opening=True, by="s", today=TODAY)
    completed = complete_case(
        case, plan_carried_out=True, relapse_since_opening=False, by="s", today=TODAY
    )

    assert (not_done.value.field, relapsed.value.field) == ("plan_carried_out", "relapse")
    assert completed.status is CaseStatus.COMPLETED
