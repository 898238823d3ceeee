from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.db.engine import session_factory
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.messaging.inbox import InboxConsumer
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.events import application_received


def _envelope(data: dict[str, object] | None = None) -> EventEnvelope:
    payload = application_received("case-1")
    return EventEnvelope(
        source="/avhopp/intake",
        type=payload.event_type,
        subject=payload.case_id,
        schema_version=1,
        acting_agency="social",
        data=data if data is not None else payload.model_dump(mode="json"),
    )


class EffectCounter:
    """Records each effect as an outbox row, so the effect lives in the same transaction."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail

    async def __call__(
        self, uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> None:
        self.calls += 1
        assert isinstance(payload, ApplicationReceived)
        uow.emit(payload, case_id=payload.case_id)
        if self.fail:
            raise RuntimeError("effect failed")


def _consumer(engine: AsyncEngine, handler: EffectCounter) -> InboxConsumer:
    def new_uow() -> UnitOfWork:
        return UnitOfWork(session_factory(engine), source="/avhopp/test", acting_agency="police")

    return InboxConsumer("test-group", new_uow, {ApplicationReceived.event_type: handler})


async def _count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608


async def test_a_redelivered_event_has_no_second_effect(engine: AsyncEngine) -> None:
    handler = EffectCounter()
    consumer = _consumer(engine, handler)
    envelope = _envelope()

    await consumer(envelope)
    await consumer(envelope)

    assert handler.calls == 1
    assert await _count(engine, "outbox") == 1
    assert await _count(engine, "inbox") == 1


async def test_a_failed_effect_leaves_no_inbox_row_so_the_event_comes_again(
    engine: AsyncEngine,
) -> None:
    handler = EffectCounter(fail=True)
    consumer = _consumer(engine, handler)
    envelope = _envelope()

    with pytest.raises(RuntimeError):
        await consumer(envelope)
    assert await _count(engine, "inbox") == 0
    assert await _count(engine, "outbox") == 0

    handler.fail = False
    await consumer(envelope)
    assert await _count(engine, "inbox") == 1
    assert await _count(engine, "outbox") == 1


async def test_an_unreadable_payload_is_dropped_rather_than_blocking_the_partition(
    engine: AsyncEngine,
) -> None:
    handler = EffectCounter()
    await _consumer(engine, handler)(_envelope(data={"case_id": "case-1"}))
    assert handler.calls == 0
    assert await _count(engine, "inbox") == 0


async def test_a_services_own_event_is_not_applied_a_second_time_by_its_consumer(
    engine: AsyncEngine,
) -> None:
    handler = EffectCounter()

    def new_uow() -> UnitOfWork:
        return UnitOfWork(session_factory(engine), source="/avhopp/intake", acting_agency="social")

    consumer = InboxConsumer(
        "test-group",
        new_uow,
        {ApplicationReceived.event_type: handler},
        own_source="/avhopp/intake",
    )
    await consumer(_envelope())

    assert handler.calls == 0
    assert await _count(engine, "inbox") == 0
