"""Events a consumer cannot read: refused unread, set aside with the reason, never guessed at.

A payload its model refuses, a copy missing a field it does not say was
withheld, or a schema version newer than the model's (a publisher upgraded
before its consumers) fails the same way on every delivery. The consumer sets
it aside as a dead letter and goes on; a release that reads it replays it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.events import registry
from avhopp_shared.events.case_events import ApplicationReceived, EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.registry import NewerSchemaVersion, UnreadablePayload, parse_payload
from avhopp_shared.messaging.inbox import InboxConsumer
from avhopp_shared.messaging.tables import DeadLetter, InboxMessage, OutboxMessage
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.events import application_envelope, police_application_copy

GROUP = "avhopp.test"


# -- reading: the registry ----------------------------------------------------------------


def test_an_event_of_a_newer_schema_version_is_refused_unread_even_when_its_data_validates() -> (
    None
):
    newer = application_envelope().model_copy(update={"schema_version": 7})

    with pytest.raises(NewerSchemaVersion) as refused:
        parse_payload(newer)

    assert str(refused.value) == (
        "case.application_received: schema version 7 is newer than this consumer reads (1)"
    )


def test_an_event_of_an_older_schema_version_is_read_with_todays_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    older = application_envelope("c-1")
    assert older.schema_version == 1
    monkeypatch.setattr(ApplicationReceived, "schema_version", 2)  # the model moved on

    parsed = parse_payload(older)

    assert isinstance(parsed, ApplicationReceived) and parsed.case_id == "c-1"


def test_a_copy_missing_a_field_it_does_not_say_was_withheld_cannot_be_read() -> None:
    copy = police_application_copy()
    missing = copy.model_copy(
        update={"data": {k: v for k, v in copy.data.items() if k != "applicant_under_18"}}
    )

    with pytest.raises(UnreadablePayload, match="applicant_under_18 is missing"):
        parse_payload(missing)


# -- the consumer -------------------------------------------------------------------------


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'consumer.db'}")
    async with engine.begin() as connection:
        for model in (OutboxMessage, InboxMessage, DeadLetter):
            await connection.run_sync(SQLModel.metadata.tables[model.__tablename__].create)
    yield engine
    await engine.dispose()


class Applied:
    def __init__(self) -> None:
        self.cases: list[str] = []

    async def __call__(
        self, uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
    ) -> None:
        self.cases.append(envelope.subject)


def _consumer(engine: AsyncEngine, handler: Applied, own_agency: str) -> InboxConsumer:
    def new_uow() -> UnitOfWork:
        return UnitOfWork(session_factory(engine), source="/avhopp/test", acting_agency=own_agency)

    return InboxConsumer(
        GROUP, new_uow, {ApplicationReceived.event_type: handler}, own_agency=own_agency
    )


async def _rows(engine: AsyncEngine, query: str) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(text(query))).all())


async def test_the_reason_an_event_was_set_aside_names_the_field_but_not_the_value(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("ERROR", logger="avhopp.inbox")
    copy = police_application_copy()
    wrong = copy.model_copy(update={"data": {**copy.data, "municipality": "Hemliga gatan 1"}})

    await _consumer(engine, Applied(), own_agency="police")(wrong)

    [(error, kept)] = await _rows(engine, "SELECT error, envelope FROM inbox_dead_letter")
    assert error.startswith("ValidationError: ApplicationReceived: municipality: ")
    assert "Hemliga gatan" not in error
    assert all("Hemliga gatan" not in record.getMessage() for record in caplog.records)
    # Social services' event, set aside by police: its data is not kept here.
    assert "data" not in json.loads(kept)


async def test_an_event_replayed_while_still_unreadable_stays_set_aside_once(
    engine: AsyncEngine,
) -> None:
    handler = Applied()
    consumer = _consumer(engine, handler, own_agency="social")
    newer = application_envelope("c-1").model_copy(update={"schema_version": 2})
    await consumer(newer)

    report = await consumer.replay_dead_letters()

    assert (report.replayed, report.failed) == ([], [newer.id])
    assert await _rows(engine, "SELECT attempts, replayed_at FROM inbox_dead_letter") == [(1, None)]
    assert handler.cases == []


async def test_an_event_set_aside_unread_is_applied_by_replay_once_the_consumer_reads_it(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = Applied()
    consumer = _consumer(engine, handler, own_agency="social")
    newer = application_envelope("c-1").model_copy(update={"schema_version": 2})
    await consumer(newer)
    assert handler.cases == []

    monkeypatch.setattr(ApplicationReceived, "schema_version", 2)  # the upgrade
    report = await consumer.replay_dead_letters()
    await consumer(newer)  # delivered again afterwards: processed, no second effect

    assert (report.replayed, report.failed) == ([newer.id], [])
    assert handler.cases == ["c-1"]
    assert await _rows(engine, "SELECT event_id FROM inbox") == [(newer.id,)]
    [(replayed_at,)] = await _rows(engine, "SELECT replayed_at FROM inbox_dead_letter")
    assert replayed_at is not None


def _of_a_newer_release(case_id: str = "c-1") -> EventEnvelope:
    """An event of a type a newer release publishes; this release has no model for it."""
    return application_envelope(case_id).model_copy(update={"type": "case.newly_invented"})


async def test_an_event_of_a_type_this_release_does_not_know_is_set_aside_not_skipped(
    engine: AsyncEngine,
) -> None:
    handler = Applied()
    consumer = _consumer(engine, handler, own_agency="social")
    unknown = _of_a_newer_release()

    await consumer(unknown)
    await consumer(unknown)  # delivered again: set aside once

    [(event_id, error)] = await _rows(engine, "SELECT event_id, error FROM inbox_dead_letter")
    assert (event_id, error) == (
        unknown.id,
        "case.newly_invented: an event type this release does not know",
    )
    assert handler.cases == []


async def test_a_known_type_this_consumer_does_not_handle_is_skipped_without_a_dead_letter(
    engine: AsyncEngine,
) -> None:
    consumer = _consumer(engine, Applied(), own_agency="social")
    known = application_envelope("c-1").model_copy(update={"type": "case.consent_withdrawn"})

    await consumer(known)

    assert await _rows(engine, "SELECT event_id FROM inbox_dead_letter") == []


async def test_an_event_of_an_unknown_type_is_applied_by_replay_once_the_consumer_handles_it(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    unknown = _of_a_newer_release()
    await _consumer(engine, Applied(), own_agency="social")(unknown)

    # The upgrade: the release knows the type, and this consumer handles it.
    monkeypatch.setitem(registry.EVENT_TYPES, "case.newly_invented", ApplicationReceived)
    handler = Applied()

    def new_uow() -> UnitOfWork:
        return UnitOfWork(session_factory(engine), source="/avhopp/test", acting_agency="social")

    upgraded = InboxConsumer(GROUP, new_uow, {"case.newly_invented": handler}, own_agency="social")
    report = await upgraded.replay_dead_letters()

    assert (report.replayed, report.failed) == ([unknown.id], [])
    assert handler.cases == ["c-1"]


async def test_a_dead_letter_of_a_type_an_upgraded_consumer_does_not_handle_is_done_with(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    consumer = _consumer(engine, Applied(), own_agency="social")
    unknown = _of_a_newer_release()
    await consumer(unknown)

    monkeypatch.setitem(registry.EVENT_TYPES, "case.newly_invented", ApplicationReceived)
    report = await consumer.replay_dead_letters()

    assert (report.replayed, report.failed) == ([unknown.id], [])
