"""The raw floor on the same broker: plain aiokafka, none of the platform around it.

``round_trips``   produce one record (acks=all, no idempotence) and wait until a
                  consumer — in a group, with the consumer settings the bus used —
                  has it; one after another.
``produce_burst`` one producer sends M records and gathers every acknowledgement.

Both use the very producer the bus builds (``KafkaBus._new_producer``:
acks="all", enable_idempotence=False, the bus's request timeout) and records
of the size of a real ``case.application_received`` envelope.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from avhopp_shared.bus.kafka import KafkaBus
from bench.stats import summarize

#: aiokafka consumer parameters that decide how soon a fetch returns; the bus
#: leaves them at aiokafka's defaults unless its consumer options set them.
FETCH_PARAMETERS = (
    "fetch_max_wait_ms",
    "fetch_min_bytes",
    "fetch_max_bytes",
    "max_partition_fetch_bytes",
)
#: The bus's consumer loop: ``getmany(timeout_ms=_POLL_SECONDS * 1000)``.
GETMANY_TIMEOUT_MS = 1000
ROUND_TRIP_TIMEOUT_SECONDS = 30.0
PROGRESS_EVERY = 250


def bus_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    """An aiokafka producer configured exactly as the bus configures its own (not started)."""
    return KafkaBus(bootstrap_servers, client_id)._new_producer()


def effective_consumer_settings(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options as given, plus the aiokafka defaults of the fetch parameters they leave out."""
    defaults = inspect.signature(AIOKafkaConsumer.__init__).parameters
    effective = dict(options)
    for name in FETCH_PARAMETERS:
        if name not in effective and name in defaults:
            effective[name] = defaults[name].default
    return effective


async def ensure_topic(bootstrap_servers: str, topic: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="bench-admin")
    await admin.start()
    try:
        # Error 36 (already exists) is fine: the topic is all we need.
        await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


async def round_trips(
    bootstrap_servers: str,
    *,
    topic: str,
    partitions: int,
    payload: bytes,
    count: int,
    warmup: int,
    consumer_options: Mapping[str, Any],
) -> dict[str, Any]:
    """Sequential produce → consume round trips; latency figures in ms."""
    await ensure_topic(bootstrap_servers, topic, partitions)
    producer = bus_producer(bootstrap_servers, "bench-floor")
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        client_id="bench-floor-consumer",
        group_id=f"bench.floor.{uuid.uuid4().hex[:6]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **consumer_options,
    )
    waiting: dict[bytes, asyncio.Future[float]] = {}
    loop = asyncio.get_running_loop()

    async def consume() -> None:
        # As the bus's consumer loop does, minus the handler and the commit.
        while True:
            batches = await consumer.getmany(timeout_ms=GETMANY_TIMEOUT_MS)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    future = waiting.get(record.key)
                    if future is not None and not future.done():
                        future.set_result(now)

    await producer.start()
    await consumer.start()
    task = asyncio.create_task(consume(), name="bench-floor-consumer")
    try:
        join_started = time.perf_counter()
        while len(consumer.assignment()) < partitions:
            if time.perf_counter() - join_started > 90:
                raise TimeoutError("the floor consumer got no partitions in 90 s")
            await asyncio.sleep(0.05)
        acks: list[float] = []
        totals: list[float] = []
        for index in range(warmup + count):
            if index > warmup and (index - warmup) % PROGRESS_EVERY == 0:
                print(
                    f"   floor: {index - warmup}/{count} round trips", file=sys.stderr, flush=True
                )
            key = str(uuid.uuid4()).encode()
            future: asyncio.Future[float] = loop.create_future()
            waiting[key] = future
            sent = time.perf_counter()
            ack = await producer.send(topic, value=payload, key=key)
            await ack
            acked = time.perf_counter()
            received = await asyncio.wait_for(future, ROUND_TRIP_TIMEOUT_SECONDS)
            del waiting[key]
            if index >= warmup:
                acks.append((acked - sent) * 1000)
                totals.append((received - sent) * 1000)
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await consumer.stop()
        await producer.stop()
    return {
        "round_trips": count,
        "warmup": warmup,
        "payload_bytes": len(payload),
        "latency_ms": summarize(totals),
        "produce_ack_ms": summarize(acks),
        "samples_ms": [round(value, 3) for value in totals],
    }


async def produce_burst(
    bootstrap_servers: str,
    *,
    topic: str,
    partitions: int,
    records: Sequence[tuple[str, bytes]],
) -> dict[str, Any]:
    """One producer sends every (key, value) and gathers the acknowledgements; events/s."""
    await ensure_topic(bootstrap_servers, topic, partitions)
    producer = bus_producer(bootstrap_servers, "bench-produce")
    await producer.start()
    try:
        # Warm-up: metadata for the topic and a connection that has carried data.
        warm = [await producer.send(topic, value=v, key=k.encode()) for k, v in records[:2000]]
        await asyncio.gather(*warm)
        started = time.perf_counter()
        futures = [await producer.send(topic, value=v, key=k.encode()) for k, v in records]
        await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    return {
        "records": len(records),
        "payload_bytes": len(records[0][1]) if records else 0,
        "elapsed_s": round(elapsed, 3),
        "events_per_s": round(len(records) / elapsed, 1),
    }
