"""The distributed bus: Kafka (or a Kafka-protocol broker) through aiokafka.

Publishing
    One producer with ``acks="all"``, no idempotence and no transactions (the
    outbox already gives exactly-once *intent*; the inbox dedups redeliveries).
    ``publish`` sends the records in order, waits for every acknowledgement and
    raises :class:`BusUnavailable` otherwise, always within
    ``publish_timeout_seconds``. The producer is created lazily: a service boots
    while the broker is down and connects on the next publish. After a failure
    the producer is discarded (a fresh one reads fresh metadata) and the topics
    are ensured again, because a broker that lost its data also lost its topics.

Consuming
    One :class:`~avhopp_shared.bus.kafka_consumer.GroupConsumer` per subscribed
    group, offsets committed by hand after the handler returned.

Nothing here logs a payload: records are named by topic, partition, offset and
event id only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.client import AIOKafkaClient

from avhopp_shared.bus.base import BusUnavailable, Handler, OutboundRecord, Subscription
from avhopp_shared.bus.kafka_consumer import GroupConsumer

log = logging.getLogger("avhopp.bus.kafka")

_TOPIC_ALREADY_EXISTS = 36

#: Consumer settings for production; ``consumer_options`` overrides any of them.
DEFAULT_CONSUMER_OPTIONS: Mapping[str, Any] = {
    "session_timeout_ms": 30_000,
    "heartbeat_interval_ms": 3_000,
    "rebalance_timeout_ms": 30_000,
    "metadata_max_age_ms": 60_000,
    "max_poll_records": 100,
    "request_timeout_ms": 40_000,
}
#: What the bus's delivery guarantee rests on; ``consumer_options`` may not change these.
_FIXED_CONSUMER_OPTIONS = frozenset(
    {"group_id", "enable_auto_commit", "auto_offset_reset", "bootstrap_servers"}
)


class KafkaBus:
    """The :class:`~avhopp_shared.bus.base.Bus` on Kafka; see the module docstring."""

    def __init__(
        self,
        bootstrap_servers: str,
        client_id: str,
        *,
        topics: Sequence[str] = (),
        partitions: int = 6,
        replication_factor: int = 1,
        backoff_max_seconds: float = 15.0,
        consumer_options: Mapping[str, Any] | None = None,
        backoff_initial_seconds: float = 0.2,
        publish_timeout_seconds: float = 10.0,
        ping_timeout_seconds: float = 2.0,
        stop_grace_seconds: float = 5.0,
    ) -> None:
        if partitions < 1 or replication_factor < 1:
            raise ValueError("partitions and replication_factor must be at least 1")
        fixed = _FIXED_CONSUMER_OPTIONS.intersection(consumer_options or {})
        if fixed:
            raise ValueError(f"consumer_options may not set {sorted(fixed)}")
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._partitions = partitions
        self._replication_factor = replication_factor
        self._backoff_initial = backoff_initial_seconds
        self._backoff_max = backoff_max_seconds
        self._consumer_options: dict[str, Any] = {
            **DEFAULT_CONSUMER_OPTIONS,
            **(consumer_options or {}),
        }
        self._publish_timeout = publish_timeout_seconds
        # Each broker round (topic admin, producer start, delivery) gets half
        # the publish deadline, so a batch the broker never took fails inside
        # the producer (and is not flushed later by a discarded producer)
        # before the deadline of the whole publish cuts in.
        self._request_timeout_ms = max(1, int(publish_timeout_seconds * 500))
        self._ping_timeout = ping_timeout_seconds
        self._stop_grace = stop_grace_seconds

        self._wanted_topics: set[str] = set(topics)
        self._ready_topics: set[str] = set()
        self._admin_lock = asyncio.Lock()
        self._publish_lock = asyncio.Lock()
        self._producer: AIOKafkaProducer | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._subscriptions: list[Subscription] = []
        self._workers: list[GroupConsumer] = []
        self._started = False
        self._stopped = False

    # -- the Bus protocol ---------------------------------------------------

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        if self._started:
            raise RuntimeError("subscribe before start()")
        if not topics:
            raise ValueError("a subscription needs at least one topic")
        if any(s.group == group for s in self._subscriptions):
            raise ValueError(f"group {group!r} is already subscribed on this bus")
        self._subscriptions.append(Subscription.of(group, topics, handler))
        self._wanted_topics.update(topics)

    async def start(self) -> None:
        """Ensure the topics, connect the producer and start the consumers.

        Never fails because the broker is down: whatever cannot connect now
        connects later (the producer on the next publish, consumers in the
        background).
        """
        if self._started:
            return
        if self._stopped:
            raise RuntimeError("a stopped KafkaBus cannot be started again")
        self._started = True
        await self._ensure_topics(self._wanted_topics)
        try:
            await self._get_producer()
        except Exception as exc:
            log.warning(
                "Kafka producer not connected at start (%s: %s); will connect on the next publish",
                type(exc).__name__,
                exc,
            )
        for subscription in self._subscriptions:
            worker = GroupConsumer(
                subscription,
                new_consumer=self._new_consumer,
                ensure_topics=self._ensure_topics,
                partitions=self._partitions,
                backoff_initial_seconds=self._backoff_initial,
                backoff_max_seconds=self._backoff_max,
                stop_grace_seconds=self._stop_grace,
            )
            worker.start()
            self._workers.append(worker)

    async def stop(self) -> None:
        """Stop consumers (committing nothing new), then the producer. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        await asyncio.gather(*(worker.stop(self._stop_grace) for worker in self._workers))
        async with self._publish_lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            self._close_producer(producer)
        if self._closing:
            # Shutdown must end even if a client never finishes its goodbye.
            _, stuck = await asyncio.wait(set(self._closing), timeout=self._stop_grace)
            if stuck:
                log.error("a Kafka producer did not stop within %.1f s", self._stop_grace)

    async def publish(self, records: Sequence[OutboundRecord]) -> None:
        if not records:
            return
        if not self._started or self._stopped:
            raise BusUnavailable("Kafka bus is not running")
        async with self._publish_lock:
            futures: list[asyncio.Future[Any]] = []
            try:
                async with asyncio.timeout(self._publish_timeout):
                    await self._ensure_topics({r.topic for r in records})
                    producer = await self._get_producer()
                    for record in records:
                        futures.append(
                            await producer.send(
                                record.topic,
                                value=record.value,
                                key=record.key.encode("utf-8"),
                                headers=list(record.headers),
                            )
                        )
                    await asyncio.gather(*futures)
            except Exception as exc:
                for future in futures:
                    future.cancel()
                self._on_publish_failure()
                raise BusUnavailable(
                    f"Kafka did not acknowledge {len(records)} record(s): "
                    f"{type(exc).__name__}: {exc}"
                ) from exc

    async def ping(self) -> bool:
        """True when a broker answers a metadata request within the ping timeout."""
        client = AIOKafkaClient(
            bootstrap_servers=self._bootstrap_servers,
            client_id=f"{self._client_id}-ping",
            request_timeout_ms=max(1, int(self._ping_timeout * 1000)),
        )
        try:
            async with asyncio.timeout(self._ping_timeout):
                await client.bootstrap()
            return True
        except Exception:
            return False
        finally:
            try:
                await client.close()
            except Exception:
                log.debug("closing the ping client failed", exc_info=True)

    # -- introspection ------------------------------------------------------

    def assignment(self, group: str) -> frozenset[tuple[str, int]]:
        """The (topic, partition) pairs the group's consumer holds right now."""
        for worker in self._workers:
            if worker.subscription.group == group:
                return worker.assignment()
        raise KeyError(group)

    # -- internals ----------------------------------------------------------

    def _new_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=False,
            request_timeout_ms=self._request_timeout_ms,
        )

    async def _get_producer(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        producer = self._new_producer()
        try:
            async with asyncio.timeout(self._request_timeout_ms / 1000):
                await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer
        log.info("Kafka producer connected to %s", self._bootstrap_servers)
        return producer

    def _on_publish_failure(self) -> None:
        # The broker may have restarted empty: ensure every topic again, and
        # read fresh metadata through a fresh producer.
        self._ready_topics.clear()
        producer, self._producer = self._producer, None
        if producer is not None:
            self._close_producer(producer)

    def _close_producer(self, producer: AIOKafkaProducer) -> None:
        # stop() flushes, which ends once every pending batch is delivered or
        # has failed (at most the request timeout); never cancel it half-way.
        task = asyncio.get_running_loop().create_task(self._stop_producer(producer))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _stop_producer(producer: AIOKafkaProducer) -> None:
        try:
            await producer.stop()
        except Exception:
            log.warning("stopping a Kafka producer failed", exc_info=True)

    def _new_consumer(self, subscription: Subscription) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *subscription.topics,
            bootstrap_servers=self._bootstrap_servers,
            client_id=f"{self._client_id}-{subscription.group}",
            group_id=subscription.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **self._consumer_options,
        )

    async def _ensure_topics(self, topics: Iterable[str]) -> None:
        """Create missing topics; never raises (publishing must not depend on admin rights)."""
        self._wanted_topics.update(topics)
        if not self._wanted_topics - self._ready_topics:
            return
        async with self._admin_lock:
            missing = sorted(self._wanted_topics - self._ready_topics)
            if not missing:
                return
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self._bootstrap_servers,
                client_id=f"{self._client_id}-admin",
                request_timeout_ms=self._request_timeout_ms,
            )
            try:
                async with asyncio.timeout(self._request_timeout_ms / 1000):
                    await admin.start()
                    response = await admin.create_topics(
                        [NewTopic(t, self._partitions, self._replication_factor) for t in missing],
                        timeout_ms=self._request_timeout_ms,
                    )
                    existing = self._read_create_response(response.topic_errors)
                    if existing:
                        self._check_partitions(await admin.describe_topics(existing))
            except Exception as exc:
                log.warning(
                    "could not ensure Kafka topics %s (%s: %s); will try again",
                    missing,
                    type(exc).__name__,
                    exc,
                )
            finally:
                try:
                    await admin.close()
                except Exception:
                    log.debug("closing the admin client failed", exc_info=True)

    def _read_create_response(self, topic_errors: Iterable[Sequence[Any]]) -> list[str]:
        """Mark the answered topics ready; return those that existed already."""
        existing = []
        for topic_error in topic_errors:
            topic, code = str(topic_error[0]), int(topic_error[1])
            if code == 0:
                log.info("created Kafka topic %s (%d partitions)", topic, self._partitions)
            elif code == _TOPIC_ALREADY_EXISTS:
                existing.append(topic)
            else:
                # Not retried: the broker said no for this topic (rights,
                # replication factor …); publishing may still work.
                log.error("could not create Kafka topic %s: error code %s", topic, code)
            self._ready_topics.add(topic)
        return existing

    def _check_partitions(self, described: Iterable[Mapping[str, Any]]) -> None:
        # Never changed here: adding partitions moves keys to other partitions
        # and so breaks per-case order. A topic auto-created by the broker
        # (Tansu: 4 partitions) is the usual cause.
        for topic in described:
            count = len(topic.get("partitions") or ())
            if count and count != self._partitions:
                log.warning(
                    "Kafka topic %s has %d partitions, configured %d; it was not created by "
                    "this bus (broker auto-creation?)",
                    topic.get("topic"),
                    count,
                    self._partitions,
                )
