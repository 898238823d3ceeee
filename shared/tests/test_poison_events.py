"""Poison events: what the database refuses as data is set aside, what is transient is retried.

The behaviour on PostgreSQL and Kafka depends on both (what PostgreSQL refuses,
how the Kafka consumer rewinds and pauses a partition), so those tests use the
real server and the real broker (Tansu). The in-process bus goes through the
same consumer code, on SQLite, with the real outbox relay.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from avhopp_shared.bus.base import OutboundRecord
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.bus.kafka import KafkaBus
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.topics import topic_for
from avhopp_shared.messaging.inbox import DATA_FAULT_ATTEMPTS, InboxConsumer, refused_as_data
from avhopp_shared.messaging.relay import OutboxRelay
from avhopp_shared.messaging.tables import DeadLetter, InboxMessage, OutboxMessage
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.broker import TansuBroker
from tests.fixtures.events import application_envelope, application_received
from tests.fixtures.postgres import CreateDatabases

GROUP = "avhopp.test"
TOPIC = topic_for(ApplicationReceived.event_type, "police")
# Short group timeouts: on Tansu a new group's first join takes about half the
# session timeout.
FAST_GROUPS: dict[str, Any] = {
    "session_timeout_ms": 1_000,
    "heartbeat_interval_ms": 100,
    "rebalance_timeout_ms": 1_000,
    "metadata_max_age_ms": 1_000,
    "request_timeout_ms": 5_000,
}
TOO_LONG_ID = "evt-" + "x" * 40  # 44 characters: CloudEvents itself sets no limit


# -- helpers --------------------------------------------------------------------------


async def create_tables(engine: AsyncEngine, effect_table: str) -> None:
    """The messaging tables and the table the test handler writes its effect to."""
    async with engine.begin() as connection:
        for model in (OutboxMessage, InboxMessage, DeadLetter):
            await connection.run_sync(SQLModel.metadata.tables[model.__tablename__].create)
        await connection.execute(text(effect_table))


class WritesCaseId:
    """The effect: the event's case id in ``poison_effect``, in the consumer's transaction.

    ``fail_first`` deliveries raise ``failure`` instead, before anything is written.
    """

    def __init__(self, failure: Exception | None = None, fail_first: int = 0) -> None:
        self.calls: list[str] = []
        self.failure = failure
        self.fail_first = fail_first

    async def __call__(
        self, uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> None:
        self.calls.append(envelope.id)
        if self.failure is not None and len(self.calls) <= self.fail_first:
            raise self.failure
        connection = await uow.session.connection()
        await connection.execute(
            text("INSERT INTO poison_effect (case_id) VALUES (:case_id)"),
            {"case_id": envelope.subject},
        )


def consumer_on(engine: AsyncEngine, handler: WritesCaseId, group: str = GROUP) -> InboxConsumer:
    def new_uow() -> UnitOfWork:
        return UnitOfWork(session_factory(engine), source="/avhopp/social", acting_agency="social")

    return InboxConsumer(group, new_uow, {ApplicationReceived.event_type: handler})


async def rows(engine: AsyncEngine, query: str) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(text(query))).all())


async def processed(engine: AsyncEngine, envelope: EventEnvelope) -> bool:
    found = await rows(engine, f"SELECT 1 FROM inbox WHERE event_id = '{envelope.id}'")  # noqa: S608
    return bool(found)


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:.0f} s waiting until {what}")
        await asyncio.sleep(0.05)


def wire(envelope: EventEnvelope, key: str, topic: str = TOPIC) -> OutboundRecord:
    return OutboundRecord(topic=topic, key=key, value=envelope.to_json_bytes())


def messages(caplog: pytest.LogCaptureFixture, level: int, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level and r.name == logger]


# -- the envelope and the classification ------------------------------------------------


@pytest.mark.parametrize(
    "event_id",
    [
        pytest.param(TOO_LONG_ID, id="too long for the inbox"),
        pytest.param("3DC53CFD-CCD9-4164-9A09-8E8E764F9AE2", id="upper case"),
        pytest.param("{3dc53cfd-ccd9-4164-9a09-8e8e764f9ae2}", id="braces"),
        pytest.param("3dc53cfdccd941649a098e8e764f9ae2", id="no hyphens"),
        pytest.param("x" * 36, id="36 characters, not a uuid"),
        pytest.param("", id="empty"),
    ],
)
def test_an_envelope_whose_id_is_not_a_uuid_as_the_platform_writes_it_is_refused(
    event_id: str,
) -> None:
    wire_form = application_envelope().model_copy(update={"id": event_id}).to_json_bytes()
    with pytest.raises(ValidationError) as refused:
        EventEnvelope.from_json_bytes(wire_form)
    assert [error["loc"] for error in refused.value.errors()] == [("id",)]


def test_an_envelope_with_the_id_its_producer_gave_it_is_read_back_unchanged() -> None:
    envelope = application_envelope()
    assert str(uuid.UUID(envelope.id)) == envelope.id
    assert EventEnvelope.from_json_bytes(envelope.to_json_bytes()) == envelope


class _PgError(Exception):
    """A driver error carrying a SQLSTATE, as asyncpg's do."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _dbapi(sqlstate: str) -> DBAPIError:
    return DBAPIError("INSERT ...", {}, _PgError(sqlstate))


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(_dbapi("22001"), id="value too long (asyncpg: a plain DBAPIError)"),
        pytest.param(_dbapi("22021"), id="NUL in text"),
        pytest.param(_dbapi("22000"), id="a string the driver cannot encode (asyncpg)"),
        pytest.param(_dbapi("23503"), id="foreign key"),
        pytest.param(DataError("INSERT ...", {}, Exception("too big")), id="DataError"),
        pytest.param(IntegrityError("INSERT ...", {}, Exception("CHECK")), id="IntegrityError"),
        pytest.param(
            UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
            id="a lone surrogate (sqlite3)",
        ),
    ],
)
def test_a_fault_the_database_raises_about_the_data_is_poison(fault: Exception) -> None:
    assert refused_as_data(fault)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(_dbapi("08006"), id="connection failure"),
        pytest.param(_dbapi("40001"), id="serialization failure"),
        pytest.param(_dbapi("40P01"), id="deadlock"),
        pytest.param(_dbapi("55P03"), id="lock not available"),
        pytest.param(_dbapi("57014"), id="statement timeout"),
        pytest.param(_dbapi("57P01"), id="server shutting down"),
        pytest.param(_dbapi("42P01"), id="no such table (not migrated yet)"),
        pytest.param(
            OperationalError("SELECT 1", {}, ConnectionResetError()), id="OperationalError"
        ),
        pytest.param(InterfaceError("SELECT 1", {}, Exception("closed")), id="InterfaceError"),
        pytest.param(ConnectionRefusedError(), id="database down"),
        pytest.param(TimeoutError(), id="timeout"),
        pytest.param(RuntimeError("a defect in a handler"), id="anything else"),
    ],
)
def test_a_fault_of_the_infrastructure_or_the_code_is_not_poison(fault: Exception) -> None:
    assert not refused_as_data(fault)


