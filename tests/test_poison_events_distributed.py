"""Poison records on the scaled-out platform (PostgreSQL + a real Kafka-protocol broker).

A record on a partition is handled before everything behind it. One that can
never succeed would hold back every event after it on that partition, for
every consuming service. Here a poison record sits at the head of every
partition of the case topic; a genuine application made afterwards must still
reach social services.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.topics import AUDIENCES, topic_for
from avhopp_shared.messaging.inbox import DATA_FAULT_ATTEMPTS
from avhopp_shared.service_app import ServiceRuntime
from tests.conftest import PARTITIONS
from tests.fixtures.broker import TansuBroker
from tests.fixtures.database import count_rows
from tests.fixtures.events import application_envelope
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.fixtures.postgres import CreateDatabases
from tests.test_event_delivery_faults import CONSUMERS, all_partitions_assigned, distributed

pytestmark = [pytest.mark.postgres, pytest.mark.kafka]


async def poison_every_partition(
    broker: TansuBroker, poison: Callable[[int], EventEnvelope]
) -> list[EventEnvelope]:
    """``poison(partition)`` at the head of each partition of every agency's case topic."""
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all")
    await producer.start()
    sent = []
    try:
        for partition in range(PARTITIONS):
            envelope = poison(partition)
            for audience in AUDIENCES:
                await producer.send_and_wait(
                    topic_for(envelope.type, audience),
                    envelope.to_json_bytes(),
                    key=b"poison",
                    partition=partition,
                )
            sent.append(envelope)
    finally:
        await producer.stop()
    return sent


async def a_genuine_application_reaches_social(platform: RunningPlatform) -> bool:
    response = await platform.submit(application_body(random.Random(7)))
    assert response.status_code == 201
    case_id = response.json()["case_id"]

    async def reached() -> bool:
        answer = await platform.clients["social"].get(f"/cases/{case_id}/investigation")
        return answer.status_code == 200

    return await wait_until(reached, timeout=30)


async def test_a_record_with_an_event_id_too_long_for_the_inbox_holds_back_no_application(
    kafka_broker: TansuBroker,
    create_pg_databases: CreateDatabases,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="avhopp.bus.kafka")
    async with distributed(kafka_broker, create_pg_databases, tmp_path) as (platform, _):
        assert await wait_until(partial(all_partitions_assigned, platform), timeout=60)

        def too_long_id(partition: int) -> EventEnvelope:
            envelope = application_envelope(f"poison-{partition}")
            return envelope.model_copy(update={"id": "evt-" + "x" * 40})

        await poison_every_partition(kafka_broker, too_long_id)

        assert await a_genuine_application_reaches_social(platform)
        skipped = [
            m for m in (r.getMessage() for r in caplog.records) if "not an event envelope" in m
        ]
        # Each consuming service skipped each partition's record, naming where it lies.
        for service in CONSUMERS:
            group = platform.settings[service].consumer_group
            topic = topic_for(
                ApplicationReceived.event_type, platform.runtime(service).owner_agency
            )
            for partition in range(PARTITIONS):
                place = f"group={group} topic={topic} partition={partition} offset="
                assert any(place in m for m in skipped), place


async def test_an_application_postgresql_refuses_as_data_is_set_aside_in_each_service_and_holds_back_no_other(
    kafka_broker: TansuBroker,
    create_pg_databases: CreateDatabases,
    tmp_path: Path,
) -> None:
    async with distributed(kafka_broker, create_pg_databases, tmp_path) as (platform, _):
        assert await wait_until(partial(all_partitions_assigned, platform), timeout=60)

        def nul_in_case_id(partition: int) -> EventEnvelope:
            # A valid envelope and payload; PostgreSQL cannot store NUL in text.
            return application_envelope(f"poison-{partition}\x00")

        poisons = await poison_every_partition(kafka_broker, nul_in_case_id)

        assert await a_genuine_application_reaches_social(platform)
        for service in CONSUMERS:
            runtime = platform.runtime(service)
            assert await wait_until(partial(_all_set_aside, runtime), timeout=30), service
            letters = await count_rows(
                runtime,
                "inbox_dead_letter",
                f"WHERE attempts = {DATA_FAULT_ATTEMPTS} AND consumer = "
                f"'{runtime.settings.consumer_group}' "
                f"AND event_type = '{ApplicationReceived.event_type}'",
            )
            assert letters == PARTITIONS, service
            poison_ids = "', '".join(p.id for p in poisons)
            assert await count_rows(runtime, "inbox", f"WHERE event_id IN ('{poison_ids}')") == 0, (
                service
            )


async def _all_set_aside(runtime: ServiceRuntime) -> bool:
    return await count_rows(runtime, "inbox_dead_letter") >= PARTITIONS


async def test_a_copy_missing_a_field_it_does_not_say_was_withheld_is_set_aside_at_once_in_each_service_and_holds_back_no_application(
    kafka_broker: TansuBroker,
    create_pg_databases: CreateDatabases,
    tmp_path: Path,
) -> None:
    async with distributed(kafka_broker, create_pg_databases, tmp_path) as (platform, _):
        assert await wait_until(partial(all_partitions_assigned, platform), timeout=60)

        def missing_a_field(partition: int) -> EventEnvelope:
            # The application withheld, and the age (not withheld) missing as well:
            # no consumer can read it, on any delivery.
            whole = application_envelope(f"poison-{partition}")
            data = {k: v for k, v in whole.data.items() if k != "applicant_under_18"}
            return whole.model_copy(update={"withheld": "application", "data": data})

        poisons = await poison_every_partition(kafka_broker, missing_a_field)

        assert await a_genuine_application_reaches_social(platform)
        for service in CONSUMERS:
            runtime = platform.runtime(service)
            assert await wait_until(partial(_all_set_aside, runtime), timeout=30), service
            letters = await count_rows(
                runtime,
                "inbox_dead_letter",
                f"WHERE attempts = 1 AND consumer = '{runtime.settings.consumer_group}' "
                "AND error LIKE '%applicant_under_18 is missing%'",
            )
            assert letters == PARTITIONS, service
            poison_ids = "', '".join(p.id for p in poisons)
            assert await count_rows(runtime, "inbox", f"WHERE event_id IN ('{poison_ids}')") == 0, (
                service
            )
