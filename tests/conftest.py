"""Fixtures for the cross-service tests: real PostgreSQL, a real Kafka-protocol broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

try:
    from tests.fixtures.broker import kafka_broker  # noqa: F401 - a fixture
except ImportError:
    pass
from tests.fixtures.platform import RunningPlatform, platform_settings, start_platform
from tests.fixtures.postgres import CreateDatabases, create_pg_databases  # noqa: F401 - a fixture

MODES = [
    pytest.param("embedded", id="sqlite+inprocess"),
    pytest.param("distributed", id="postgres+kafka", marks=[pytest.mark.postgres, pytest.mark.kafka]),
]


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def platform(
    mode: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[RunningPlatform]:
    """All four services in the chosen mode, each with fresh storage (and a fresh broker)."""
    if mode == "embedded":
        settings = platform_settings(mode, var_dir=tmp_path)
    else:
        broker = request.getfixturevalue("kafka_broker")
        create: CreateDatabases = request.getfixturevalue("create_pg_databases")
        broker.restart()  # memory storage: a restart is an empty broker for this test
        settings = platform_settings(
            mode,
            var_dir=tmp_path,
            database_urls=await create(["intake", "threat", "social", "followup"]),
            bootstrap_servers=broker.bootstrap_servers,
        )
    async with start_platform(settings) as running_platform:
        yield running_platform


@pytest.fixture
async def embedded_platform(tmp_path: Path) -> AsyncIterator[RunningPlatform]:
    """The embedded mode only: for behaviour that does not depend on the infrastructure."""
    async with start_platform(platform_settings("embedded", var_dir=tmp_path)) as running_platform:
        yield running_platform
