"""The decision contract through ``decide_access`` with regorus, the cache, and threads."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from avhopp_shared.policy import (
    CachedEngine,
    PolicyError,
    RegorusEngine,
    decide_access,
    load_bundle,
)
from avhopp_shared.policy import regorus_engine as regorus_module
from avhopp_shared.policy.regorus_engine import build_engine, build_program
from tests.fixtures.policy_cases import (
    DECISION_CASES,
    HEALTH_CLOSED,
    POLICE,
    POLICE_CONSENT,
    POLICE_READ,
    as_contract,
    decision_input,
)


@pytest.fixture(scope="module")
def regorus_engine() -> RegorusEngine:
    return RegorusEngine(load_bundle())


@pytest.mark.parametrize(("policy_input", "allowed", "withheld"), DECISION_CASES)
def test_decide_access_answers_with_the_policy_decision(
    regorus_engine: RegorusEngine,
    policy_input: dict[str, Any],
    allowed: dict[str, Any],
    withheld: dict[str, str],
) -> None:
    decision = decide_access(regorus_engine, policy_input, timeout_s=1.0)
    assert as_contract(decision.allowed) == allowed
    assert decision.withheld == withheld
    assert decision.revision == regorus_engine.revision
    assert len(decision.decision_id) == 32
    assert int(decision.decision_id, 16) >= 0


def test_every_decision_gets_its_own_id(regorus_engine: RegorusEngine) -> None:
    policy_input = decision_input(POLICE, ["health"])
    ids = {decide_access(regorus_engine, policy_input, 1.0).decision_id for _ in range(3)}
    assert len(ids) == 3


class CountingEngine(RegorusEngine):
    """The real engine, counting its evaluations; its revision can be changed."""

    def __init__(self) -> None:
        super().__init__(load_bundle())
        self.calls = 0
        self.revision_override: str | None = None

    @property
    def revision(self) -> str:
        return self.revision_override or super().revision

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        self.calls += 1
        return super().evaluate(rule, input)


def test_the_cache_answers_a_repeated_decision_without_the_engine() -> None:
    inner = CountingEngine()
    cached = CachedEngine(inner)
    policy_input = decision_input(POLICE, POLICE_READ, consents=[POLICE_CONSENT])
    first = decide_access(cached, policy_input, 1.0)
    second = decide_access(cached, dict(reversed(policy_input.items())), 1.0)
    assert inner.calls == 1
    assert second.allowed == first.allowed
    assert second.withheld == first.withheld
    assert second.decision_id != first.decision_id


def test_a_new_policy_revision_misses_the_cache() -> None:
    inner = CountingEngine()
    cached = CachedEngine(inner)
    policy_input = decision_input(POLICE, ["health"])
    cached.evaluate("data.avhopp.access.decision", policy_input)
    inner.revision_override = "next"
    cached.evaluate("data.avhopp.access.decision", policy_input)
    assert inner.calls == 2
    assert cached.revision == "next"


def test_the_cache_forgets_the_least_recently_used_decision() -> None:
    inner = CountingEngine()
    cached = CachedEngine(inner, max_entries=2)
    inputs = [decision_input(POLICE, [category]) for category in ("health", "family", "finances")]
    for policy_input in [inputs[0], inputs[1], inputs[0], inputs[2], inputs[0], inputs[1]]:
        cached.evaluate("data.avhopp.access.decision", policy_input)
    assert inner.calls == 4  # health, family, finances, then family again
    assert len(cached) == 2


def test_changing_a_cached_answer_does_not_change_the_next_one() -> None:
    cached = CachedEngine(CountingEngine())
    policy_input = decision_input(POLICE, ["health"])
    cached.evaluate("data.avhopp.access.decision", policy_input)["withheld"].clear()
    assert cached.evaluate("data.avhopp.access.decision", policy_input)["withheld"] == HEALTH_CLOSED


def test_two_threads_evaluate_with_one_engine_each(regorus_engine: RegorusEngine) -> None:
    policy_input = decision_input(POLICE, POLICE_READ, consents=[POLICE_CONSENT])
    expected = regorus_engine.evaluate("data.avhopp.access.decision", policy_input)
    threads: set[int] = set()

    def evaluate(_: int) -> Any:
        threads.add(threading.get_ident())
        return regorus_engine.evaluate("data.avhopp.access.decision", policy_input)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(evaluate, range(40)))
    assert answers == [expected] * 40
    assert threading.get_ident() not in threads


@pytest.mark.parametrize("compiled", [False, True], ids=["interpreter", "compiled"])
def test_an_engine_used_outside_its_thread_is_a_policy_error(compiled: bool) -> None:
    # What the per-thread engines prevent: regorus panics (a BaseException) on
    # an engine or VM made elsewhere, and the adapter turns that into a PolicyError.
    # The foreign one is also dropped in its own thread, or regorus panics again.
    bundle = load_bundle()
    rule = "data.avhopp.actions.allow"
    foreign: list[Any] = []
    made, used = threading.Event(), threading.Event()

    def make_then_drop() -> None:
        foreign.append(build_program(bundle, [rule]) if compiled else build_engine(bundle))
        made.set()
        used.wait()
        foreign.clear()

    maker = threading.Thread(target=make_then_drop)
    maker.start()
    made.wait()
    message = ""
    try:
        engine = RegorusEngine(bundle, compiled_rules=[rule] if compiled else ())
        # This thread's objects of the engine, with the foreign one put in.
        objects = regorus_module._objects(engine._serial)
        attribute = "vm" if compiled else "engine"
        setattr(objects, attribute, foreign[0][1] if compiled else foreign[0])
        try:
            engine.evaluate(rule, {})
        except PolicyError as error:
            message = str(error)
        setattr(objects, attribute, None)
    finally:
        used.set()
        maker.join()
    assert "PanicException" in message


def test_an_engine_whose_last_reference_goes_on_another_thread_drops_nothing_there() -> None:
    # The garbage collector may free an engine on whichever thread it runs:
    # this thread's compiled program and VM must still be dropped here, never
    # there (regorus objects refuse to be dropped on another thread).
    bundle = load_bundle()
    rule = "data.avhopp.actions.allow"
    engine = RegorusEngine(bundle, compiled_rules=[rule])
    engine.evaluate(rule, {})
    serial = engine._serial
    refused: list[BaseException | None] = []
    gc.collect()  # earlier tests' garbage is freed before this test listens
    default_hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: refused.append(unraisable.exc_value)
    try:
        handed = [engine]
        del engine
        dropper = threading.Thread(target=handed.clear)
        dropper.start()
        dropper.join()
        # The next use of any engine on this thread drops the retired one's objects.
        RegorusEngine(bundle, compiled_rules=[rule]).evaluate(rule, {})
    finally:
        sys.unraisablehook = default_hook
    assert [error for error in refused if "unsendable" in str(error)] == []
    assert serial not in regorus_module._per_thread.held


def test_a_non_json_input_is_a_policy_error(regorus_engine: RegorusEngine) -> None:
    circular: dict[str, Any] = {}
    circular["self"] = circular
    inputs: list[dict[str, Any]] = [
        {"action": {"a", "set"}},
        {"now": float("nan")},
        {"now": float("inf")},
        {"at": b"bytes"},
        {"nested": [{"deeper": object()}]},
        circular,
    ]
    for policy_input in inputs:
        with pytest.raises(PolicyError, match="not JSON"):
            regorus_engine.evaluate("data.avhopp.actions.allow", policy_input)
        with pytest.raises(PolicyError, match="not JSON"):
            CachedEngine(regorus_engine).evaluate("data.avhopp.actions.allow", policy_input)