# -- SQLite and the in-process bus ------------------------------------------------------


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A consumer's database; the CHECK makes SQLite refuse case ids starting with 'refused'."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}")
    await create_tables(
        engine,
        "CREATE TABLE poison_effect (case_id TEXT PRIMARY KEY CHECK (case_id NOT LIKE 'refused%'))",
    )
    yield engine
    await engine.dispose()


async def test_a_direct_delivery_the_database_refuses_raises_until_the_bound_then_becomes_a_dead_letter(
    sqlite_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="avhopp.inbox")
    handler = WritesCaseId()
    consumer = consumer_on(sqlite_engine, handler)
    poison = application_envelope("refused-1")

    for _ in range(DATA_FAULT_ATTEMPTS - 1):
        with pytest.raises(IntegrityError):
            await consumer(poison)
    await consumer(poison)  # the last attempt sets it aside: the bus may go on

    assert handler.calls == [poison.id] * DATA_FAULT_ATTEMPTS
    assert await rows(sqlite_engine, "SELECT * FROM poison_effect") == []
    assert await rows(sqlite_engine, "SELECT * FROM inbox") == []
    [letter] = await rows(
        sqlite_engine,
        "SELECT consumer, event_id, event_type, case_id, attempts, error, envelope, "
        "replayed_at FROM inbox_dead_letter",
    )
    assert letter[:5] == (GROUP, poison.id, poison.type, "refused-1", DATA_FAULT_ATTEMPTS)
    assert letter.error.startswith("IntegrityError: CHECK constraint failed")
    assert EventEnvelope.from_json_bytes(letter.envelope) == poison
    assert letter.replayed_at is None
    [dead] = messages(caplog, logging.ERROR, "avhopp.inbox")
    assert poison.id in dead and poison.type in dead and "refused-1" in dead
    assert len(messages(caplog, logging.WARNING, "avhopp.inbox")) == DATA_FAULT_ATTEMPTS - 1


