"""Delivery under faults, distributed mode (PostgreSQL + a real Kafka-protocol broker).

The broker's storage is memory only, so "stop" loses its log and offsets.
The tests are shaped so that this does not matter for what they prove: the
events exist only in the outbox while the broker is down, and the consumers
have consumed nothing before it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from avhopp_intake.app import create_app as create_intake_app
from avhopp_intake.settings import IntakeSettings
from avhopp_shared.auth.local_issuer import DEMO_CLIENTS
from avhopp_shared.bus.kafka import KafkaBus
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.topics import topic_for
from avhopp_shared.security_wiring import local_issuer_for
from avhopp_shared.service_app import ServiceRuntime
from avhopp_shared.settings import ServiceSettings
from avhopp_threat.app import create_app as create_threat_app
from avhopp_threat.settings import ThreatSettings
from tests.conftest import PARTITIONS, SERVICES, fresh_broker
from tests.fixtures.broker import TansuBroker
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, platform_settings, start_platform, wait_until
from tests.fixtures.postgres import CreateDatabases

pytestmark = [pytest.mark.postgres, pytest.mark.kafka]

#: Where the police service (threat) reads applications: its agency's copy.
POLICE_CASE_TOPIC = topic_for(ApplicationReceived.event_type, "police")
UNPUBLISHED_APPLICATIONS = "WHERE published_at IS NULL AND event_type = 'case.application_received'"
CONSUMERS = {
    "threat": "threat_assessment_task",
    "social": "social_investigation",
    "followup": "followup_timeline",
}


@asynccontextmanager
async def distributed(
    broker: TansuBroker, create: CreateDatabases, tmp_path: Path, **overrides: Any
) -> AsyncIterator[tuple[RunningPlatform, Mapping[str, ServiceSettings]]]:
    fresh_broker(broker)
    settings = platform_settings(
        "distributed",
        var_dir=tmp_path,
        database_urls=create(SERVICES),
        bootstrap_servers=broker.bootstrap_servers,
        kafka_partitions=PARTITIONS,
        **overrides,
    )
    async with start_platform(settings) as platform:
        yield platform, settings


async def all_partitions_assigned(platform: RunningPlatform) -> bool:
    for service in CONSUMERS:
        runtime = platform.runtime(service)
        assert isinstance(runtime.bus, KafkaBus)
        if not runtime.bus.assignment(runtime.settings.consumer_group):
            return False
    return True


async def test_applications_made_while_the_broker_is_down_reach_every_consumer_exactly_once(
    kafka_broker: TansuBroker, create_pg_databases: CreateDatabases, tmp_path: Path
) -> None:
    async with distributed(kafka_broker, create_pg_databases, tmp_path) as (platform, _):
        assert await wait_until(partial(all_partitions_assigned, platform), timeout=60)
        intake = platform.runtime("intake")

        kafka_broker.stop()
        rng = random.Random(200)
        responses = [await platform.submit(application_body(rng)) for _ in range(200)]
        assert [r.status_code for r in responses] == [201] * 200
        case_ids = {r.json()["case_id"] for r in responses}
        # The outage costs delivery, not data: all 200 wait in the outbox.
        assert await count_events(intake, UNPUBLISHED_APPLICATIONS) == 200
        await asyncio.sleep(1)  # the relay keeps failing and backing off meanwhile
        assert await count_events(intake, UNPUBLISHED_APPLICATIONS) == 200

        kafka_broker.start()

        for service, table in CONSUMERS.items():
            runtime = platform.runtime(service)
            assert await wait_until(partial(_has_rows, runtime, table, 200), timeout=120), (
                f"{service} did not receive all 200 events"
            )
        assert await count_events(intake, "WHERE published_at IS NULL") == 0
        await asyncio.sleep(1)  # let any redelivery land before counting effects
        for service, table in CONSUMERS.items():
            runtime = platform.runtime(service)
            assert await count_rows(runtime, table) == 200, service
            assert (
                await count_rows(runtime, "inbox", "WHERE event_type = 'case.application_received'")
                == 200
            ), service
        social_cases = await platform.clients["social"].get(
            "/investigations", params={"limit": 200}
        )
        assert {i["case_id"] for i in social_cases.json()} == case_ids


async def _has_rows(runtime: ServiceRuntime, table: str, expected: int) -> bool:
    return bool(await count_rows(runtime, table) >= expected)


class ConsumerKilled(BaseException):
    """Ends the consumer like a crash: no ``except Exception`` stops it, nothing more is committed."""


async def committed_offsets(bootstrap_servers: str, group: str) -> dict[int, int]:
    """The group's committed offsets, read without joining it (this broker lacks the admin call)."""
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await reader.start()
    try:
        partitions = [TopicPartition(POLICE_CASE_TOPIC, p) for p in range(PARTITIONS)]
        offsets = {tp.partition: await reader.committed(tp) for tp in partitions}
    finally:
        await reader.stop()
    return {partition: offset for partition, offset in offsets.items() if offset is not None}


