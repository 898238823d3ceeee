"""Decisions on aid: reasons, periods and expiry (4 kap. 1 § SoL; 004 Del 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from avhopp_social.domain.aid_decision import AidType, InvalidDecision, Outcome, decide

TODAY = date(2026, 11, 20)
RECEIVED = date(2026, 11, 2)


def _decide(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "decision_id": "d-1",
        "case_id": "c-1",
        "aid_type": AidType.PROTECTED_HOUSING,
        "outcome": Outcome.GRANTED,
        "reasons": "A high threat: the person cannot stay at home",
        "valid_from": TODAY,
        "valid_to": date(2027, 2, 20),
        "decided_by": "caseworker-1",
        "decided_on": TODAY,
        "today": TODAY,
        "received_on": RECEIVED,
        "recorded_at": datetime(2026, 11, 20, 9, tzinfo=UTC),
    } | overrides
    return decide(**values)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reasons": " "}, "reasons"),
        ({"valid_to": date(2026, 11, 19)}, "valid_to"),
        ({"valid_from": None}, "valid_from"),
        ({"outcome": Outcome.REFUSED}, "valid_from"),
        ({"decided_on": date(2026, 11, 21)}, "decided_on"),
    ],
)
def test_a_decision_the_rules_refuse_names_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidDecision) as refused:
        _decide(**overrides)

    assert refused.value.field == field


def test_a_refusal_has_no_period_and_grants_nothing() -> None:
    refusal = _decide(outcome=Outcome.REFUSED, valid_from=None, valid_to=None)

    assert not refusal.grants_aid
    assert not refusal.expires_within(TODAY, 365)


def test_time_limited_aid_is_expiring_within_the_window_up_to_its_last_day() -> None:
    decision = _decide(valid_to=date(2026, 12, 20))

    assert not decision.expires_within(TODAY, 29)
    assert decision.expires_within(TODAY, 30)
    assert not decision.expires_within(date(2026, 12, 21), 30)  # already ended
    assert not _decide(valid_to=None).expires_within(TODAY, 365)  # not time-limited


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"decided_on": date(2026, 11, 1)}, ["decided_on"]),
        ({"valid_from": date(2026, 11, 1)}, ["valid_from"]),
        (
            {"decided_on": date(1, 1, 1), "valid_from": date(1, 1, 1), "valid_to": date(1, 2, 1)},
            ["decided_on", "valid_from"],
        ),
    ],
)
def test_a_decision_or_its_aid_dated_before_the_application_was_received_is_refused(
    overrides: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(InvalidDecision) as refused:
        _decide(**overrides)

    assert [field for field, _ in refused.value.problems] == fields
    assert "0001" not in str(refused.value) and "2026" not in str(refused.value)


def test_a_decision_on_the_day_the_application_was_received_is_accepted() -> None:
    decision = _decide(decided_on=RECEIVED, valid_from=RECEIVED)

    assert (decision.decided_on, decision.valid_from) == (RECEIVED, RECEIVED)


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"outcome": Outcome.REFUSED, "valid_from": None}, ["valid_to"]),
        ({"reasons": " ", "decided_on": date(2026, 11, 21)}, ["reasons", "decided_on"]),
        (
            {"valid_from": date(2026, 11, 1), "valid_to": date(2026, 10, 1)},
            ["valid_to", "valid_from"],
        ),
    ],
)
def test_a_decision_breaking_several_rules_names_each_field_at_fault_once(
    overrides: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(InvalidDecision) as refused:
        _decide(**overrides)

    assert [field for field, _ in refused.value.problems] == fields
