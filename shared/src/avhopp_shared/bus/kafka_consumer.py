"""One consumer group's loop on Kafka: records in partition order, offsets committed by hand.

A record's offset is committed only after its handler returned (the handler
commits its effect and inbox row first); the offsets of one fetched batch are
committed together, once its records are handled. A handler that takes
batches (``BatchHandler``) gets a partition's fetched records in runs of up
to ``MAX_BATCH``; when a run fails, its records go one at a time. A handler
that raises leaves the record uncommitted: its partition is rewound and
paused for a backoff while the other partitions go on. How long that goes on
is the handler's to decide: the inbox consumer returns, setting the event
aside, once the database refused it as data a bounded number of times, and
raises for as long as the database is unavailable. A record that is not an
envelope is logged (with its topic, partition and offset) and committed, or
it would block its partition forever. The loop outlives broker outages: aiokafka reconnects and rejoins by
itself, and anything it gives up on makes the loop build a new consumer after
a backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import IllegalStateError

from avhopp_shared.backoff import backoff_delay
from avhopp_shared.bus.base import MAX_BATCH, Subscription, in_batches, read_envelope
from avhopp_shared.events.envelope import EventEnvelope

log = logging.getLogger("avhopp.bus.kafka")

_POLL_SECONDS = 1.0


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0


class GroupConsumer:
    """One group's consumer and the background task that feeds its handler."""

    def __init__(
        self,
        subscription: Subscription,
        *,
        new_consumer: Callable[[Subscription], AIOKafkaConsumer],
        ensure_topics: Callable[[Iterable[str]], Awaitable[None]],
        partitions: int,
        backoff_initial_seconds: float,
        backoff_max_seconds: float,
        stop_grace_seconds: float,
    ) -> None:
        self.subscription = subscription
        self._new_consumer = new_consumer
        self._ensure_topics = ensure_topics
        self._partitions = partitions
        self._backoff_initial = backoff_initial_seconds
        self._backoff_max = backoff_max_seconds
        self._stop_grace = stop_grace_seconds
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # True while a handler and its commit run, or the consumer closes:
        # stop() does not cancel the task then (within its grace period).
        self._busy = False
        self._healthy = False
        # Partition → (offset, consecutive failures) of the record being retried.
        self._failures: dict[TopicPartition, tuple[int, int]] = {}
        # Paused partitions → loop time when they are resumed.
        self._resume_at: dict[TopicPartition, float] = {}
        # Partition counts already reported as differing from the configured one.
        self._shapes_seen: set[tuple[str, int]] = set()

    @property
    def group(self) -> str:
        return self.subscription.group

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"kafka-consumer:{self.group}"
        )
        self._task.add_done_callback(self._on_done)

    def assignment(self) -> frozenset[tuple[str, int]]:
        consumer = self._consumer
        if consumer is None:
            return frozenset()
        return frozenset((tp.topic, tp.partition) for tp in consumer.assignment())

    async def stop(self, grace: float) -> None:
        """Stop between records: a running handler gets ``grace`` seconds, then is cancelled."""
        self._stopping = True
        task = self._task
        if task is None:
            return
        deadline = asyncio.get_running_loop().time() + grace
        while not task.done():
            if not self._busy or asyncio.get_running_loop().time() >= deadline:
                task.cancel()
                break
            await asyncio.wait({task}, timeout=0.02)
        await asyncio.wait({task}, timeout=grace)
        if not task.done():
            log.error("Kafka consumer of group %s did not stop within %.1f s", self.group, grace)

    def _on_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            if not self._stopping:
                log.critical("Kafka consumer loop of group %s was cancelled", self.group)
            return
        exc = task.exception()
        if exc is not None:
            log.critical(
                "Kafka consumer loop of group %s died; records are no longer consumed",
                self.group,
                exc_info=exc,
            )
        elif not self._stopping:
            log.critical("Kafka consumer loop of group %s ended unexpectedly", self.group)

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            consumer = self._new_consumer(self.subscription)
            self._consumer = consumer
            self._healthy = False
            try:
                await self._ensure_topics(self.subscription.topics)
                await consumer.start()
                log.info(
                    "Kafka consumer of group %s started on %s",
                    self.group,
                    ", ".join(self.subscription.topics),
                )
                await self._consume(consumer)
            except Exception as exc:
                log.warning(
                    "Kafka consumer of group %s failed (%s: %s); starting a new one",
                    self.group,
                    type(exc).__name__,
                    exc,
                    exc_info=log.isEnabledFor(logging.DEBUG),
                )
            finally:
                self._consumer = None
                self._busy = True
                try:
                    # Auto-commit is off: stopping commits nothing. Bounded,
                    # because a consumer mid-rejoin can wait on a coordinator
                    # that no longer knows it.
                    async with asyncio.timeout(self._stop_grace):
                        await consumer.stop()
                except Exception:
                    log.warning(
                        "stopping the consumer of group %s failed", self.group, exc_info=True
                    )
                finally:
                    self._busy = False
            if self._stopping:
                return
            if self._healthy:
                attempt = 0
            await asyncio.sleep(backoff_delay(self._backoff_initial, self._backoff_max, attempt))
            attempt += 1

    async def _consume(self, consumer: AIOKafkaConsumer) -> None:
        self._resume_at.clear()
        while not self._stopping:
            batches = await consumer.getmany(timeout_ms=self._poll_timeout_ms(consumer))
            self._healthy = True
            self._check_partition_counts(consumer)
            processed: dict[TopicPartition, int] = {}
            for tp, records in batches.items():
                if self._stopping:
                    break
                next_offset = await self._process_partition(consumer, tp, records)
                if next_offset is not None:
                    processed[tp] = next_offset
            if processed:
                # One commit for everything the batch's handlers finished, after
                # their effects committed: a commit per record put a broker
                # round trip between one partition's event and the next
                # partition's (the application waited on its consent's commit).
                self._busy = True
                try:
                    await self._commit(consumer, processed)
                finally:
                    self._busy = False

    def _check_partition_counts(self, consumer: AIOKafkaConsumer) -> None:
        """Warn (once per count) when a topic's partition count is not the configured one."""
        for topic in self.subscription.topics:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions or len(partitions) == self._partitions:
                continue
            shape = (topic, len(partitions))
            if shape not in self._shapes_seen:
                self._shapes_seen.add(shape)
                log.warning(
                    "Kafka topic %s has %d partitions, configured %d (group %s); "
                    "was it auto-created by the broker?",
                    topic,
                    len(partitions),
                    self._partitions,
                    self.group,
                )

    def _poll_timeout_ms(self, consumer: AIOKafkaConsumer) -> int:
        """Resume partitions whose backoff is over; wait no longer than the next one."""
        now = asyncio.get_running_loop().time()
        timeout = _POLL_SECONDS
        for tp, when in list(self._resume_at.items()):
            if when <= now:
                del self._resume_at[tp]
                if tp in consumer.assignment():
                    consumer.resume(tp)
            else:
                timeout = min(timeout, when - now)
        return max(1, int(timeout * 1000))

    async def _process_partition(
        self,
        consumer: AIOKafkaConsumer,
        tp: TopicPartition,
        records: list[ConsumerRecord[bytes, bytes]],
    ) -> int | None:
        """Hand the records to the handler in order; the offset to commit after the last done.

        A handler that takes batches gets them in runs of up to ``MAX_BATCH``,
        unless this partition is retrying a failed record: that one goes alone.
        """
        parsed = [(record, self._parse(record)) for record in records]
        done: int | None = None
        for run in in_batches(parsed, MAX_BATCH):
            if self._stopping:
                break
            if await self._handled_together(tp, [e for _, e in run if e is not None]):
                done = int(run[-1][0].offset) + 1
                continue
            for record, envelope in run:
                if self._stopping:
                    return done
                if envelope is not None:
                    self._busy = True
                    try:
                        await self.subscription.handler(envelope)
                    except asyncio.CancelledError:
                        if _being_cancelled():
                            raise
                        # The handler's own cancellation (a timeout inside it),
                        # not ours: a failure like any other.
                        self._retry_later(consumer, tp, record, envelope)
                        return done
                    except Exception:
                        self._retry_later(consumer, tp, record, envelope)
                        return done
                    finally:
                        self._busy = False
                    self._failures.pop(tp, None)
                done = record.offset + 1
        return done

    async def _handled_together(self, tp: TopicPartition, envelopes: list[EventEnvelope]) -> bool:
        """True when the envelopes took effect as one batch; False when nothing did (no
        batch handler, fewer than two, a partition retrying, or the batch failed)."""
        batch = self.subscription.batch
        if batch is None or len(envelopes) < 2 or tp in self._failures:
            return False
        self._busy = True
        try:
            await batch(envelopes)
        except asyncio.CancelledError:
            if _being_cancelled():
                raise
            reason = "cancelled inside"
        except Exception as exc:
            # A redelivered record among them is the usual reason, a failing
            # handler the other: one at a time, it is skipped or retried alone.
            reason = type(exc).__name__
        else:
            return True
        finally:
            self._busy = False
        log.info(
            "group %s: %d records of %s[%s] failed together (%s); handling them one at a time",
            self.group,
            len(envelopes),
            tp.topic,
            tp.partition,
            reason,
        )
        return False

    def _parse(self, record: ConsumerRecord[bytes, bytes]) -> EventEnvelope | None:
        return read_envelope(
            record.value,
            log,
            f"group={self.group} topic={record.topic} partition={record.partition} "
            f"offset={record.offset}",
        )

    def _retry_later(
        self,
        consumer: AIOKafkaConsumer,
        tp: TopicPartition,
        record: ConsumerRecord[bytes, bytes],
        envelope: EventEnvelope,
    ) -> None:
        previous_offset, failures = self._failures.get(tp, (record.offset, 0))
        failures = failures + 1 if previous_offset == record.offset else 1
        self._failures[tp] = (record.offset, failures)
        delay = backoff_delay(self._backoff_initial, self._backoff_max, failures - 1)
        log.warning(
            "handler of group %s failed on event %s (%s) at %s[%s]@%s, attempt %d; "
            "retrying in %.1f s",
            self.group,
            envelope.id,
            envelope.type,
            record.topic,
            record.partition,
            record.offset,
            failures,
            delay,
            exc_info=True,
        )
        try:
            consumer.seek(tp, record.offset)
            consumer.pause(tp)
        except IllegalStateError:
            # The partition was revoked meanwhile; its new owner starts from
            # the last commit, which is before this record.
            return
        self._resume_at[tp] = asyncio.get_running_loop().time() + delay

    async def _commit(self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        try:
            await consumer.commit(offsets)
        except Exception as exc:
            # Most likely a rebalance: whoever holds the partitions next starts
            # from the last commit, and the inbox makes the repeats harmless.
            log.warning(
                "commit of %s for group %s failed (%s); the records may be delivered again",
                ", ".join(f"{tp.topic}[{tp.partition}]@{offset}" for tp, offset in offsets.items()),
                self.group,
                type(exc).__name__,
            )