async def test_a_consumer_killed_between_its_effect_and_the_offset_commit_causes_no_duplicate(
    kafka_broker: TansuBroker, create_pg_databases: CreateDatabases, tmp_path: Path
) -> None:
    fresh_broker(kafka_broker)
    settings = platform_settings(
        "distributed",
        var_dir=tmp_path,
        database_urls=create_pg_databases(["intake", "threat"]),
        bootstrap_servers=kafka_broker.bootstrap_servers,
        kafka_partitions=PARTITIONS,
        # The killed member never leaves the group: a short session lets its
        # successor take the partitions over quickly.
        kafka_session_timeout_ms=1000,
        kafka_heartbeat_interval_ms=100,
    )
    group = settings["threat"].consumer_group
    intake_app = create_intake_app(cast(IntakeSettings, settings["intake"]))
    first_threat = create_threat_app(cast(ThreatSettings, settings["threat"]))

    async with intake_app.router.lifespan_context(intake_app):
        token = local_issuer_for(settings["intake"]).mint(DEMO_CLIENTS["social-malmo"])
        intake = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=intake_app),
            base_url="http://intake",
            headers={"Authorization": f"Bearer {token}"},
        )
        async with first_threat.router.lifespan_context(first_threat):
            threat = first_threat.state.runtime

            def crash_after_commit(envelope: EventEnvelope) -> None:
                # The consent event before it goes through; the application's
                # effect is the one whose offset commit never happens.
                if envelope.type == ApplicationReceived.event_type:
                    raise ConsumerKilled(envelope.id)

            threat.consumer.processed_listeners.append(crash_after_commit)
            response = await intake.post("/applications", json=application_body(random.Random(11)))
            assert response.status_code == 201
            assert await wait_until(partial(_has_rows, threat, "threat_assessment_task", 1))
            await asyncio.sleep(0.5)
            # The effect is committed, the offset is not: the crash came in
            # between. (The consent event before it, at offset 0 of the same
            # partition, is committed with its batch: here, with the crash, not.)
            committed = await committed_offsets(kafka_broker.bootstrap_servers, group)
            assert sum(committed.values()) <= 1

        second_threat = create_threat_app(cast(ThreatSettings, settings["threat"]))
        async with second_threat.router.lifespan_context(second_threat):
            successor = second_threat.state.runtime
            effects: list[str] = []
            successor.consumer.processed_listeners.append(lambda e: effects.append(e.id))

            async def redelivered_and_committed() -> bool:
                committed = await committed_offsets(kafka_broker.bootstrap_servers, group)
                return sum(committed.values()) == 2

            # The successor gets the uncommitted records again and commits them…
            assert await wait_until(redelivered_and_committed, timeout=60)
            # …without a second effect: the inbox knew the event.
            assert effects == []
            assert await count_rows(successor, "threat_assessment_task") == 1
            assert (
                await count_rows(
                    successor, "inbox", "WHERE event_type = 'case.application_received'"
                )
                == 1
            )
        await intake.aclose()
