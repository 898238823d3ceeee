"""The embedded bus: groups are independent, each takes a batch in order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from avhopp_shared.bus import inprocess
from avhopp_shared.bus.base import BusUnavailable, OutboundRecord
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.events.envelope import EventEnvelope
from tests.fixtures.events import application_envelope

TOPIC = "avhopp.for-police.case"


def _record(case_id: str) -> OutboundRecord:
    envelope = application_envelope(case_id)
    return OutboundRecord(topic=TOPIC, key=case_id, value=envelope.to_json_bytes())


async def test_a_slow_group_holds_up_no_other_group_and_publish_waits_for_both() -> None:
    bus = InProcessBus()
    fast: list[str] = []
    slow: list[str] = []
    fast_done = asyncio.Event()

    async def on_fast(envelope: EventEnvelope) -> None:
        fast.append(envelope.subject)
        if len(fast) == 2:
            fast_done.set()

    async def on_slow(envelope: EventEnvelope) -> None:
        await fast_done.wait()  # only ever proceeds once the other group has both
        slow.append(envelope.subject)

    bus.subscribe("slow", [TOPIC], on_slow)
    bus.subscribe("fast", [TOPIC], on_fast)
    await bus.start()

    await asyncio.wait_for(bus.publish([_record("case-1"), _record("case-2")]), timeout=5)

    assert fast == ["case-1", "case-2"]
    assert slow == ["case-1", "case-2"]


async def test_a_failing_group_stops_at_the_failed_record_and_publish_reports_it() -> None:
    bus = InProcessBus()
    seen: list[str] = []
    other: list[str] = []

    async def failing(envelope: EventEnvelope) -> None:
        seen.append(envelope.subject)
        raise RuntimeError("consumer down")

    async def healthy(envelope: EventEnvelope) -> None:
        other.append(envelope.subject)

    bus.subscribe("failing", [TOPIC], failing)
    bus.subscribe("healthy", [TOPIC], healthy)
    await bus.start()

    with pytest.raises(BusUnavailable):
        await bus.publish([_record("case-1"), _record("case-2")])

    assert seen == ["case-1"]  # never past the record it failed on: order is kept
    assert other == ["case-1", "case-2"]


class TakesBatches:
    """A handler that also takes batches; ``fail_batches`` makes every batch raise."""

    def __init__(self, fail_batches: bool = False) -> None:
        self.fail_batches = fail_batches
        self.batches: list[list[str]] = []
        self.alone: list[str] = []

    async def __call__(self, envelope: EventEnvelope) -> None:
        self.alone.append(envelope.subject)

    async def handle_batch(self, envelopes: Sequence[EventEnvelope]) -> None:
        self.batches.append([e.subject for e in envelopes])
        if self.fail_batches:
            raise RuntimeError("one of them was processed before")


async def test_a_handler_that_takes_batches_gets_the_records_of_one_publish_together() -> None:
    bus = InProcessBus()
    handler = TakesBatches()
    bus.subscribe("batches", [TOPIC], handler)
    await bus.start()

    await bus.publish([_record("case-1"), _record("case-2"), _record("case-3")])
    await bus.publish([_record("case-4")])

    assert handler.batches == [["case-1", "case-2", "case-3"]]
    assert handler.alone == ["case-4"]


async def test_records_whose_batch_failed_are_handed_over_one_at_a_time_in_order() -> None:
    bus = InProcessBus()
    handler = TakesBatches(fail_batches=True)
    bus.subscribe("batches", [TOPIC], handler)
    await bus.start()

    await bus.publish([_record("case-1"), _record("case-2")])

    assert handler.batches == [["case-1", "case-2"]]
    assert handler.alone == ["case-1", "case-2"]


async def test_a_long_publish_is_handed_over_in_batches_of_at_most_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inprocess, "MAX_BATCH", 2)
    bus = InProcessBus()
    handler = TakesBatches()
    bus.subscribe("batches", [TOPIC], handler)
    await bus.start()

    await bus.publish([_record(f"case-{n}") for n in range(5)])

    assert handler.batches == [["case-0", "case-1"], ["case-2", "case-3"]]
    assert handler.alone == ["case-4"]
