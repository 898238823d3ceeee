from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.bus.base import BusUnavailable
from avhopp_shared.db.engine import session_factory
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.messaging.relay import OutboxRelay
from avhopp_shared.uow import UnitOfWork
from shared.tests.fakes import RecordingBus
from tests.fixtures.events import application_received


async def _emit(
    engine: AsyncEngine, case_ids: list[str], on_commit: Callable[[], None] = lambda: None
) -> None:
    uow = UnitOfWork(
        session_factory(engine), source="/avhopp/test", acting_agency="social", on_commit=on_commit
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
    await _emit(engine, ["a", "b", "a", "c"])

    relay = OutboxRelay(engine, bus, name="t")
    published = await relay.publish_pending()
    await relay.stop()

    assert published == 4
    assert [r.key for r in bus.published] == ["a", "b", "a", "c"]
    assert _cases(bus) == ["a", "b", "a", "c"]
    assert {r.topic for r in bus.published} == {"avhopp.case"}
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
