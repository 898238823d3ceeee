"""The embedded bus: delivers each record to every subscribed group inside this process.

``publish`` returns only after every group's handler has committed, so the
relay marks an outbox row sent only once all consumers hold its effect — the
same at-least-once guarantee Kafka plus manual commits gives, with no broker.
Each group takes the records in publish order, so per-case order holds: one
at a time, or in runs of up to ``MAX_BATCH`` when its handler takes batches
(``BatchHandler``). Groups run side by side, as independent consumer groups do.

A handler that raises fails the publish: the relay publishes the batch again
after its backoff, and the inbox skips what took effect before. That is the
redelivery the inbox consumer counts, as it counts Kafka's, to set aside an
event the database refuses as data. A record that is not an envelope is
logged and skipped, as on Kafka.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence

from avhopp_shared.bus.base import (
    MAX_BATCH,
    BusUnavailable,
    Handler,
    OutboundRecord,
    Subscription,
    in_batches,
    read_envelope,
)
from avhopp_shared.events.envelope import EventEnvelope

log = logging.getLogger("avhopp.bus.inprocess")


class InProcessBus:
    def __init__(self) -> None:
        self._by_topic: dict[str, list[Subscription]] = defaultdict(list)
        self._running = False

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        subscription = Subscription.of(group, topics, handler)
        for topic in subscription.topics:
            self._by_topic[topic].append(subscription)

    def unsubscribe_group(self, group: str) -> None:
        for topic, subscriptions in self._by_topic.items():
            self._by_topic[topic] = [s for s in subscriptions if s.group != group]

    async def start(self) -> None:
        self._running = True

    async def stop(self) -> None:
        self._running = False

    async def publish(self, records: Sequence[OutboundRecord]) -> None:
        if not self._running:
            raise BusUnavailable("in-process bus is not running")
        envelopes: list[tuple[str, EventEnvelope]] = []
        for record in records:
            # What is not an envelope is skipped as on Kafka; it stays in the
            # publishing service's outbox, where the log line points.
            envelope = read_envelope(
                record.value, log, f"topic={record.topic} key={record.key} (outbox record)"
            )
            if envelope is not None:
                envelopes.append((record.topic, envelope))
        groups: dict[str, list[Subscription]] = {}
        for topic, _ in envelopes:
            for subscription in self._by_topic.get(topic, ()):
                groups.setdefault(subscription.group, []).append(subscription)
        # Groups are independent, as Kafka consumer groups are: each takes the
        # batch in order at its own pace, so one slow group holds up no other.
        results = await asyncio.gather(
            *(self._deliver(group, envelopes) for group in groups), return_exceptions=True
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise BusUnavailable(f"{len(failures)} consumer group(s) failed") from failures[0]

    async def _deliver(self, group: str, envelopes: Sequence[tuple[str, EventEnvelope]]) -> None:
        """Every record of the batch this group subscribes to, in order: in runs of up to
        ``MAX_BATCH`` to a handler that takes batches, else (or when a run fails) one
        after another."""
        runs: list[tuple[Subscription, list[EventEnvelope]]] = []
        for topic, envelope in envelopes:
            for subscription in self._by_topic.get(topic, ()):
                if subscription.group != group:
                    continue
                if runs and runs[-1][0] is subscription:
                    runs[-1][1].append(envelope)
                else:
                    runs.append((subscription, [envelope]))
        for subscription, events in runs:
            for run in in_batches(events, MAX_BATCH):
                if subscription.batch is not None and len(run) > 1:
                    try:
                        await subscription.batch(run)
                        continue
                    except Exception as exc:
                        log.info(
                            "group %s: %d events failed together (%s); handing them over one by one",
                            group,
                            len(run),
                            type(exc).__name__,
                        )
                for envelope in run:
                    await subscription.handler(envelope)

    async def ping(self) -> bool:
        return self._running
