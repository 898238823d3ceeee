"""An event a service cannot read is set aside, holds back nothing, and is not lost.

A malformed cut copy (a field missing that it does not say was withheld) and
an event of a schema version newer than the consumer's release (the publisher
upgraded first, README "Events") would be refused on every delivery. Each is
set aside at once in the consuming service's ``inbox_dead_letter``, with the
reason; the events behind it go on, and ``replay-dead-letters`` applies it once
the service reads it.
"""

from __future__ import annotations

import importlib
import json
import uuid

import pytest
from sqlalchemy import insert, select

from avhopp_shared.cli import replay_dead_letters
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.messaging.tables import DeadLetter, OutboxMessage, outbox_row
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.database import count_rows
from tests.fixtures.events import application_envelope, police_application_copy
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until

_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
_dead_letters = DeadLetter.__table__  # type: ignore[attr-defined]


async def _letters(runtime: ServiceRuntime, event_id: str) -> list[tuple[str, bytes, object]]:
    query = select(_dead_letters.c.error, _dead_letters.c.envelope, _dead_letters.c.replayed_at)
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(query.where(_dead_letters.c.event_id == event_id))
    return [(row.error, bytes(row.envelope), row.replayed_at) for row in rows]


async def _investigation_status(platform: RunningPlatform, case_id: str) -> int:
    response = await platform.get_as("social-malmo", "social", f"/cases/{case_id}/investigation")
    return response.status_code


async def test_a_copy_missing_a_field_it_does_not_say_was_withheld_is_set_aside_and_holds_back_no_later_application(
    embedded_platform: RunningPlatform,
) -> None:
    intake, threat = embedded_platform.runtime("intake"), embedded_platform.runtime("threat")
    bad = police_application_copy(str(uuid.uuid4()), missing=("applicant_under_18",))
    async with intake.engine.begin() as connection:
        await connection.execute(
            insert(_outbox).values(**outbox_row(bad, "avhopp.for-police.case"))
        )

    case_id = (await embedded_platform.submit(application_body())).json()["case_id"]

    async def police_hold_the_task() -> bool:
        response = await embedded_platform.get_as(
            "police-syd", "threat", f"/cases/{case_id}/threat-assessment-task"
        )
        return response.status_code == 200

    assert await wait_until(police_hold_the_task, timeout=15), "the later application was held back"
    [(error, kept, _)] = await _letters(threat, bad.id)
    assert "applicant_under_18 is missing, and its category is not withheld" in error
    # Social services' event: police keep none of its data (ACCESS.md).
    assert "data" not in json.loads(kept)
    assert await count_rows(threat, "inbox", f"WHERE event_id = '{bad.id}'") == 0


async def test_an_application_of_a_newer_schema_version_is_set_aside_with_the_reason_and_not_applied(
    embedded_platform: RunningPlatform,
) -> None:
    social = embedded_platform.runtime("social")
    case_id = str(uuid.uuid4())
    whole = application_envelope(case_id)
    newer = whole.model_copy(
        update={"schema_version": 2, "data": {**whole.data, "interpreter_needed": True}}
    )
    assert social.consumer is not None

    await social.consumer(newer)  # returns: the bus goes on
    await social.consumer(newer)  # delivered again: set aside once

    [(error, kept, replayed_at)] = await _letters(social, newer.id)
    assert "schema version 2 is newer than this consumer reads (1)" in error
    assert EventEnvelope.from_json_bytes(kept) == newer  # social services' own: kept whole
    assert replayed_at is None
    assert await _investigation_status(embedded_platform, case_id) == 404


async def test_an_event_of_an_unknown_schema_version_is_not_applied_as_the_known_one(
    embedded_platform: RunningPlatform,
) -> None:
    social = embedded_platform.runtime("social")
    case_id = str(uuid.uuid4())
    newer = application_envelope(case_id).model_copy(update={"schema_version": 7})
    assert social.consumer is not None

    await social.consumer(newer)

    # Version 7 may mean anything: applied under version 1's meaning, it was guessed at.
    assert await _investigation_status(embedded_platform, case_id) == 404
    [(error, _, _)] = await _letters(social, newer.id)
    assert "schema version 7 is newer than this consumer reads (1)" in error


async def test_replay_dead_letters_applies_an_application_of_a_newer_schema_version_once_the_service_reads_it(
    embedded_platform: RunningPlatform,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    social = embedded_platform.runtime("social")
    definition = importlib.import_module("avhopp_social.app").definition(social.settings)
    case_id = str(uuid.uuid4())
    newer = application_envelope(case_id).model_copy(update={"schema_version": 2})
    assert social.consumer is not None
    await social.consumer(newer)

    # Before the upgrade: still unreadable, still set aside, and named.
    assert await replay_dead_letters(definition) == 1
    assert f"still set aside: {newer.id}" in capsys.readouterr().out
    assert await _investigation_status(embedded_platform, case_id) == 404

    monkeypatch.setattr(ApplicationReceived, "schema_version", 2)  # the upgraded release
    assert await replay_dead_letters(definition) == 0

    assert await _investigation_status(embedded_platform, case_id) == 200
    [(_, _, replayed_at)] = await _letters(social, newer.id)
    assert replayed_at is not None
