"""The OPA adapter, against an OPA-Data-API-compatible test server (no OPA binary runs here).

The server evaluates with the same regorus engine, so every decision must match
regorus exactly; what is under test is the Data API round trip and failing
closed when the server is gone or slow.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from avhopp_shared.policy import (
    POLICY_UNAVAILABLE,
    OpaEngine,
    PolicyError,
    RegorusEngine,
    UndefinedRule,
    action_allowed,
    decide_access,
    load_bundle,
)
from avhopp_shared.policy.bundle import default_policies_dir
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.settings import ServiceSettings
from tests.fixtures.opa_server import OpaTestServer
from tests.fixtures.policy_cases import (
    DECISION_CASES,
    MALMO,
    POLICE,
    POLICE_READ,
    SOCIAL,
    as_contract,
    decision_input,
)

DECISION = "data.avhopp.access.decision"


@pytest.fixture(scope="module")
def regorus_engine() -> RegorusEngine:
    return RegorusEngine(load_bundle())


@pytest.fixture(scope="module")
def opa_server(regorus_engine: RegorusEngine) -> Iterator[OpaTestServer]:
    with OpaTestServer(regorus_engine) as server:
        yield server


@pytest.fixture
def opa(opa_server: OpaTestServer) -> Iterator[OpaEngine]:
    engine = OpaEngine(opa_server.url, timeout=2.0)
    yield engine
    engine.close()


def test_the_test_server_reports_healthy(opa_server: OpaTestServer) -> None:
    assert httpx.get(f"{opa_server.url}/health").status_code == 200


@pytest.mark.parametrize(("policy_input", "allowed", "withheld"), DECISION_CASES)
def test_opa_decides_as_regorus_does(
    opa: OpaEngine,
    regorus_engine: RegorusEngine,
    policy_input: dict[str, Any],
    allowed: dict[str, Any],
    withheld: dict[str, str],
) -> None:
    through_opa = decide_access(opa, policy_input, timeout_s=2.0)
    in_process = decide_access(regorus_engine, policy_input, timeout_s=2.0)
    assert as_contract(through_opa.allowed) == as_contract(in_process.allowed) == allowed
    assert through_opa.withheld == in_process.withheld == withheld


def test_opa_answers_the_action_policy(opa: OpaEngine) -> None:
    assert action_allowed(opa, SOCIAL, "consent.write", MALMO) is True
    assert action_allowed(opa, POLICE, "consent.write", MALMO) is False


def test_an_undefined_result_is_an_undefined_rule(opa: OpaEngine) -> None:
    # Without a caller there is no matrix column: the rule has no value.
    with pytest.raises(UndefinedRule):
        opa.evaluate("data.avhopp.access.column", {})


def test_a_server_error_is_a_policy_error(opa: OpaEngine) -> None:
    with pytest.raises(PolicyError, match="OPA did not answer"):
        opa.evaluate("data.avhopp.access.no_such_rule", {})


def test_opa_engines_serve_several_threads(opa: OpaEngine, regorus_engine: RegorusEngine) -> None:
    policy_input = decision_input(POLICE, POLICE_READ)
    expected = regorus_engine.evaluate(DECISION, policy_input)
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda _: opa.evaluate(DECISION, policy_input), range(9)))
    assert answers == [expected] * 9


def test_a_stopped_server_fails_closed_at_once(regorus_engine: RegorusEngine) -> None:
    server = OpaTestServer(regorus_engine).start()
    engine = OpaEngine(server.url, timeout=2.0)
    assert action_allowed(engine, SOCIAL, "consent.write", MALMO) is True
    server.stop()
    started = time.monotonic()
    decision = decide_access(engine, decision_input(POLICE, POLICE_READ), timeout_s=2.0)
    assert decision.allowed == {}
    assert decision.withheld == dict.fromkeys(POLICE_READ, POLICY_UNAVAILABLE)
    assert action_allowed(engine, SOCIAL, "consent.write", MALMO) is False
    assert time.monotonic() - started < 1.0
    engine.close()


def test_a_slow_server_fails_closed_after_the_http_timeout(opa_server: OpaTestServer) -> None:
    engine = OpaEngine(opa_server.url, timeout=0.2)
    opa_server.delay_s = 0.5
    try:
        started = time.monotonic()
        decision = decide_access(engine, decision_input(POLICE, ["health"]), timeout_s=2.0)
        elapsed = time.monotonic() - started
    finally:
        opa_server.delay_s = 0.0
        engine.close()
    assert decision.withheld == {"health": POLICY_UNAVAILABLE}
    assert elapsed < 0.45


@pytest.mark.parametrize("url", ["opa:8181", "ftp://opa:8181", "http://"])
def test_an_url_that_is_no_http_server_is_refused(url: str) -> None:
    with pytest.raises(PolicyError, match="not an OPA server URL"):
        OpaEngine(url)


def test_the_opa_engine_is_keyed_by_the_revision_of_the_policies_it_runs(tmp_path: Path) -> None:
    # A deployment of new policies restarts OPA and the services with them: the
    # decision cache and the audit trail must then name the new revision, never
    # answer from decisions made under the old policies.
    def revision(policies: Path) -> str:
        settings = ServiceSettings(
            policy_engine="opa", opa_url="http://127.0.0.1:9", policies_dir=policies
        )
        return str(policy_engine(settings).revision)

    changed = tmp_path / "policies"
    shutil.copytree(default_policies_dir(), changed)
    own = changed / "access" / "own.rego"
    own.write_text(own.read_text() + "\n# a changed policy\n")

    shipped = revision(default_policies_dir())

    assert shipped == f"opa:{load_bundle(default_policies_dir()).revision}"
    assert revision(changed) not in (shipped, "")
