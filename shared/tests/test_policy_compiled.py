"""The compiled program (regorus ``Program`` on its ``Rvm``) decides exactly as the interpreter.

The platform's engine runs the disclosure and action decisions as a compiled
program because it is several times faster; the interpreter stays the
reference (the Rego tests run on it). Both engines answer here for every table
case of the Rego tests (with every caller of the fixtures, asking for every
category), the fixture cases, the whole matrix, every action, and hypothesis
inputs of the README's shape and of broken shapes: same raw answer, or a fault
in both, and the same ``decide_access`` outcome.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from avhopp_shared.policy import (
    POLICY_UNAVAILABLE,
    PolicyBundle,
    PolicyError,
    RegorusEngine,
    UndefinedRule,
    decide_access,
    default_policies_dir,
    load_bundle,
)
from avhopp_shared.policy.access_decision import ACTION_RULE, DECISION_RULE
from avhopp_shared.policy.bundle import TEST_SUFFIX
from avhopp_shared.policy.regorus_engine import COMPILED_RULES, build_engine
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.settings import ServiceSettings
from tests.fixtures.policy_cases import (
    DECISION_CASES,
    MATRIX,
    PARTS,
    SOCIAL,
    broken_inputs,
    consent,
    decision_input,
    matrix_inputs,
    part_alone_inputs,
    readme_inputs,
)

BUNDLE = load_bundle()
INTERPRETED = RegorusEngine(BUNDLE, compiled_rules=())
COMPILED = RegorusEngine(BUNDLE)
CATEGORIES = [*MATRIX, "shoe_size"]


def answer(engine: RegorusEngine, rule: str, policy_input: dict[str, Any]) -> Any:
    """The raw answer, or "fault" for any PolicyError (which decide_access treats alike)."""
    try:
        return engine.evaluate(rule, policy_input)
    except PolicyError:
        return "fault"


def outcome(engine: RegorusEngine, policy_input: dict[str, Any]) -> tuple[Any, Any]:
    decision = decide_access(engine, policy_input, timeout_s=10.0)
    return dict(decision.allowed), dict(decision.withheld)


def assert_same(policy_input: dict[str, Any]) -> None:
    assert answer(COMPILED, DECISION_RULE, policy_input) == answer(
        INTERPRETED, DECISION_RULE, policy_input
    ), policy_input
    assert outcome(COMPILED, policy_input) == outcome(INTERPRETED, policy_input), policy_input


def test_the_platform_engine_compiles_the_decisions_services_ask_for() -> None:
    assert COMPILED.compiled_rules == {DECISION_RULE, ACTION_RULE} == set(COMPILED_RULES)
    assert INTERPRETED.compiled_rules == frozenset()


def rego_table_inputs() -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, input) for every row of the Rego access tests' tables (``cases``,
    ``part_cases``, …), as every fixture caller unless the row names one, asking for
    every category and, where the row names its category, for that one alone (as the
    Rego test asks: a part without its whole, say)."""
    engine = build_engine(load_bundle(include_tests=True))
    engine.set_input_json("{}")

    def fixture(name: str) -> Any:
        return engine.eval_rule(f"data.avhopp.test.fixtures.{name}")

    base = fixture("base")
    callers = [fixture(name) for name in ("police", "social", "provider", "probation", "sis")]
    for path in sorted((default_policies_dir() / "access").glob(f"*{TEST_SUFFIX}")):
        text = path.read_text(encoding="utf-8")
        package = re.search(r"^package\s+([\w.]+)", text, re.MULTILINE)
        if package is None:
            continue
        for table in re.findall(r"^(\w*cases) :=", text, re.MULTILINE):
            for case in engine.eval_rule(f"data.{package.group(1)}.{table}"):
                given = case["given"]
                asked = [CATEGORIES, *([[case["category"]]] if "category" in case else [])]
                for caller in [given["caller"]] if "caller" in given else callers:
                    for categories in asked:
                        policy_input = {**base, **given, "caller": caller, "categories": categories}
                        name = f"{package.group(1)}: {case['name']} ({caller['agency']})"
                        yield name, policy_input


REGO_TABLE = list(rego_table_inputs())


