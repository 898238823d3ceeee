"""No policy fault opens anything: errors, late, undefined and malformed answers withhold all."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pytest

from avhopp_shared.policy import (
    POLICY_UNAVAILABLE,
    UNDEFINED_IN_POLICY,
    PolicyError,
    RegorusEngine,
    UndefinedRule,
    action_allowed,
    decide_access,
    load_bundle,
)
from tests.fixtures.policy_cases import MALMO, POLICE, SOCIAL, decision_input

REQUESTED = ["case_ref", "identity", "health"]
ALL_UNAVAILABLE = dict.fromkeys(REQUESTED, POLICY_UNAVAILABLE)


class AnsweringEngine:
    """Answers every rule with one fixed value."""

    revision = "fixed"

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        return self.answer


class FailingEngine(AnsweringEngine):
    def __init__(self, error: BaseException) -> None:
        super().__init__(None)
        self.error = error

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        raise self.error


class SlowEngine(AnsweringEngine):
    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        time.sleep(0.05)
        return self.answer


class Panic(BaseException):
    """Stands in for regorus' PanicException, which derives from BaseException."""


GRANT = {"rule": "consent", "basis": "consent-1"}
MALFORMED = [
    "allowed",
    ["allowed"],
    {"allowed": {}},
    {"allowed": [], "withheld": {}},
    {"allowed": {"case_ref": "consent"}, "withheld": {}},
    {"allowed": {"case_ref": {"rule": 1, "basis": None}}, "withheld": {}},
    {"allowed": {"case_ref": {"rule": "consent", "basis": 7}}, "withheld": {}},
    {"allowed": {}, "withheld": {"health": False}},
]
FAULTS = [
    FailingEngine(PolicyError("engine down")),
    FailingEngine(UndefinedRule("data.avhopp.access.decision is undefined")),
    FailingEngine(RuntimeError("unexpected")),
    FailingEngine(Panic("unsendable")),
    *(AnsweringEngine(answer) for answer in MALFORMED),
]


@pytest.mark.parametrize("engine", FAULTS, ids=lambda engine: repr(engine.__dict__)[:60])
def test_a_policy_fault_withholds_every_requested_category(engine: AnsweringEngine) -> None:
    decision = decide_access(engine, decision_input(POLICE, REQUESTED), timeout_s=1.0)
    assert decision.allowed == {}
    assert decision.withheld == ALL_UNAVAILABLE
    assert decision.revision == "fixed"


def test_an_answer_after_the_timeout_withholds_everything() -> None:
    engine = SlowEngine({"allowed": {"case_ref": GRANT}, "withheld": {}})
    decision = decide_access(engine, decision_input(POLICE, REQUESTED), timeout_s=0.01)
    assert decision.withheld == ALL_UNAVAILABLE


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), SystemExit(1)])
def test_stopping_the_process_is_not_taken_for_a_policy_fault(stop: BaseException) -> None:
    with pytest.raises(type(stop)):
        decide_access(FailingEngine(stop), decision_input(POLICE, REQUESTED), timeout_s=1.0)


def test_a_category_the_policy_leaves_out_is_withheld_as_undefined() -> None:
    engine = AnsweringEngine({"allowed": {"case_ref": GRANT}, "withheld": {"health": "no"}})
    decision = decide_access(engine, decision_input(POLICE, REQUESTED), timeout_s=1.0)
    assert set(decision.allowed) == {"case_ref"}
    assert decision.withheld == {"identity": UNDEFINED_IN_POLICY, "health": "no"}


def test_only_requested_categories_are_reported_and_a_double_answer_is_withheld() -> None:
    answer = {
        "allowed": {"case_ref": GRANT, "identity": GRANT, "family": GRANT},
        "withheld": {"identity": "no consent", "finances": "not permitted for police"},
    }
    decision = decide_access(AnsweringEngine(answer), decision_input(POLICE, REQUESTED), 1.0)
    assert set(decision.allowed) == {"case_ref"}
    assert decision.withheld == {"identity": "no consent", "health": UNDEFINED_IN_POLICY}


def test_a_malformed_category_list_requests_nothing() -> None:
    policy_input = decision_input(POLICE, REQUESTED) | {"categories": "case_ref"}
    decision = decide_access(AnsweringEngine({"allowed": {}, "withheld": {}}), policy_input, 1.0)
    assert decision.allowed == {} and decision.withheld == {}


class CallerLike:
    def as_policy_input(self) -> dict[str, str | None]:
        return dict(SOCIAL)


def test_action_allowed_asks_the_action_policy() -> None:
    engine = RegorusEngine(load_bundle())
    lund = SOCIAL | {"organisation": "lund"}
    assert action_allowed(engine, SOCIAL, "consent.write", MALMO) is True
    assert action_allowed(engine, CallerLike(), "consent.write", MALMO) is True
    assert action_allowed(engine, lund, "consent.write", MALMO) is False
    assert action_allowed(engine, lund, "consent.write", None) is False
    assert action_allowed(engine, POLICE, "audit.read", None) is True
    assert action_allowed(engine, POLICE, "case.delete", None) is False


@pytest.mark.parametrize(
    "engine",
    [FailingEngine(PolicyError("down")), FailingEngine(Panic("x")), AnsweringEngine("true")],
    ids=["error", "panic", "not-a-boolean"],
)
def test_action_allowed_denies_on_any_fault(engine: AnsweringEngine) -> None:
    assert action_allowed(engine, SOCIAL, "consent.write", MALMO) is False
