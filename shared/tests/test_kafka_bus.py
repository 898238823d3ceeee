"""KafkaBus against a real Kafka-protocol broker (Tansu, memory storage); no mocks.

Every test uses its own topics and consumer groups, so the session's broker is
shared. Tests that stop the broker start it again before they end. Group
timeouts are short (see FAST_GROUPS). The whole module runs in about 16 s.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any

import pytest
from aiokafka.partitioner import DefaultPartitioner

from avhopp_shared.bus import kafka_consumer
from avhopp_shared.bus.base import BusUnavailable, OutboundRecord
from avhopp_shared.bus.kafka import KafkaBus
from avhopp_shared.events.envelope import EventEnvelope
from tests.fixtures.broker import TansuBroker

pytestmark = pytest.mark.kafka

# On Tansu a new group's first join waits about ceil(session timeout / 2) s, and
# a member that never left (generation 0 members send no LeaveGroup on stop)
# holds its partitions until its session expires: keep the session short.
FAST_GROUPS: dict[str, Any] = {
    "session_timeout_ms": 1_000,
    "heartbeat_interval_ms": 100,
    "rebalance_timeout_ms": 1_000,
    "metadata_max_age_ms": 1_000,
    "request_timeout_ms": 5_000,
}
PARTITIONS = 6


def unique(prefix: str) -> str:
    return f"test.{prefix}.{uuid.uuid4().hex[:8]}"


def event(case_id: str, n: int) -> EventEnvelope:
    return EventEnvelope(
        source="/avhopp/tests",
        type="test.happened",
        subject=case_id,
        schema_version=1,
        acting_agency="agency-test",
        data={"n": n},
    )


def record(topic: str, envelope: EventEnvelope) -> OutboundRecord:
    return OutboundRecord(
        topic=topic,
        key=envelope.subject,
        value=envelope.to_json_bytes(),
        headers=(("content-type", b"application/cloudevents+json"),),
    )


class Seen:
    """A handler that remembers what it was given."""

    def __init__(self) -> None:
        self.envelopes: list[EventEnvelope] = []

    async def __call__(self, envelope: EventEnvelope) -> None:
        self.envelopes.append(envelope)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.envelopes]


async def eventually(check: Callable[[], bool], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:.0f} s waiting until {what}")
        await asyncio.sleep(0.05)


async def publish_eventually(
    bus: KafkaBus, records: Sequence[OutboundRecord], within: float = 20.0
) -> int:
    """Publish like the outbox relay does: retry on BusUnavailable. Returns the failures."""
    deadline = time.monotonic() + within
    failures = 0
    while True:
        try:
            await bus.publish(records)
            return failures
        except BusUnavailable:
            failures += 1
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


MakeBus = Callable[..., KafkaBus]


async def only_a_later_marker_arrives(make_bus: MakeBus, topic: str, group: str, key: str) -> None:
    """A new member of the group gets a marker published now, and nothing committed before it."""
    again = Seen()
    restarted = make_bus(topics=[topic])
    restarted.subscribe(group, [topic], again)
    await restarted.start()
    marker = event(key, 99)
    await restarted.publish([record(topic, marker)])
    await eventually(lambda: marker.id in again.ids, "the marker arrived")
    assert again.ids == [marker.id]


@pytest.fixture
async def make_bus(kafka_broker: TansuBroker) -> AsyncIterator[MakeBus]:
    buses: list[KafkaBus] = []

    def make(**options: Any) -> KafkaBus:
        settings: dict[str, Any] = {
            "client_id": unique("client"),
            "partitions": PARTITIONS,
            "consumer_options": FAST_GROUPS,
            "backoff_max_seconds": 1.0,
            "publish_timeout_seconds": 2.0,
            "stop_grace_seconds": 1.0,
        }
        settings.update(options)
        bus = KafkaBus(kafka_broker.bootstrap_servers, **settings)
        buses.append(bus)
        return bus

    yield make
    for bus in buses:
        await bus.stop()


@pytest.fixture
def broker_outage(kafka_broker: TansuBroker) -> Iterator[Callable[[], Awaitable[None]]]:
    """Stops the broker when called; the broker runs again after the test in any case."""

    async def stop() -> None:
        kafka_broker.stop()

    yield stop
    if not kafka_broker.running:
        kafka_broker.start()


async def test_published_records_reach_every_group_and_a_keys_records_arrive_in_publish_order(
    make_bus: MakeBus,
) -> None:
    topic = unique("fanout")
    first, second = Seen(), Seen()
    bus = make_bus(topics=[topic])
    bus.subscribe(unique("group-a"), [topic], first)
    bus.subscribe(unique("group-b"), [topic], second)
    await bus.start()

    published = [event(f"case-{i % 4}", i) for i in range(40)]
    await bus.publish([record(topic, e) for e in published])

    await eventually(
        lambda: len(first.envelopes) >= 40 and len(second.envelopes) >= 40,
        "both groups have every record",
    )
    by_id = {e.id: e for e in published}
    for seen in (first, second):
        assert sorted(seen.ids) == sorted(by_id)
        assert all(by_id[e.id] == e for e in seen.envelopes)
        for case in {e.subject for e in published}:
            order = [e.data["n"] for e in seen.envelopes if e.subject == case]
            assert order == sorted(order), f"{case} arrived out of order: {order}"


async def test_a_record_whose_handler_raised_is_delivered_again_and_committed_once_it_succeeded(
    make_bus: MakeBus,
) -> None:
    topic, group = unique("retry"), unique("group")
    attempts: list[str] = []

    async def fails_once(envelope: EventEnvelope) -> None:
        attempts.append(envelope.id)
        if len(attempts) == 1:
            raise RuntimeError("the database said no")

    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], fails_once)
    await bus.start()
    original = event("case-1", 1)
    await bus.publish([record(topic, original)])
    await eventually(lambda: len(attempts) >= 2, "the handler saw the record twice")
    assert attempts == [original.id, original.id]
    await bus.stop()

    # A new consumer of the group starts after the commit: a marker with the
    # same key (same partition, later offset) arrives, the original does not.
    await only_a_later_marker_arrives(make_bus, topic, group, "case-1")
    assert attempts == [original.id, original.id]


async def test_the_records_before_a_failing_one_are_committed_and_not_handled_again(
    make_bus: MakeBus,
) -> None:
    topic, group = unique("partial"), unique("group")
    first, second = event("case-3", 1), event("case-3", 2)
    seen: list[str] = []

    async def second_fails_once(envelope: EventEnvelope) -> None:
        seen.append(envelope.id)
        if envelope.id == second.id and seen.count(second.id) == 1:
            raise RuntimeError("the database said no")

    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], second_fails_once)
    await bus.start()
    # One publish, one key: both records reach the consumer in one batch.
    await bus.publish([record(topic, first), record(topic, second)])
    await eventually(lambda: seen.count(second.id) >= 2, "the failed record came again")
    assert seen == [first.id, second.id, second.id]
    await bus.stop()

    # Both offsets are committed: the group's next member starts after them.
    await only_a_later_marker_arrives(make_bus, topic, group, "case-3")
    assert seen == [first.id, second.id, second.id]


class TakesBatches:
    """A handler that also takes batches: each batch fails while ``fail_batches``; the
    record numbered ``fail_once`` fails the first time it is handled alone."""

    def __init__(self, *, fail_batches: bool, fail_once: int | None = None) -> None:
        self.fail_batches = fail_batches
        self.fail_once = fail_once
        self.batches: list[list[str]] = []
        self.alone: list[str] = []

    async def __call__(self, envelope: EventEnvelope) -> None:
        self.alone.append(envelope.id)
        if envelope.data["n"] == self.fail_once and self.alone.count(envelope.id) == 1:
            raise RuntimeError("the database said no")

    async def handle_batch(self, envelopes: Sequence[EventEnvelope]) -> None:
        self.batches.append([e.id for e in envelopes])
        if self.fail_batches:
            raise RuntimeError("one of them was processed before")


async def published_to_a_batch_handler(
    make_bus: MakeBus, handler: TakesBatches, key: str, count: int
) -> tuple[KafkaBus, str, str, list[EventEnvelope]]:
    """``count`` records with one key, in one publish (so in one fetch), to a new group."""
    topic, group = unique("batch"), unique("group")
    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], handler)
    await bus.start()
    published = [event(key, n) for n in range(count)]
    await bus.publish([record(topic, e) for e in published])
    return bus, topic, group, published


async def test_a_handler_that_takes_batches_gets_a_partitions_records_together(
    make_bus: MakeBus,
) -> None:
    handler = TakesBatches(fail_batches=False)
    bus, topic, group, published = await published_to_a_batch_handler(
        make_bus, handler, "case-5", 3
    )
    await eventually(lambda: sum(map(len, handler.batches)) >= 3, "the batch was handled")
    assert handler.batches == [[e.id for e in published]]
    assert handler.alone == []
    await bus.stop()

    await only_a_later_marker_arrives(make_bus, topic, group, "case-5")


async def test_after_a_failed_batch_each_record_goes_alone_and_only_the_failing_one_again(
    make_bus: MakeBus,
) -> None:
    handler = TakesBatches(fail_batches=True, fail_once=1)
    bus, topic, group, published = await published_to_a_batch_handler(
        make_bus, handler, "case-6", 3
    )
    await eventually(lambda: len(handler.alone) >= 4, "every record was handled alone")
    first, second, third = (e.id for e in published)
    # The retry of the failed record goes alone too, with the record after it.
    assert handler.batches == [[first, second, third]]
    assert handler.alone == [first, second, second, third]
    await bus.stop()

    await only_a_later_marker_arrives(make_bus, topic, group, "case-6")
    assert handler.alone == [first, second, second, third]


async def test_a_long_run_of_records_is_handed_over_in_batches_of_at_most_the_limit(
    make_bus: MakeBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kafka_consumer, "MAX_BATCH", 2)
    handler = TakesBatches(fail_batches=False)
    _, _, _, published = await published_to_a_batch_handler(make_bus, handler, "case-7", 5)

    def handled() -> list[str]:
        return [i for batch in handler.batches for i in batch] + handler.alone

    await eventually(lambda: len(handled()) >= 5, "every record was handled")
    assert all(len(batch) <= 2 for batch in handler.batches)
    assert handler.batches  # the run of five came in one fetch, at least partly together
    assert sorted(handled()) == sorted(e.id for e in published)
    # In publish order: batches and single records interleave only at run borders.
    by_arrival = [i for batch in handler.batches for i in batch]
    assert by_arrival == [e.id for e in published if e.id in by_arrival]


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing retries it."""