def test_the_rego_tables_are_all_here() -> None:
    packages = {name.split(":")[0] for name, _ in REGO_TABLE}
    assert {
        "avhopp.access_test.break_glass",
        "avhopp.access_test.consent",
        "avhopp.access_test.decided",
        "avhopp.access_test.input",
        "avhopp.access_test.legal_basis",
        "avhopp.access_test.own",
        "avhopp.access_test.team",
    } <= packages
    assert len(REGO_TABLE) > 300


@pytest.mark.parametrize(
    "policy_input", [policy_input for _, policy_input in REGO_TABLE], ids=[n for n, _ in REGO_TABLE]
)
def test_compiled_and_interpreted_agree_on_every_rego_table_case(
    policy_input: dict[str, Any],
) -> None:
    assert_same(policy_input)


@pytest.mark.parametrize(("policy_input", "allowed", "withheld"), DECISION_CASES)
def test_compiled_and_interpreted_agree_on_the_fixture_cases(
    policy_input: dict[str, Any], allowed: Any, withheld: Any
) -> None:
    assert_same(policy_input)


def test_compiled_and_interpreted_agree_on_the_whole_matrix() -> None:
    inputs = matrix_inputs()
    assert len(inputs) == 60
    for policy_input in inputs:
        assert_same(policy_input)


def test_compiled_and_interpreted_agree_on_every_action() -> None:
    callers = [
        {"agency": agency, "organisation": organisation}
        for agency in ("police", "social", "provider", "probation", "sis", "customs")
        for organisation in ("malmo", "lund")
    ]
    owners: list[dict[str, Any] | None] = [
        None,
        {"agency": "social", "organisation": "malmo"},
        {"agency": "social", "organisation": None},
        {"agency": "social"},
    ]
    actions = [*BUNDLE.settings["actions"], "case.delete", "allow"]
    for action in actions:
        for caller in callers:
            for owner in owners:
                policy_input: dict[str, Any] = {"caller": caller, "action": action}
                if owner is not None:
                    policy_input["owner"] = owner
                compiled = answer(COMPILED, ACTION_RULE, policy_input)
                assert compiled == answer(INTERPRETED, ACTION_RULE, policy_input), policy_input
                assert isinstance(compiled, bool)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(readme_inputs())
def test_compiled_and_interpreted_agree_on_any_input_of_the_readme_shape(
    policy_input: dict[str, Any],
) -> None:
    assert_same(policy_input)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(part_alone_inputs())
def test_compiled_and_interpreted_agree_on_a_part_requested_without_its_whole(
    policy_input: dict[str, Any],
) -> None:
    assert_same(policy_input)


# policies/README.md, "Parts of a category": a grant listing the whole covers its parts,
# whether or not the whole is asked for too.
FOLLOWUP_CONSENT = consent(
    {"agency": "social", "organisation": "malmo"}, ["followup"], purposes=["investigation"]
)
PART_ALONE = {
    "alone": ["followup_detail"],
    "with-ref": ["followup_detail", "case_ref"],
    "with-whole": ["followup_detail", "followup"],
}


@pytest.mark.parametrize("categories", list(PART_ALONE.values()), ids=list(PART_ALONE))
def test_a_consent_to_followup_opens_another_agencys_followup_detail_to_social_services(
    categories: list[str],
) -> None:
    """The engine every service runs (compiled) opens the part as the interpreter does."""
    assert PARTS == {"followup_detail": "followup"}
    policy_input = decision_input(
        SOCIAL,
        categories,
        purpose="investigation",
        owner={"agency": "police", "organisation": None},
        consents=[FOLLOWUP_CONSENT],
    )
    decision = decide_access(policy_engine(ServiceSettings()), policy_input, timeout_s=10.0)
    assert decision.allowed["followup_detail"].rule == "consent", dict(decision.withheld)
    assert decision.allowed["followup_detail"].basis == "consent-1"
    assert_same(policy_input)


