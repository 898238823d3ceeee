from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.access.event_audiences import EventAudiences, platform_audiences
from avhopp_shared.bus.base import BusUnavailable
from avhopp_shared.db.engine import session_factory
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.messaging.relay import OutboxRelay
from avhopp_shared.uow import UnitOfWork
from shared.tests.fakes import RecordingBus
from tests.fixtures.events import application_received

#: The relay does not look into what it publishes: one copy of each event keeps
#: these tests to the order of events (the first one publishes every copy).
ONE_COPY = EventAudiences(platform_audiences().engine, platform_catalogue(), audiences=["social"])


async def _emit(
    engine: AsyncEngine,
    case_ids: list[str],
    on_commit: Callable[[], None] = lambda: None,
    audiences: EventAudiences | None = ONE_COPY,
) -> None:
    uow = UnitOfWork(
        session_factory(engine),
        source="/avhopp/test",
        acting_agency="social",
        on_commit=on_commit,
        audiences=audiences,
    )
    async with uow:
        for case_id in case_ids:
            uow.emit(application_received(case_id), case_id=case_id)
        await uow.commit()


async def _unpublished(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(
            await connection.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
            or 0
        )


def _cases(bus: RecordingBus) -> list[str]:
    return [EventEnvelope.from_json_bytes(r.value).subject for r in bus.published]


async def test_rows_are_published_in_commit_order_with_the_case_id_as_key(
    engine: AsyncEngine,
) -> None:
    bus = RecordingBus()
    await _emit(engine, ["a", "b", "a", "c"], audiences=platform_audiences())

    relay = OutboxRelay(engine, bus, name="t")
    published = await relay.publish_pending()
    await relay.stop()

    # One copy per receiving agency, each agency's on its own topic, and on
    # each topic the events in the order they were committed.
    assert published == 8
    for topic in ("avhopp.for-police.case", "avhopp.for-social.case"):
        on_topic = [r for r in bus.published if r.topic == topic]
        assert [r.key for r in on_topic] == ["a", "b", "a", "c"]
        assert [EventEnvelope.from_json_bytes(r.value).subject for r in on_topic] == [
            "a",
            "b",
            "a",
            "c",
        ]
    assert {r.topic for r in bus.published} == {"avhopp.for-police.case", "avhopp.for-social.case"}
    assert await _unpublished(engine) == 0


async def test_an_uncommitted_unit_of_work_leaves_noapplication_received(
    engine: AsyncEngine,
) -> None:
    uow = UnitOfWork(session_factory(engine), source="/avhopp/test", acting_agency="social")
    async with uow:
        uow.emit(application_received("a"), case_id="a")
    assert await _unpublished(engine) == 0


async def test_a_failed_batch_stays_unpublished_and_is_retried_whole_in_order(
    engine: AsyncEngine,
) -> None:
    bus = RecordingBus()
    bus.failures_left = 1
    await _emit(engine, ["a", "b"])
    relay = OutboxRelay(engine, bus, name="t")

    with pytest.raises(BusUnavailable):
        await relay.publish_pending()
    assert await _unpublished(engine) == 2
    await _emit(engine, ["a"])
    assert await relay.publish_pending() == 3
    await relay.stop()

    assert _cases(bus) == ["a", "b", "a"]
    async with engine.connect() as connection:
        attempts = await connection.scalar(text("SELECT attempts FROM outbox ORDER BY id LIMIT 1"))
    assert attempts == 1


async def test_the_running_relay_survives_an_outage_and_publishes_after_a_commit_nudge(
    engine: AsyncEngine,
) -> None:
    bus = RecordingBus()
    bus.failures_left = 3
    relay = OutboxRelay(
        engine,
        bus,
        name="t",
        poll_seconds=30,
        backoff_initial_seconds=0.01,
        backoff_max_seconds=0.02,
    )
    await relay.start()
    try:
        await _emit(engine, ["a", "b", "c"], on_commit=relay.notify)
        assert await _eventually(lambda: _count(bus, 3))
    finally:
        await relay.stop()
    assert _cases(bus) == ["a", "b", "c"]


async def _count(bus: RecordingBus, expected: int) -> bool:
    return len(bus.published) == expected


async def _eventually(condition: Callable[[], Awaitable[bool]], timeout: float = 5) -> bool:
    for _ in range(int(timeout / 0.01)):
        if await condition():
            return True
        await asyncio.sleep(0.01)
    return False
