"""Fixtures for the cross-service tests: real PostgreSQL, a real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from avhopp_shared.access.event_audiences import platform_audiences
from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.service_app import published_topics
from tests.fixtures.broker import TansuBroker
from tests.fixtures.platform import (
    RunningPlatform,
    embedded_definitions,
    platform_settings,
    start_platform,
)
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
    # The topics deploy/kafka/topics.yaml declares, as the services ensure them: one
    # more here would hide a service creating a topic no copy ever goes to.
    broker.topics = dict.fromkeys(published_topics(platform_audiences()), PARTITIONS)
    broker.restart()
    return broker


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def migrated_pg_databases(
    create_pg_databases: CreateDatabases, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """One database per service migrated to head, once per run: the template each
    distributed test's databases are copied from (``distributed_infra``)."""
    urls = create_pg_databases(SERVICES)
    definitions = embedded_definitions(tmp_path_factory.mktemp("pg-templates"))

    async def migrate() -> None:
        for name, url in urls.items():
            engine = create_engine(url)
            try:
                await upgrade_to_head(engine, definitions[name].migrations)
            finally:
                # PostgreSQL copies a template only while nobody is connected to it.
                await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, migrate()).result()
    return urls


@pytest.fixture
def distributed_infra(
    kafka_broker: TansuBroker,
    create_pg_databases: CreateDatabases,
    migrated_pg_databases: dict[str, str],
) -> tuple[TansuBroker, dict[str, str]]:
    """A fresh broker and one fresh database per service, already at head (its start
    still runs the migrations, and finds nothing to do)."""
    return fresh_broker(kafka_broker), create_pg_databases(SERVICES, migrated_pg_databases)


@pytest.fixture(scope="session")
def migrated_storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each service's SQLite database migrated to head, and the local issuer's key, made
    once per run by starting the embedded platform on an empty folder.

    A test's embedded platform starts on copies (``fresh_storage``): what it finds is
    exactly what its own start would have made, without running every service's
    migrations again (about half a second a test, hundreds of tests). Start-up itself
    still runs, migrations included, and finds the databases at head.
    """
    folder = tmp_path_factory.mktemp("migrated-storage")

    async def start_once() -> None:
        async with start_platform(platform_settings("embedded", var_dir=folder)):
            pass

    # In a thread of its own: no event loop of the suite's is running or touched.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, start_once()).result()
    return folder


def fresh_storage(migrated: Path, var_dir: Path) -> Path:
    """``var_dir`` holding copies of the migrated databases and the issuer's key."""
    for item in migrated.iterdir():
        if item.is_dir():
            shutil.copytree(item, var_dir / item.name, dirs_exist_ok=True)
        else:
            shutil.copy2(item, var_dir / item.name)
    return var_dir


@pytest.fixture
async def platform(
    mode: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[RunningPlatform]:
    """All four services in the chosen mode, each with fresh storage."""
    if mode == "embedded":
        migrated = request.getfixturevalue("migrated_storage")
        settings = platform_settings(mode, var_dir=fresh_storage(migrated, tmp_path))
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
async def embedded_platform(
    tmp_path: Path, migrated_storage: Path
) -> AsyncIterator[RunningPlatform]:
    """The embedded mode only: for behaviour that does not depend on the infrastructure."""
    settings = platform_settings("embedded", var_dir=fresh_storage(migrated_storage, tmp_path))
    async with start_platform(settings) as running_platform:
        yield running_platform


@pytest.fixture
async def sweeping_platform(tmp_path: Path) -> AsyncIterator[RunningPlatform]:
    """The embedded platform with its access sweeps (grants ended, grants started) every
    few tenths of a second."""
    settings = platform_settings("embedded", var_dir=tmp_path, access_expiry_sweep_seconds=0.3)
    async with start_platform(settings) as running:
        yield running