@pytest.mark.parametrize(
    "grant",
    [
        {"legal_bases": [{"id": "basis-1", "recipient": {"agency": "social", "organisation": None},
                          "categories": ["followup"], "valid_from": 0, "valid_to": None,
                          "granted_by": {"agency": "police", "organisation": None}}]},
        {"break_glass": [{"id": "glass-1", "agency": "social", "organisation": "malmo", "user": "u-3",
                          "categories": ["followup"], "valid_from": 0, "expires_at": 1_900_000_000}]},
    ],
    ids=["legal-basis", "break-glass"],
)  # fmt: skip
def test_a_grant_listing_the_whole_opens_its_part_asked_for_alone_in_both_engines(
    grant: dict[str, Any],
) -> None:
    policy_input = decision_input(
        SOCIAL, ["followup_detail"], owner={"agency": "police", "organisation": None}, **grant
    )
    for engine in (COMPILED, INTERPRETED):
        allowed, withheld = outcome(engine, policy_input)
        assert set(allowed) == {"followup_detail"}, withheld


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_inputs())
def test_compiled_and_interpreted_agree_on_broken_inputs(policy_input: dict[str, Any]) -> None:
    assert_same(policy_input)


def test_a_broken_entry_beside_a_valid_one_opens_nothing_in_either_engine() -> None:
    # The program reads a list that is not one as empty where the interpreter
    # stops; the policy's readable_input makes both decide nothing at all.
    consent = {
        "id": "consent-1",
        "status": "active",
        "recipients": [{"agency": "police", "organisation": None}],
        "categories": ["case_ref"],
        "purposes": ["protection"],
        "valid_from": 0,
        "valid_to": None,
    }
    policy_input = {
        "caller": {"agency": "police", "organisation": "polisen-syd", "user": "u-17"},
        "purpose": "protection",
        "owner": {"agency": "social", "organisation": "malmo"},
        "categories": ["case_ref"],
        "now": 1_795_000_000,
        "consents": [consent, {**consent, "id": "consent-0", "categories": None}],
        "disclosure_decisions": [],
        "team": [],
        "legal_bases": [],
        "break_glass": [],
    }
    for engine in (COMPILED, INTERPRETED):
        with pytest.raises(UndefinedRule):
            engine.evaluate(DECISION_RULE, policy_input)
        assert outcome(engine, policy_input) == ({}, {"case_ref": POLICY_UNAVAILABLE})


LEAKING = """package avhopp.access

import rego.v1

grants := {"case_ref": {"rule": "consent", "basis": "consent-1"}}

# The program binds a missing grant as a value instead of dropping the row.
decision := {"allowed": {category: grant |
	some category in input.categories
	grant := grants[category]
}, "withheld": {}}
"""


def test_an_answer_holding_an_undefined_value_is_no_answer() -> None:
    bundle = PolicyBundle(
        modules=(("access/leaking.rego", LEAKING),), settings={}, revision="leaking"
    )
    compiled = RegorusEngine(bundle, compiled_rules=[DECISION_RULE])
    interpreted = RegorusEngine(bundle, compiled_rules=())
    policy_input = {"categories": ["case_ref", "health"]}
    assert interpreted.evaluate(DECISION_RULE, policy_input) == {
        "allowed": {"case_ref": {"rule": "consent", "basis": "consent-1"}},
        "withheld": {},
    }
    with pytest.raises(UndefinedRule, match="undefined value"):
        compiled.evaluate(DECISION_RULE, policy_input)
    decision = decide_access(compiled, policy_input, timeout_s=1.0)
    assert decision.allowed == {}
    assert decision.withheld == {"case_ref": POLICY_UNAVAILABLE, "health": POLICY_UNAVAILABLE}


def test_a_rule_that_is_not_compiled_is_interpreted() -> None:
    assert COMPILED.evaluate("data.avhopp.access.column", {"caller": {"agency": "police"}}) == (
        INTERPRETED.evaluate("data.avhopp.access.column", {"caller": {"agency": "police"}})
    )
    with pytest.raises(UndefinedRule):
        COMPILED.evaluate("data.avhopp.access.column", {})


def test_policies_that_do_not_compile_fail_when_the_engine_is_built() -> None:
    bundle = PolicyBundle(
        modules=(("access/empty.rego", "package avhopp.access\n"),), settings={}, revision="x"
    )
    with pytest.raises(PolicyError, match="do not load"):
        RegorusEngine(bundle, compiled_rules=[DECISION_RULE])


def test_each_thread_runs_its_own_program() -> None:
    policy_input = matrix_inputs()[0]
    expected = COMPILED.evaluate(DECISION_RULE, policy_input)
    answers: list[Any] = []

    def evaluate() -> None:
        answers.extend(COMPILED.evaluate(DECISION_RULE, policy_input) for _ in range(5))

    threads = [threading.Thread(target=evaluate) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [expected] * 15
