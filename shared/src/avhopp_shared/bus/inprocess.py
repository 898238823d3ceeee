"""The embedded bus: delivers each record to every subscribed group inside this process.

``publish`` returns only after every group's handler has committed, so the
relay marks an outbox row sent only once all consumers hold its effect — the
same at-least-once guarantee Kafka plus manual commits gives, with no broker.
Each group takes the records one at a time in publish order, so per-case order
holds; groups run side by side, as independent consumer groups do.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from avhopp_shared.bus.base import BusUnavailable, Handler, OutboundRecord, Subscription
from avhopp_shared.events.envelope import EventEnvelope


class InProcessBus:
    def __init__(self) -> None:
        self._by_topic: dict[str, list[Subscription]] = defaultdict(list)
        self._running = False

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        subscription = Subscription(group=group, topics=tuple(topics), handler=handler)
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
        envelopes = [
            (record.topic, EventEnvelope.from_json_bytes(record.value)) for record in records
        ]
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
        """Every record of the batch this group subscribes to, one after another."""
        for topic, envelope in envelopes:
            for subscription in self._by_topic.get(topic, ()):
                if subscription.group == group:
                    await subscription.handler(envelope)

    async def ping(self) -> bool:
        return self._running
