from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.db.engine import session_factory
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.messaging.inbox import InboxConsumer
from avhopp_shared.messaging.tables import DeadLetter, OutboxMessage
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.events import application_envelope


def _envelope(data: dict[str, object] | None = None) -> EventEnvelope:
    """Case 1's application event; ``data``, when given, stands in for its payload."""
    envelope = application_envelope("case-1")
    return envelope if data is None else envelope.model_copy(update={"data": data})


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
    """Rows of the inbox; events in the outbox (each written once per receiving agency)."""
    counted = "DISTINCT event_id" if table == "outbox" else "*"
    async with engine.connect() as connection:
        return int(
            await connection.scalar(text(f"SELECT count({counted}) FROM {table}")) or 0  # noqa: S608
        )


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


@pytest.fixture
async def with_dead_letters(engine: AsyncEngine) -> AsyncEngine:
    """The messaging database with the dead-letter table as well."""
    async with engine.begin() as connection:
        await connection.run_sync(DeadLetter.__table__.create)  # type: ignore[attr-defined]
    return engine


async def _dead_letters(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list(
            (
                await connection.execute(
                    text("SELECT event_id, attempts, error, envelope FROM inbox_dead_letter")
                )
            ).all()
        )


async def test_an_unreadable_payload_is_set_aside_as_a_dead_letter_rather_than_blocking_the_partition(
    with_dead_letters: AsyncEngine,
) -> None:
    engine = with_dead_letters
    handler = EffectCounter()
    unreadable = _envelope(data={"case_id": "case-1"})

    await _consumer(engine, handler)(unreadable)  # returns: the bus goes on

    assert handler.calls == 0
    assert await _count(engine, "inbox") == 0
    [letter] = await _dead_letters(engine)
    assert (letter.event_id, letter.attempts) == (unreadable.id, 1)
    assert letter.error.startswith("ValidationError: ApplicationReceived: ")
    assert "received_at: Field required" in letter.error
    assert EventEnvelope.from_json_bytes(letter.envelope) == unreadable


async def test_an_unreadable_payload_delivered_again_is_not_set_aside_a_second_time(
    with_dead_letters: AsyncEngine,
) -> None:
    consumer = _consumer(with_dead_letters, EffectCounter())
    unreadable = _envelope(data={"case_id": "case-1"})

    await consumer(unreadable)
    await consumer(unreadable)
    await consumer.handle_batch([unreadable, unreadable])

    assert len(await _dead_letters(with_dead_letters)) == 1


async def test_a_batch_sets_aside_what_it_cannot_read_and_applies_the_rest(
    with_dead_letters: AsyncEngine,
) -> None:
    engine = with_dead_letters
    handler = EffectCounter()
    consumer = _consumer(engine, handler)
    unreadable = application_envelope("case-2").model_copy(update={"schema_version": 2})

    await consumer.handle_batch(
        [application_envelope("case-1"), unreadable, application_envelope("case-3")]
    )

    assert await _emitted_cases(engine) == ["case-1", "case-3"]
    assert await _count(engine, "inbox") == 2
    [letter] = await _dead_letters(engine)
    assert letter.event_id == unreadable.id
    assert "schema version 2 is newer than this consumer reads (1)" in letter.error


async def test_when_a_batch_fails_what_it_could_not_read_is_not_set_aside_either(
    with_dead_letters: AsyncEngine,
) -> None:
    engine = with_dead_letters
    consumer = _consumer(engine, EffectCounter(fail=True))
    unreadable = _envelope(data={"case_id": "case-1"})

    with pytest.raises(RuntimeError):
        await consumer.handle_batch([unreadable, application_envelope("case-2")])

    # One transaction: the bus hands them over again, one at a time.
    assert await _dead_letters(engine) == []
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


async def _emitted_cases(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return list(
            (
                await connection.scalars(
                    text(
                        "SELECT key FROM outbox WHERE topic = 'avhopp.for-police.case' ORDER BY id"
                    )
                )
            ).all()
        )


async def test_events_handed_over_together_all_take_effect_in_their_order(
    engine: AsyncEngine,
) -> None:
    handler = EffectCounter()
    consumer = _consumer(engine, handler)
    processed: list[str] = []
    consumer.processed_listeners.append(lambda envelope: processed.append(envelope.subject))

    await consumer.handle_batch([application_envelope(f"case-{n}") for n in range(3)])

    assert handler.calls == 3
    assert await _count(engine, "inbox") == 3
    assert await _emitted_cases(engine) == ["case-0", "case-1", "case-2"]
    assert processed == ["case-0", "case-1", "case-2"]


async def test_when_one_event_of_a_batch_fails_none_of_the_batch_takes_effect(
    engine: AsyncEngine,
) -> None:
    class FailsOnSecond(EffectCounter):
        async def __call__(
            self, uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
        ) -> None:
            self.fail = self.calls == 1
            await super().__call__(uow, payload, envelope)

    handler = FailsOnSecond()
    consumer = _consumer(engine, handler)
    processed: list[str] = []
    consumer.processed_listeners.append(lambda envelope: processed.append(envelope.subject))

    with pytest.raises(RuntimeError):
        await consumer.handle_batch(
            [application_envelope("case-1"), application_envelope("case-2")]
        )

    assert await _count(engine, "inbox") == 0
    assert await _count(engine, "outbox") == 0
    assert processed == []


async def test_a_batch_holding_an_event_processed_before_changes_nothing_and_raises(
    engine: AsyncEngine,
) -> None:
    handler = EffectCounter()
    consumer = _consumer(engine, handler)
    seen_before, new = application_envelope("case-1"), application_envelope("case-2")
    await consumer(seen_before)

    with pytest.raises(IntegrityError):
        await consumer.handle_batch([new, seen_before])
    assert await _emitted_cases(engine) == ["case-1"]
    assert handler.calls == 1  # the inbox rows go in first: the batch ran no effect at all

    # One at a time, as the bus then hands them over: the known one is skipped.
    await consumer(new)
    await consumer(seen_before)
    assert handler.calls == 2
    assert await _emitted_cases(engine) == ["case-1", "case-2"]
    assert await _count(engine, "inbox") == 2


async def test_an_event_in_a_batch_sees_what_the_events_before_it_wrote(
    engine: AsyncEngine,
) -> None:
    counted: list[int] = []

    async def writes_then_counts(
        uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> None:
        # Read through the connection, as the disclosure gate reads access state.
        connection = await uow.session.connection()
        counted.append(
            int(await connection.scalar(text("SELECT count(DISTINCT event_id) FROM outbox")) or 0)
        )
        uow.session.add(
            OutboxMessage(
                event_id=envelope.id,
                topic="avhopp.for-police.case",
                key=envelope.subject,
                event_type=envelope.type,
                payload=b"{}",
                created_at=envelope.time,
            )
        )

    def new_uow() -> UnitOfWork:
        return UnitOfWork(session_factory(engine), source="/avhopp/test", acting_agency="police")

    consumer = InboxConsumer(
        "test-group", new_uow, {ApplicationReceived.event_type: writes_then_counts}
    )
    await consumer.handle_batch([application_envelope(f"case-{n}") for n in range(3)])

    assert counted == [0, 1, 2]
    assert await _count(engine, "outbox") == 3
