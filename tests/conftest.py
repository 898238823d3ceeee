"""Fixtures for the cross-service tests: real PostgreSQL, a real Kafka-protocol broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from avhopp_shared.events.registry import EVENT_TYPES
from avhopp_shared.events.topics import AUDIENCES, topic_for
from tests.fixtures.broker import TansuBroker
from tests.fixtures.platform import RunningPlatform, platform_settings, start_platform
from tests.fixtures.postgres import CreateDatabases

MODES = [
    pytest.param("embedded", id="sqlite+inprocess"),
    pytest.param(
        "distributed", id="postgres+kafka", marks=[pytest.mark.postgres, pytest.mark.kafka]
    ),
]
SERVICES = ["intake", "threat", "social", "followup"]
PARTITIONS = 6


def fresh_broker(broker: TansuBroker) -> TansuBroker:
    """An empty broker for one test (memory storage: a restart forgets everything).

    The topics are created before any client reconnects: Tansu would
    otherwise auto-create them with 4 partitions on the first metadata
    request, while a producer that lived through the restart still sends by 6.
    """
    broker.topics = {
        topic_for(event_type, audience): PARTITIONS
        for event_type in EVENT_TYPES
        for audience in AUDIENCES
    }
    broker.restart()
    return broker


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def distributed_infra(
    kafka_broker: TansuBroker, create_pg_databases: CreateDatabases
) -> tuple[TansuBroker, dict[str, str]]:
    """A fresh broker and one fresh database per service."""
    return fresh_broker(kafka_broker), create_pg_databases(SERVICES)


@pytest.fixture
async def platform(
    mode: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[RunningPlatform]:
    """All four services in the chosen mode, each with fresh storage."""
    if mode == "embedded":
        settings = platform_settings(mode, var_dir=tmp_path)
    else:
        broker, database_urls = request.getfixturevalue("distributed_infra")
        settings = platform_settings(
            mode,
            var_dir=tmp_path,
            database_urls=database_urls,
            bootstrap_servers=broker.bootstrap_servers,
            kafka_partitions=PARTITIONS,
        )
    async with start_platform(settings) as running_platform:
        yield running_platform


@pytest.fixture
async def embedded_platform(tmp_path: Path) -> AsyncIterator[RunningPlatform]:
    """The embedded mode only: for behaviour that does not depend on the infrastructure."""
    async with start_platform(platform_settings("embedded", var_dir=tmp_path)) as running_platform:
        yield running_platform
