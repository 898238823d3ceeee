"""``python -m avhopp_<service> replay-dead-letters``: an operator applies what was set aside.

An event the database refused as data is set aside on its fifth delivery
(README, "Events"); once the cause is fixed, the command applies each again
through the consumer's inbox and gate. It writes to the service's database
only: the running service's relay publishes what the replay caused.
"""

from __future__ import annotations

import importlib
import json
import uuid

import pytest
from sqlalchemy import insert, select

from avhopp_shared.cli import replay_dead_letters, republish
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.messaging.tables import DeadLetter, OutboxMessage
from avhopp_shared.service_app import ServiceDefinition, ServiceRuntime
from tests.fixtures.database import count_rows, install_failing_trigger, remove_failing_trigger
from tests.fixtures.events import application_envelope
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until

_dead_letters = DeadLetter.__table__  # type: ignore[attr-defined]
_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


def _social(platform: RunningPlatform) -> tuple[ServiceRuntime, ServiceDefinition]:
    runtime = platform.runtime("social")
    return runtime, importlib.import_module("avhopp_social.app").definition(runtime.settings)


async def _set_aside(runtime: ServiceRuntime, case_id: str, *, with_data: bool = True) -> str:
    """An application the social service set aside, as its consumer stores one."""
    envelope = application_envelope(case_id).model_copy(update={"id": str(uuid.uuid4())})
    document = envelope.model_dump(mode="json", by_alias=True, exclude_none=True)
    if not with_data:
        del document["data"]  # another agency's event: its data was never kept
    async with runtime.engine.begin() as connection:
        await connection.execute(
            insert(_dead_letters).values(
                consumer=runtime.settings.consumer_group,
                event_id=envelope.id,
                event_type=envelope.type,
                case_id=case_id,
                envelope=json.dumps(document).encode(),
                error="DataError: value too long (fixed since)",
                attempts=5,
                failed_at=utcnow(),
            )
        )
    return envelope.id


async def _replayed(runtime: ServiceRuntime, event_id: str) -> bool:
    async with runtime.engine.connect() as connection:
        replayed_at = await connection.scalar(
            select(_dead_letters.c.replayed_at).where(_dead_letters.c.event_id == event_id)
        )
    return replayed_at is not None


async def test_a_replayed_application_opens_its_investigation_and_is_marked_replayed(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime, definition = _social(embedded_platform)
    case_id = str(uuid.uuid4())
    event_id = await _set_aside(runtime, case_id)
    before = await embedded_platform.get_as(
        "social-malmo", "social", f"/cases/{case_id}/investigation"
    )

    status = await replay_dead_letters(definition)

    assert before.status_code == 404
    assert status == 0
    assert "1 dead letters replayed" in capsys.readouterr().out
    after = await embedded_platform.get_as(
        "social-malmo", "social", f"/cases/{case_id}/investigation"
    )
    assert after.status_code == 200, after.text
    assert await _replayed(runtime, event_id)
    # Once more: nothing left to apply, and the investigation is not opened twice.
    assert await replay_dead_letters(definition) == 0
    assert "0 dead letters replayed" in capsys.readouterr().out


async def test_a_dead_letter_that_cannot_be_applied_is_named_and_fails_the_command(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime, definition = _social(embedded_platform)
    event_id = await _set_aside(runtime, str(uuid.uuid4()), with_data=False)

    status = await replay_dead_letters(definition)

    assert status == 1
    assert f"still set aside: {event_id}" in capsys.readouterr().out
    assert not await _replayed(runtime, event_id)


async def test_another_agencys_event_set_aside_reaches_it_once_its_sender_publishes_it_again(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    platform = embedded_platform
    threat, intake = platform.runtime("threat"), platform.runtime("intake")
    await install_failing_trigger(threat, "threat_assessment_task")
    case_id = (await platform.submit(application_body())).json()["case_id"]
    assert await wait_until(lambda: _count(threat, "inbox_dead_letter", 1), timeout=30)
    await remove_failing_trigger(threat, "threat_assessment_task")
    async with threat.engine.connect() as connection:
        event_id = await connection.scalar(select(_dead_letters.c.event_id))
    police = importlib.import_module("avhopp_threat.app").definition(threat.settings)

    social_copy_sent = await _sent_at(intake, str(event_id), "social")
    assert social_copy_sent is not None

    # Police kept none of social services' data: only the sender can send it again.
    assert await replay_dead_letters(police) == 1
    assert await republish(intake.settings, str(event_id), "police") == 0
    task = await platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")

    assert task.status_code == 200, task.text
    assert await replay_dead_letters(police) == 0
    assert await _replayed(threat, str(event_id))
    out = capsys.readouterr().out
    assert f"event {event_id} goes to police again" in out
    # Social services' own copy was not sent again: their services had it.
    assert await _sent_at(intake, str(event_id), "social") == social_copy_sent


async def test_republishing_an_event_the_service_never_sent_fails(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = embedded_platform.runtime("intake").settings
    unknown = str(uuid.uuid4())

    assert await republish(settings, unknown, "police") == 1
    assert f"no event {unknown} for police" in capsys.readouterr().out


async def _count(runtime: ServiceRuntime, table: str, expected: int) -> bool:
    return await count_rows(runtime, table) == expected


async def _sent_at(runtime: ServiceRuntime, event_id: str, agency: str) -> object:
    query = select(_outbox.c.published_at).where(
        _outbox.c.event_id == event_id, _outbox.c.topic.startswith(f"avhopp.for-{agency}.")
    )
    async with runtime.engine.connect() as connection:
        return await connection.scalar(query)