async def test_another_agencys_event_set_aside_keeps_no_data_and_is_not_replayed_here(
    sqlite_engine: AsyncEngine,
) -> None:
    # The gate showed the handler only what police may see of social services'
    # event; the envelope as it came holds the rest, which police may not keep.
    def new_uow() -> UnitOfWork:
        return UnitOfWork(
            session_factory(sqlite_engine), source="/avhopp/threat", acting_agency="police"
        )

    consumer = InboxConsumer(
        GROUP, new_uow, {ApplicationReceived.event_type: WritesCaseId()}, own_agency="police"
    )
    poison = application_envelope("refused-2")
    assert poison.acting_agency == "social"

    for _ in range(DATA_FAULT_ATTEMPTS - 1):
        with pytest.raises(IntegrityError):
            await consumer(poison)
    await consumer(poison)
    report = await consumer.replay_dead_letters()

    [letter] = await rows(sqlite_engine, "SELECT event_id, envelope FROM inbox_dead_letter")
    kept = json.loads(letter.envelope)
    assert (letter.event_id, kept["id"], kept["type"]) == (poison.id, poison.id, poison.type)
    assert "data" not in kept
    assert (report.replayed, report.failed) == ([], [poison.id])


async def test_a_transient_fault_is_retried_past_the_bound_and_never_becomes_a_dead_letter(
    sqlite_engine: AsyncEngine,
) -> None:
    down = OperationalError("BEGIN", {}, ConnectionRefusedError("the database is down"))
    handler = WritesCaseId(failure=down, fail_first=DATA_FAULT_ATTEMPTS + 2)
    consumer = consumer_on(sqlite_engine, handler)
    event = application_envelope("case-1")

    for _ in range(DATA_FAULT_ATTEMPTS + 2):
        with pytest.raises(OperationalError):
            await consumer(event)
    await consumer(event)

    assert await processed(sqlite_engine, event)
    assert await rows(sqlite_engine, "SELECT case_id FROM poison_effect") == [("case-1",)]
    assert await rows(sqlite_engine, "SELECT * FROM inbox_dead_letter") == []


async def test_a_dead_letter_is_replayed_once_its_cause_is_fixed_and_only_once(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}")
    try:
        await create_tables(engine, "CREATE TABLE poison_effect (case_id TEXT PRIMARY KEY)")
        async with engine.begin() as connection:  # a stale row: the effect breaks its key
            await connection.execute(text("INSERT INTO poison_effect VALUES ('case-1')"))
        consumer = consumer_on(engine, WritesCaseId())
        poison = application_envelope("case-1")
        for _ in range(DATA_FAULT_ATTEMPTS - 1):
            with pytest.raises(IntegrityError):
                await consumer(poison)
        await consumer(poison)
        assert len(await rows(engine, "SELECT * FROM inbox_dead_letter")) == 1

        still_broken = await consumer.replay_dead_letters()
        assert (still_broken.replayed, still_broken.failed) == ([], [poison.id])

        async with engine.begin() as connection:  # the cause, fixed
            await connection.execute(text("DELETE FROM poison_effect"))
        report = await consumer.replay_dead_letters()
        assert (report.replayed, report.failed) == ([poison.id], [])
        assert await processed(engine, poison)
        assert await rows(engine, "SELECT case_id FROM poison_effect") == [("case-1",)]
        [(replayed_at,)] = await rows(engine, "SELECT replayed_at FROM inbox_dead_letter")
        assert replayed_at is not None

        again = await consumer.replay_dead_letters()
        assert (again.replayed, again.failed) == ([], [])
    finally:
        await engine.dispose()