async def test_a_record_handled_but_not_committed_is_delivered_again_to_the_groups_next_member(
    make_bus: MakeBus,
) -> None:
    topic, group = unique("crash"), unique("group")
    effects: list[str] = []

    async def dies_after_its_effect(envelope: EventEnvelope) -> None:
        effects.append(envelope.id)  # the handler's transaction committed …
        raise Crash  # … and the process died before the offset commit

    crashing = make_bus(topics=[topic])
    crashing.subscribe(group, [topic], dies_after_its_effect)
    await crashing.start()
    published = event("case-7", 1)
    await crashing.publish([record(topic, published)])
    await eventually(lambda: effects == [published.id], "the handler ran")
    await crashing.stop()

    successor = Seen()
    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], successor)
    await bus.start()
    await eventually(lambda: successor.ids == [published.id], "the record came again")


async def test_a_failing_record_holds_back_only_its_own_partition(make_bus: MakeBus) -> None:
    topic, group = unique("poison"), unique("group")
    handled: list[EventEnvelope] = []
    poison = event("case-poison", 0)

    async def rejects_poison(envelope: EventEnvelope) -> None:
        if envelope.id == poison.id:
            raise ValueError("cannot handle this one")
        handled.append(envelope)

    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], rejects_poison)
    await bus.start()
    others = [event(f"case-{i}", i) for i in range(1, 25)]
    await bus.publish([record(topic, e) for e in [poison, *others]])

    partitioner = DefaultPartitioner()
    everything = list(range(PARTITIONS))

    def partition_of(case_id: str) -> int:
        return int(partitioner(case_id.encode(), everything, everything))

    blocked = partition_of(poison.subject)
    free = {e.id for e in others if partition_of(e.subject) != blocked}
    assert free, "all keys hashed to one partition; choose other case ids"
    await eventually(lambda: free <= {e.id for e in handled}, "the other partitions were handled")
    await asyncio.sleep(1.0)  # several backoff rounds of the poison record
    behind = {e.id for e in others if partition_of(e.subject) == blocked}
    assert not behind & {e.id for e in handled}, "a record passed the failing one in its partition"


