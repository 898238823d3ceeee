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

from avhopp_shared.cli import replay_dead_letters
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.messaging.tables import DeadLetter
from avhopp_shared.service_app import ServiceDefinition, ServiceRuntime
from tests.fixtures.events import application_envelope
from tests.fixtures.platform import RunningPlatform

_dead_letters = DeadLetter.__table__  # type: ignore[attr-defined]


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