async def test_on_the_in_process_bus_an_event_the_database_refuses_becomes_a_dead_letter_and_the_next_one_is_processed(
    sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    producer = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'producer.db'}")
    bus = InProcessBus()
    relay = OutboxRelay(
        producer,
        bus,
        name="producer",
        poll_seconds=0.05,
        backoff_initial_seconds=0.01,
        backoff_max_seconds=0.05,
    )
    handler = WritesCaseId()
    bus.subscribe(GROUP, [TOPIC], consumer_on(sqlite_engine, handler))
    try:
        async with producer.begin() as connection:
            await connection.run_sync(SQLModel.metadata.tables["outbox"].create)
        await bus.start()
        async with UnitOfWork(
            session_factory(producer), source="/avhopp/intake", acting_agency="social"
        ) as uow:
            # One relay batch: the refused event first, then a genuine one.
            poison = uow.emit(application_received("refused-1"), case_id="refused-1")
            genuine = uow.emit(application_received("case-2"), case_id="case-2")
            await uow.commit()
        await relay.start()

        await eventually(
            lambda: processed(sqlite_engine, genuine), "the genuine event was processed"
        )
        await eventually(
            lambda: _no_pending(relay), "the relay published the batch and marked it sent"
        )
        # Each publish offers the batch first, then the events one by one: only
        # the deliveries one by one count towards the bound.
        assert handler.calls.count(poison.id) >= DATA_FAULT_ATTEMPTS
        [letter] = await rows(sqlite_engine, "SELECT event_id, attempts FROM inbox_dead_letter")
        assert tuple(letter) == (poison.id, DATA_FAULT_ATTEMPTS)
        assert await rows(sqlite_engine, "SELECT case_id FROM poison_effect") == [("case-2",)]
    finally:
        await relay.stop()
        await bus.stop()
        await producer.dispose()


async def _no_pending(relay: OutboxRelay) -> bool:
    return await relay.pending() == 0


async def test_on_the_in_process_bus_a_record_that_is_not_an_envelope_is_logged_with_its_place_and_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="avhopp.bus.inprocess")
    seen: list[str] = []

    async def handler(envelope: EventEnvelope) -> None:
        seen.append(envelope.id)

    bus = InProcessBus()
    bus.subscribe(GROUP, [TOPIC], handler)
    await bus.start()
    genuine = application_envelope("case-1")
    too_long = application_envelope("case-1").model_copy(update={"id": TOO_LONG_ID})
    await bus.publish([wire(too_long, "case-1"), wire(genuine, "case-1")])

    assert seen == [genuine.id]
    [skipped] = messages(caplog, logging.ERROR, "avhopp.bus.inprocess")
    assert f"topic={TOPIC} key=case-1" in skipped
    assert "ValidationError: id" in skipped
    assert TOO_LONG_ID not in skipped  # the value is not logged


# -- PostgreSQL and Kafka -----------------------------------------------------------------


@pytest.fixture
async def pg_engine(create_pg_databases: CreateDatabases) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(create_pg_databases(["poison"])["poison"])
    await create_tables(engine, "CREATE TABLE poison_effect (case_id text NOT NULL)")
    yield engine
    await engine.dispose()


@dataclass
class OnKafka:
    """A bus on the test broker, and a topic and a consumer group no other test uses (a
    group new to a topic starts at its beginning)."""

    bus: KafkaBus
    topic: str
    group: str

    async def start(self, engine: AsyncEngine, handler: WritesCaseId) -> None:
        self.bus.subscribe(self.group, [self.topic], consumer_on(engine, handler, self.group))
        await self.bus.start()

    async def publish(self, key: str, *envelopes: EventEnvelope) -> None:
        await self.bus.publish([wire(envelope, key, self.topic) for envelope in envelopes])


@pytest.fixture
async def kafka(kafka_broker: TansuBroker) -> AsyncIterator[OnKafka]:
    """The consumer backs off 0.2 s after a failure, doubling up to 1 s."""
    tag = uuid.uuid4().hex[:8]
    topic = f"test.poison.{tag}"
    bus = KafkaBus(
        kafka_broker.bootstrap_servers,
        client_id=f"test-{tag}",
        topics=[topic],
        partitions=6,
        consumer_options=FAST_GROUPS,
        backoff_initial_seconds=0.2,
        backoff_max_seconds=1.0,
        publish_timeout_seconds=2.0,
        stop_grace_seconds=1.0,
    )
    yield OnKafka(bus, topic, f"{GROUP}.{tag}")
    await bus.stop()


