"""The Kafka record as a CloudEvents structured-mode message, on a real broker (Tansu).

CloudEvents Kafka protocol binding §3: a receiver reads a record in structured
mode only when its ``content-type`` header starts with ``application/cloudevents``;
without it, it reads the record in binary mode and finds no ``ce_`` headers.
README, "Events": events use CloudEvents 1.0 in structured mode.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.access.event_audiences import EventAudiences, platform_audiences
from avhopp_shared.bus.kafka import KafkaBus
from avhopp_shared.db.engine import session_factory
from avhopp_shared.events.export import contract_files
from avhopp_shared.events.topics import topic_for
from avhopp_shared.messaging.relay import OutboxRelay
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.broker import TansuBroker
from tests.fixtures.events import application_received

PARTITIONS = 3


@pytest.fixture
async def kafka_bus(kafka_broker: TansuBroker) -> AsyncIterator[KafkaBus]:
    bus = KafkaBus(
        kafka_broker.bootstrap_servers,
        client_id=f"test.headers.{uuid.uuid4().hex[:8]}",
        partitions=PARTITIONS,
        publish_timeout_seconds=5.0,
        stop_grace_seconds=1.0,
    )
    await bus.start()
    yield bus
    await bus.stop()


async def _records_of(bootstrap: str, topic: str, key: str) -> list[ConsumerRecord[bytes, bytes]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        # The topic may already exist with another partition count (the
        # session's broker is shared): read every partition it has.
        partitions = [TopicPartition(topic, p) for p in await _partitions(consumer, topic)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        deadline = time.monotonic() + 20
        while not found and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            found += [r for rs in batches.values() for r in rs if r.key == key.encode()]
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    return found


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    deadline = time.monotonic() + 20
    while not (numbers := consumer.partitions_for_topic(topic)):
        if time.monotonic() > deadline:
            raise AssertionError(f"{topic} has no partitions")
        await consumer.topics()  # refreshes the metadata
        await asyncio.sleep(0.1)
    return set(numbers)


@pytest.mark.kafka
async def test_a_relayed_record_carries_the_cloudevents_structured_content_type_header(
    engine: AsyncEngine, kafka_broker: TansuBroker, kafka_bus: KafkaBus
) -> None:
    # A topic of this test's own on the session's shared broker: only the
    # social services' copy, whose topic no other test's relay writes to.
    case_id = f"c-{uuid.uuid4().hex[:12]}"
    social_only = EventAudiences(
        platform_audiences().engine, platform_catalogue(), audiences=["social"]
    )
    uow = UnitOfWork(
        session_factory(engine),
        source="/avhopp/test",
        acting_agency="social",
        audiences=social_only,
    )
    async with uow:
        uow.emit(application_received(case_id), case_id=case_id)
        await uow.commit()

    relay = OutboxRelay(engine, kafka_bus, name="headers")
    assert await relay.publish_pending() == 1

    topic = topic_for("case.application_received", "social")
    [record] = await _records_of(kafka_broker.bootstrap_servers, topic, case_id)
    assert json.loads(record.value)["subject"] == case_id
    headers = {name.lower(): value for name, value in record.headers}
    assert headers.get("content-type") == b"application/cloudevents+json; charset=UTF-8"


def test_the_asyncapi_messages_describe_the_content_type_header() -> None:
    document = json.loads(contract_files()["asyncapi.json"])
    schemas = document["components"]["schemas"]
    for name, message in document["components"]["messages"].items():
        reference = message.get("headers", {}).get("$ref", "#/components/schemas/")
        headers = schemas.get(reference.removeprefix("#/components/schemas/"), {})
        assert "content-type" in headers.get("required", []), name
        content_type = headers["properties"]["content-type"]
        assert content_type["const"] == "application/cloudevents+json; charset=UTF-8", name
        assert content_type.get("description"), name
