"""The decision cache: what it keys on, what it keeps, and what it never keeps."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import pytest

from avhopp_shared.policy import (
    POLICY_UNAVAILABLE,
    CachedEngine,
    PolicyError,
    RegorusEngine,
    decide_access,
    load_bundle,
)
from avhopp_shared.policy.access_decision import DECISION_RULE
from avhopp_shared.policy.cache import input_key
from tests.fixtures.policy_cases import (
    HEALTH_CLOSED,
    POLICE,
    POLICE_CONSENT,
    POLICE_READ,
    decision_input,
)

ENGINE = RegorusEngine(load_bundle())
GRANTED = {"allowed": {"case_ref": {"rule": "consent", "basis": "consent-1"}}, "withheld": {}}


class Counting:
    """Answers through the real engine, or as told; counts what it was asked."""

    def __init__(self, *answers: Any) -> None:
        self.calls = 0
        self.revision = ENGINE.revision
        self._answers = list(answers)

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        self.calls += 1
        if not self._answers:
            return ENGINE.evaluate(rule, input)
        answer = self._answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, float):
            time.sleep(answer)
            return GRANTED
        return answer


def police_read(**changes: Any) -> dict[str, Any]:
    return decision_input(POLICE, POLICE_READ, consents=[POLICE_CONSENT]) | changes


def test_a_hit_hands_out_the_stored_decision_with_an_id_of_its_own() -> None:
    inner = Counting()
    cached = CachedEngine(inner)
    first = decide_access(cached, police_read(), 1.0)
    second = decide_access(cached, police_read(), 1.0)
    assert inner.calls == 1
    # The very maps the first call parsed: a hit does no JSON work at all.
    assert second.allowed is first.allowed and second.withheld is first.withheld
    assert second.decision_id != first.decision_id
    assert len(second.decision_id) == 32 and int(second.decision_id, 16) >= 0
    assert second.revision == first.revision == ENGINE.revision


def test_no_caller_can_change_what_the_next_one_gets() -> None:
    cached = CachedEngine(Counting())
    first = decide_access(cached, police_read(), 1.0)
    with pytest.raises(TypeError):
        first.allowed["health"] = first.allowed["case_ref"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del first.withheld["health"]  # type: ignore[attr-defined]
    assert decide_access(cached, police_read(), 1.0).withheld == HEALTH_CLOSED


def test_a_given_key_stands_for_the_input_and_is_kept_apart_from_built_keys() -> None:
    inner = Counting()
    cached = CachedEngine(inner)
    policy_input = police_read()
    for _ in range(3):
        decide_access(cached, policy_input, 1.0, key=("case", "c-1", 7))
    assert inner.calls == 1
    # The same input without the key, and with its own built key given as a
    # key, are other entries: a given key never meets a built one.
    decide_access(cached, policy_input, 1.0)
    decide_access(cached, policy_input, 1.0, key=input_key(policy_input))
    assert inner.calls == 3
    assert len(cached) == 3


def test_a_new_policy_revision_misses_with_a_given_key_too() -> None:
    inner = Counting()
    cached = CachedEngine(inner)
    decide_access(cached, police_read(), 1.0, key="k")
    decide_access(cached, police_read(), 1.0)
    inner.revision = "next"
    second = decide_access(cached, police_read(), 1.0, key="k")
    decide_access(cached, police_read(), 1.0)
    assert inner.calls == 4
    assert second.revision == "next"


@pytest.mark.parametrize(
    ("fault", "timeout_s"),
    [
        (PolicyError("engine down"), 1.0),
        (RuntimeError("unexpected"), 1.0),
        ({"allowed": {}}, 1.0),  # malformed
        ({"allowed": {"case_ref": "consent"}, "withheld": {}}, 1.0),  # malformed
        (0.05, 0.01),  # late
    ],
    ids=["policy-error", "runtime-error", "no-withheld", "bad-grant", "late"],
)
def test_a_fault_is_never_kept_and_the_next_call_asks_again(fault: Any, timeout_s: float) -> None:
    inner = Counting(fault)
    cached = CachedEngine(inner)
    policy_input = decision_input(POLICE, ["case_ref"])
    failed = decide_access(cached, policy_input, timeout_s)
    assert failed.allowed == {} and failed.withheld == {"case_ref": POLICY_UNAVAILABLE}
    assert len(cached) == 0
    answered = decide_access(cached, policy_input, timeout_s=1.0)
    assert inner.calls == 2
    assert answered.withheld == {"case_ref": "no consent"}
    assert len(cached) == 1


def test_an_unreadable_input_is_never_kept() -> None:
    inner = Counting()
    cached = CachedEngine(inner)
    policy_input = police_read(team=None)
    for _ in range(2):
        decision = decide_access(cached, policy_input, 1.0)
        assert set(decision.withheld.values()) == {POLICY_UNAVAILABLE}
    assert inner.calls == 2
    assert len(cached) == 0


def test_an_input_that_is_not_json_withholds_everything_and_is_never_kept() -> None:
    inner = Counting()
    cached = CachedEngine(inner)
    for policy_input in [
        police_read(now=float("nan")),
        police_read(team={"a", "set"}),
        police_read(owner=object()),
    ]:
        decision = decide_access(cached, policy_input, 1.0)
        assert decision.allowed == {}
        assert set(decision.withheld.values()) == {POLICY_UNAVAILABLE}
    assert len(cached) == 0


def test_decisions_are_forgotten_least_recently_used_first() -> None:
    inner = Counting()
    cached = CachedEngine(inner, max_entries=2)
    inputs = [decision_input(POLICE, [category]) for category in ("health", "family", "finances")]
    for index in [0, 1, 0, 2, 0, 1]:
        decide_access(cached, inputs[index], 1.0)
    assert inner.calls == 4  # health, family, finances, then family again
    assert len(cached) == 2


class Text(StrEnum):
    PROTECTION = "protection"


def test_the_built_key_is_the_exact_input() -> None:
    base = police_read()
    assert input_key(base) == input_key(dict(reversed(base.items())))
    assert input_key(base) == input_key(police_read())
    different = [
        police_read(now=True),  # true is not 1
        police_read(now=1.0),
        police_read(team={}),  # an object is not a list
        police_read(categories=["identity", "case_ref", "health"]),
        police_read(case_id="c-2"),
        {**base, "extra": None},
    ]
    keys = {input_key(policy_input) for policy_input in [base, *different]}
    assert len(keys) == len(different) + 1
    # A list of StrEnum members (the gate's categories) is keyed as the engine
    # reads it: as its plain text.
    assert input_key(police_read(categories=[Text.PROTECTION])) == input_key(
        police_read(categories=["protection"])
    )
    # Anything else marshal cannot write is pickled: equal for equal inputs,
    # apart from plain strings.
    enum_keys = {input_key(police_read(purpose=Text.PROTECTION)) for _ in range(2)}
    assert len(enum_keys) == 1
    assert enum_keys != {input_key(base)}
    # What neither can write falls back to canonical JSON, which refuses it.
    with pytest.raises(PolicyError, match="not JSON"):
        input_key(police_read(purpose=lambda: "protection"))
    mixed_keys: dict[Any, Any] = {**base, 1: "a key that is no string"}
    with pytest.raises(PolicyError, match="not JSON"):
        input_key(mixed_keys)


def test_threads_share_the_cache_and_each_gets_its_own_answer() -> None:
    cached = CachedEngine(ENGINE, max_entries=8)
    inputs = [decision_input(POLICE, [category]) for category in ("health", "family", "case_ref")]
    inputs += [police_read(case_id=f"c-{index}") for index in range(12)]
    expected = [decide_access(ENGINE, policy_input, 5.0) for policy_input in inputs]
    errors: list[str] = []

    def run(offset: int) -> None:
        for step in range(150):
            index = (offset + step) % len(inputs)
            decision = decide_access(cached, inputs[index], 5.0)
            if (dict(decision.allowed), dict(decision.withheld)) != (
                dict(expected[index].allowed),
                dict(expected[index].withheld),
            ):
                errors.append(f"input {index}: {decision}")

    threads = [threading.Thread(target=run, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cached) <= 8


def test_other_rules_are_kept_as_values_no_caller_can_change() -> None:
    inner = Counting({"a": [1, 2]}, True)
    cached = CachedEngine(inner)
    first = cached.evaluate("data.x.y", {})
    first["a"].append(3)
    assert cached.evaluate("data.x.y", {}) == {"a": [1, 2]}
    assert cached.evaluate("data.x.z", {}) is True
    assert cached.evaluate("data.x.z", {}) is True
    assert inner.calls == 2


def test_the_decision_and_the_rule_value_of_one_input_are_kept_apart() -> None:
    inner = Counting()
    cached = CachedEngine(inner)
    policy_input = police_read()
    value = cached.evaluate(DECISION_RULE, policy_input)
    decision = decide_access(cached, policy_input, 1.0)
    assert isinstance(value, dict)
    assert set(decision.allowed) == set(value["allowed"])
    assert inner.calls == 2


def test_a_key_that_cannot_be_one_is_decided_uncached() -> None:
    inner = Counting()
    cached = CachedEngine(inner)
    for _ in range(2):
        decision = decide_access(cached, police_read(), 1.0, key=("case", ["a list"]))
        assert decision.withheld == HEALTH_CLOSED
    assert inner.calls == 2
    assert len(cached) == 0