@pytest.mark.kafka
@pytest.mark.postgres
async def test_on_kafka_and_postgresql_a_too_long_event_id_does_not_hold_back_the_next_event_on_its_partition(
    kafka: OnKafka, pg_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="avhopp.bus.kafka")
    handler = WritesCaseId()
    await kafka.start(pg_engine, handler)
    key = f"case-{uuid.uuid4().hex[:8]}"  # one key: one partition, in this order
    too_long = application_envelope(key).model_copy(update={"id": TOO_LONG_ID})
    genuine = application_envelope(key)
    await kafka.publish(key, too_long, genuine)

    await eventually(lambda: processed(pg_engine, genuine), "the event behind it was processed")
    assert handler.calls == [genuine.id]
    assert await rows(pg_engine, "SELECT case_id FROM poison_effect") == [(key,)]
    [skipped] = messages(caplog, logging.ERROR, "avhopp.bus.kafka")
    assert "not an event envelope" in skipped
    assert f"group={kafka.group} topic={kafka.topic} partition=" in skipped
    assert "offset=" in skipped and "ValidationError: id" in skipped


@pytest.mark.kafka
@pytest.mark.postgres
async def test_on_kafka_an_event_postgresql_refuses_as_data_becomes_a_dead_letter_after_the_bounded_retries_and_the_next_event_is_processed(
    kafka: OnKafka, pg_engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="avhopp.inbox")
    handler = WritesCaseId()
    await kafka.start(pg_engine, handler)
    key = f"case-{uuid.uuid4().hex[:8]}"
    # Valid JSON and a valid payload, but PostgreSQL cannot store NUL in text.
    poison = application_envelope(f"{key}\x00")
    genuine = application_envelope(key)
    await kafka.publish(key, poison, genuine)

    await eventually(lambda: processed(pg_engine, genuine), "the event behind it was processed")
    # The first fetch may offer both together, once; then the poison goes alone.
    assert handler.calls.count(poison.id) in (DATA_FAULT_ATTEMPTS, DATA_FAULT_ATTEMPTS + 1)
    assert handler.calls[-1:] == [genuine.id]
    assert handler.calls.count(genuine.id) == 1
    assert await rows(pg_engine, "SELECT case_id FROM poison_effect") == [(key,)]
    [letter] = await rows(
        pg_engine,
        "SELECT event_id, event_type, case_id, attempts, error, envelope FROM inbox_dead_letter",
    )
    assert letter[:4] == (poison.id, poison.type, f"{key}\\x00", DATA_FAULT_ATTEMPTS)
    assert "SQLSTATE 22021" in letter.error
    assert EventEnvelope.from_json_bytes(letter.envelope) == poison  # the NUL included
    [dead] = messages(caplog, logging.ERROR, "avhopp.inbox")
    assert "dead letter" in dead and poison.id in dead and poison.type in dead
    assert len(messages(caplog, logging.WARNING, "avhopp.inbox")) == DATA_FAULT_ATTEMPTS - 1


@pytest.mark.kafka
@pytest.mark.postgres
async def test_on_kafka_a_transient_database_fault_is_retried_past_the_bound_and_never_becomes_a_dead_letter(
    kafka: OnKafka, pg_engine: AsyncEngine
) -> None:
    # What a lost connection looks like to the handler (asyncpg's ConnectionResetError).
    lost = OperationalError("SELECT 1", {}, ConnectionResetError("connection reset by peer"))
    handler = WritesCaseId(failure=lost, fail_first=DATA_FAULT_ATTEMPTS + 2)
    await kafka.start(pg_engine, handler)
    key = f"case-{uuid.uuid4().hex[:8]}"
    event, behind = application_envelope(key), application_envelope(key)
    await kafka.publish(key, event, behind)

    await eventually(lambda: processed(pg_engine, behind), "both events were processed")
    assert handler.calls == [event.id] * (DATA_FAULT_ATTEMPTS + 3) + [behind.id]
    assert await processed(pg_engine, event)
    assert await rows(pg_engine, "SELECT case_id FROM poison_effect") == [(key,), (key,)]
    assert await rows(pg_engine, "SELECT * FROM inbox_dead_letter") == []
