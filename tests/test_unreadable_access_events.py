"""An access event a consumer cannot read yet puts its case on hold: nothing of the case
is disclosed until the event takes effect (ACCESS.md, "Consent": a withdrawal takes
effect at once for every later event delivery; "Audit": fail closed)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from avhopp_shared.access.state_handlers import ACCESS_HANDLERS
from avhopp_shared.access.state_hold import HOLDING_EVENT_TYPES, AccessStateHoldRow
from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.database import count_rows
from tests.fixtures.events import application_envelope, envelope_of
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import _consent
from tests.test_threat_assessments import assessment, known_case

HOLD = AccessStateHoldRow.__tablename__


async def _withdrawal_of_a_newer_version(p: RunningPlatform, case_id: str) -> EventEnvelope:
    """A withdrawal of the case's consent to social services for police's threat data,
    published by an intake already upgraded to a schema version follow-up cannot read;
    delivered to follow-up, which sets it aside."""
    followup = p.runtime("followup")
    consent_id = await _consent(p, case_id, "social", "threat")
    withdrawn = envelope_of(
        ConsentWithdrawn(case_id=case_id, consent_id=consent_id, withdrawn_at=utcnow()), case_id
    )
    newer = withdrawn.model_copy(update={"schema_version": ConsentWithdrawn.schema_version + 1})
    assert followup.consumer is not None
    await followup.consumer(newer)
    assert await count_rows(followup, "inbox_dead_letter", f"WHERE event_id = '{newer.id}'") == 1
    return newer


async def _assessed_high(p: RunningPlatform, case_id: str) -> None:
    """Police assess the threat as high; returns once follow-up took the new level in."""
    assessed = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert assessed.status_code == 201, assessed.text
    followup = p.runtime("followup")
    level = f"WHERE case_id = '{case_id}' AND level = 'high'"

    async def kept() -> bool:
        return await count_rows(followup, "access_threat_level", level) == 1

    assert await wait_until(kept, timeout=10)


async def _police_entries(runtime: ServiceRuntime, case_id: str) -> int:
    where = f"WHERE case_id = '{case_id}' AND reported_by = 'police'"
    return await count_rows(runtime, "followup_timeline_entry", where)


async def test_a_withdrawal_of_a_newer_schema_version_holds_the_case_so_police_data_is_no_longer_kept_or_shown(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await known_case(p)
    # Read once before: a decision the gate cached then must not outlive the hold.
    before = await p.eventually("followup", f"/cases/{case_id}/timeline")
    assert before.status_code == 200, before.text
    newer = await _withdrawal_of_a_newer_version(p, case_id)
    held = f"WHERE case_id = '{case_id}' AND event_id = '{newer.id}'"
    assert await count_rows(followup, HOLD, held) == 1

    await _assessed_high(p, case_id)

    assert await _police_entries(followup, case_id) == 0
    timeline = await p.clients["followup"].get(f"/cases/{case_id}/timeline")
    assert timeline.status_code == 404, timeline.text
    # The audit entry of the refused delivery names the hold, never a value.
    named = f"WHERE case_id = '{case_id}' AND withheld LIKE '%access state unknown%'"
    assert await count_rows(followup, "audit_log", named) > 0


async def test_a_hold_on_one_case_leaves_the_others_disclosed(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    held_case = await known_case(p)
    other_case = await known_case(p)
    await _consent(p, other_case, "social", "threat")
    await _withdrawal_of_a_newer_version(p, held_case)

    await _assessed_high(p, other_case)

    async def noted() -> bool:
        return await _police_entries(followup, other_case) > 0

    assert await wait_until(noted, timeout=10)
    timeline = await p.clients["followup"].get(f"/cases/{other_case}/timeline")
    assert timeline.status_code == 200, timeline.text
    assert [e for e in timeline.json()["entries"] if e["reported_by"] == "police"]
    assert await count_rows(followup, HOLD, f"WHERE case_id = '{other_case}'") == 0


async def test_replaying_the_withdrawal_once_it_can_be_read_lifts_the_hold_and_withdraws_the_consent(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await known_case(p)
    newer = await _withdrawal_of_a_newer_version(p, case_id)
    consent_id = newer.data["consent_id"]

    # Follow-up upgraded: it reads the new version now.
    monkeypatch.setattr(ConsentWithdrawn, "schema_version", newer.schema_version)
    assert followup.consumer is not None
    report = await followup.consumer.replay_dead_letters()

    assert report.replayed == [newer.id]
    assert await count_rows(followup, HOLD, f"WHERE case_id = '{case_id}'") == 0
    withdrawn = f"WHERE consent_id = '{consent_id}' AND status = 'withdrawn'"
    assert await count_rows(followup, "access_consent", withdrawn) == 1
    # The case is seen again, without what the withdrawn consent opened.
    await _assessed_high(p, case_id)
    timeline = await p.clients["followup"].get(f"/cases/{case_id}/timeline")
    assert timeline.status_code == 200, timeline.text
    assert [e for e in timeline.json()["entries"] if e["reported_by"] == "police"] == []


async def test_an_unreadable_event_that_changes_no_access_is_only_set_aside(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await known_case(p)
    application = application_envelope(case_id)
    newer = application.model_copy(update={"schema_version": application.schema_version + 1})
    assert followup.consumer is not None
    await followup.consumer(newer)

    assert await count_rows(followup, "inbox_dead_letter", f"WHERE event_id = '{newer.id}'") == 1
    assert await count_rows(followup, HOLD) == 0
    timeline = await p.clients["followup"].get(f"/cases/{case_id}/timeline")
    assert timeline.status_code == 200, timeline.text


def test_the_events_that_hold_a_case_are_those_the_gate_keeps_its_state_from() -> None:
    assert frozenset(ACCESS_HANDLERS) == HOLDING_EVENT_TYPES


def _hold_differences(connection: Connection) -> list[object]:
    def only_holds(
        item: object, name: str | None, kind: str, reflected: bool, other: object
    ) -> bool:
        return getattr(getattr(item, "table", item), "name", name) == HOLD

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": only_holds}
    )
    return list(compare_metadata(context, SQLModel.metadata))


@pytest.mark.parametrize("service", ["intake", "threat", "social", "followup"])
async def test_every_service_migrates_to_the_hold_table_its_model_describes(
    service: str, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}")
    package = importlib.import_module(f"avhopp_{service}")
    try:
        await upgrade_to_head(engine, Path(package.__file__ or "").parent / "migrations")
        async with engine.connect() as connection:
            assert await connection.run_sync(_hold_differences) == []
            tables = await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync))
        assert HOLD in tables
    finally:
        await engine.dispose()