async def test_a_record_that_is_not_an_envelope_is_skipped_and_committed(
    make_bus: MakeBus,
) -> None:
    topic, group = unique("garbage"), unique("group")
    seen = Seen()
    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], seen)
    await bus.start()
    good = event("case-g", 1)
    garbage = OutboundRecord(topic=topic, key=good.subject, value=b'{"not": "an envelope"}')
    await bus.publish([garbage, record(topic, good)])
    await eventually(lambda: seen.ids == [good.id], "the envelope after the garbage arrived")
    await bus.stop()

    await only_a_later_marker_arrives(make_bus, topic, group, "case-g")


async def test_publish_fails_fast_while_the_broker_is_down_and_a_running_consumer_gets_what_is_published_after_the_restart(
    make_bus: MakeBus,
    kafka_broker: TansuBroker,
    broker_outage: Callable[[], Awaitable[None]],
) -> None:
    topic, group = unique("outage"), unique("group")
    seen = Seen()
    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], seen)
    await bus.start()
    before = event("case-o", 0)
    await bus.publish([record(topic, before)])
    await eventually(lambda: seen.ids == [before.id], "the consumer is running")

    await broker_outage()
    during = event("case-o", 1)
    started = time.monotonic()
    with pytest.raises(BusUnavailable):
        await bus.publish([record(topic, during)])
    assert time.monotonic() - started < 5.0

    # Tansu keeps everything in memory: the restarted broker has no topics, no
    # records and no committed offsets, so this checks that producer and
    # consumer reconnect and the consumer rejoins its group, not that records
    # or offsets survive a restart (a persistent Kafka keeps both). The relay
    # would publish the failed record again, so it goes first.
    kafka_broker.start()
    after = [during, *(event("case-o", n) for n in range(2, 6))]
    await publish_eventually(bus, [record(topic, e) for e in after])
    await eventually(
        lambda: {e.id for e in after} <= set(seen.ids),
        "the consumer received the records published after the restart",
        within=30.0,
    )
    # No order assertion across the restart: until the consumer has rejoined
    # (its member id died with the broker) it may fetch from its old position,
    # past records of the new, empty log; the rejoin rewinds it to the start.


