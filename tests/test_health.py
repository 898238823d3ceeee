"""Liveness and readiness on every service, in both modes."""

from __future__ import annotations

import pytest

from avhopp_shared.policy import CachedEngine, PolicyError
from tests.fixtures.broker import TansuBroker
from tests.fixtures.platform import RunningPlatform

SERVICES = ["intake", "threat", "social", "followup"]


async def test_every_service_is_live_and_ready_when_database_and_bus_are_up(
    platform: RunningPlatform,
) -> None:
    for service in SERVICES:
        live = await platform.clients[service].get("/healthz")
        ready = await platform.clients[service].get("/readyz")
        assert live.json() == {"status": "ok", "service": service}
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": True, "bus": True, "policy": True}


@pytest.mark.parametrize("mode", ["distributed"], indirect=True)
async def test_a_service_is_not_ready_while_the_broker_is_down_but_stays_live(
    platform: RunningPlatform, kafka_broker: TansuBroker
) -> None:
    kafka_broker.stop()
    try:
        ready = await platform.clients["threat"].get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"] == {"database": True, "bus": False, "policy": True}
        assert (await platform.clients["threat"].get("/healthz")).status_code == 200
    finally:
        kafka_broker.start()
    assert (await platform.clients["threat"].get("/readyz")).status_code == 200


class _BrokenEngine:
    revision = "broken"

    def evaluate(self, rule: str, input: object) -> object:
        raise RuntimeError("engine down")


async def test_a_service_whose_policy_engine_fails_is_not_ready(
    embedded_platform: RunningPlatform,
) -> None:
    runtime = embedded_platform.runtime("intake")
    runtime.policy = _BrokenEngine()

    ready = await embedded_platform.clients["intake"].get("/readyz")

    assert ready.status_code == 503
    assert ready.json()["checks"]["policy"] is False


class _UnreachableEngine:
    """The same policies (same revision) as before, but the server no longer answers."""

    def __init__(self, revision: str) -> None:
        self.revision = revision

    def evaluate(self, rule: str, input: object) -> object:
        raise PolicyError(f"{rule}: OPA did not answer: ConnectionError")


async def test_readiness_notices_a_policy_engine_that_went_down_behind_the_cache(
    embedded_platform: RunningPlatform,
) -> None:
    client = embedded_platform.clients["intake"]
    assert (await client.get("/readyz")).status_code == 200
    policy = embedded_platform.runtime("intake").policy
    assert isinstance(policy, CachedEngine)
    working = policy.inner
    # The cache now holds the probe's answer under this revision; only its engine goes down.
    policy._inner = _UnreachableEngine(working.revision)
    try:
        ready = await client.get("/readyz")
    finally:
        policy._inner = working

    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": True, "bus": True, "policy": False}
