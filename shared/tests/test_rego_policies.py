"""Every ``test_*`` rule of the Rego test packages, one pytest case each, and their coverage.

There is no ``opa test`` here: regorus evaluates each rule, and a rule that is
false or undefined fails. Prints from the policies (a table case that failed,
with what it got) are gathered and shown in the failure message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from avhopp_shared.policy.bundle import TEST_SUFFIX, default_policies_dir, load_bundle
from avhopp_shared.policy.regorus_engine import build_engine

POLICIES = default_policies_dir()
PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)
MINIMUM_COVERAGE = 0.9


def rego_tests() -> Iterator[tuple[str, str]]:
    """(package, rule) of every test rule, in file order."""
    for path in sorted(POLICIES.rglob(f"*{TEST_SUFFIX}")):
        text = path.read_text(encoding="utf-8")
        package = PACKAGE.search(text)
        assert package is not None, f"{path} declares no package"
        for rule in dict.fromkeys(TEST_RULE.findall(text)):
            yield package.group(1), rule


REGO_TESTS = list(rego_tests())


def engine_with_tests(*, coverage: bool = False) -> Any:
    engine = build_engine(load_bundle(POLICIES, include_tests=True))
    engine.set_gather_prints(True)
    engine.set_enable_coverage(coverage)
    engine.set_input_json("{}")
    return engine


@pytest.fixture(scope="module")
def engine() -> Any:
    return engine_with_tests()


@pytest.mark.parametrize(
    ("package", "rule"), REGO_TESTS, ids=[f"{package}.{rule}" for package, rule in REGO_TESTS]
)
def test_rego_rule_holds(engine: Any, package: str, rule: str) -> None:
    engine.take_prints()
    result = engine.eval_rule(f"data.{package}.{rule}")
    prints = "\n".join(engine.take_prints())
    outcome = "undefined" if result is None else repr(result)
    assert result is True, f"data.{package}.{rule} is {outcome}\n{prints}"


def test_every_rego_test_file_holds_tests_and_every_policy_file_has_one_beside_it() -> None:
    packages = {package for package, _ in REGO_TESTS}
    assert len(REGO_TESTS) >= 30
    assert {"avhopp.access_test.consent", "avhopp.actions_test"} <= packages
    for path in sorted(POLICIES.rglob("*.rego")):
        if not path.name.endswith(TEST_SUFFIX):
            beside = path.with_name(path.name.removesuffix(".rego") + TEST_SUFFIX)
            assert beside.is_file(), f"{path.relative_to(POLICIES)} has no {beside.name}"


def metadata_blocks(text: str) -> Iterator[dict[str, Any]]:
    """The YAML of each ``# METADATA`` comment block."""
    for block in re.findall(r"^# METADATA\n((?:#.*\n)+)", text, re.MULTILINE):
        yield yaml.safe_load(re.sub(r"^# ?", "", block, flags=re.MULTILINE))


def test_every_policy_file_annotates_its_rules_with_a_title_and_description() -> None:
    for path in sorted(POLICIES.rglob("*.rego")):
        if path.name.endswith(TEST_SUFFIX):
            continue
        blocks = list(metadata_blocks(path.read_text(encoding="utf-8")))
        assert blocks, f"{path.relative_to(POLICIES)} has no METADATA"
        for block in blocks:
            assert isinstance(block, dict), f"{path.relative_to(POLICIES)}: {block!r}"
            assert block.get("title") and block.get("description"), f"{path.name}: {block}"


def coverage_by_file(engine: Any) -> dict[str, tuple[int, int]]:
    """Policy file (tests left out) → (rule lines covered, rule lines)."""
    report = json.loads(engine.get_coverage_report_as_json())
    figures = {}
    for entry in report["files"]:
        name = Path(entry["path"]).as_posix()
        if not name.endswith(TEST_SUFFIX):
            covered = len(entry["covered"])
            figures[name] = (covered, covered + len(entry["not_covered"]))
    return figures


def test_the_rego_tests_cover_every_policy_file(capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_with_tests(coverage=True)
    for package, rule in REGO_TESTS:
        engine.eval_rule(f"data.{package}.{rule}")
    figures = coverage_by_file(engine)
    policy_files = {
        path.relative_to(POLICIES).as_posix()
        for path in POLICIES.rglob("*.rego")
        if not path.name.endswith(TEST_SUFFIX)
    }
    covered = sum(done for done, _ in figures.values())
    total = sum(lines for _, lines in figures.values())
    summary = "\n".join(
        [f"  {name:28} {done:3}/{lines:3}" for name, (done, lines) in sorted(figures.items())]
        + [f"  {'total':28} {covered:3}/{total:3} ({covered / max(total, 1):.0%})"]
    )
    with capsys.disabled():
        print(f"\nRego rule coverage (lines covered / rule lines):\n{summary}")
    assert set(figures) == policy_files, summary
    assert all(done > 0 for done, _ in figures.values()), summary
    assert covered / total >= MINIMUM_COVERAGE, summary