async def test_ping_is_false_while_the_broker_is_down_and_true_when_it_runs(
    make_bus: MakeBus,
    kafka_broker: TansuBroker,
    broker_outage: Callable[[], Awaitable[None]],
) -> None:
    bus = make_bus()
    await bus.start()
    assert await bus.ping() is True
    await broker_outage()
    started = time.monotonic()
    assert await bus.ping() is False
    assert time.monotonic() - started < 3.0
    kafka_broker.start()
    assert await bus.ping() is True


async def test_the_bus_starts_while_the_broker_is_down_and_publishes_once_it_is_up(
    make_bus: MakeBus,
    kafka_broker: TansuBroker,
    broker_outage: Callable[[], Awaitable[None]],
) -> None:
    await broker_outage()
    topic, group = unique("late"), unique("group")
    seen = Seen()
    bus = make_bus(topics=[topic])
    bus.subscribe(group, [topic], seen)
    started = time.monotonic()
    await bus.start()
    assert time.monotonic() - started < 3.0
    assert await bus.ping() is False
    with pytest.raises(BusUnavailable):
        await bus.publish([record(topic, event("case-l", 0))])

    kafka_broker.start()
    published = [event("case-l", n) for n in range(1, 4)]
    await publish_eventually(bus, [record(topic, e) for e in published])
    await eventually(
        lambda: [e.id for e in published] == seen.ids,
        "the consumer that started without a broker received the records",
    )
