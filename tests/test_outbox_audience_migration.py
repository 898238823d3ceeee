"""The migration that splits events not yet published into one copy per receiving agency.

Before it, an event went once to its family's topic (``avhopp.social``), which
police's services read whole. After it, what is still unsent goes out as the
unit of work now writes it: social services' copy whole on
``avhopp.for-social.social``, police's cut to what police may receive on
``avhopp.for-police.social``, or none where that would be the case reference
alone (social services' 0022; the other services' own migrations run the same
operation). What was sent is history and stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.access.event_audiences import platform_audiences
from avhopp_shared.db.engine import create_engine
from avhopp_shared.events.envelope import EventEnvelope
from tests.fixtures.postgres import CreateDatabases
from tests.test_responsibility_migrations import _envelope, _upgrade

AID, STAY, SENT, BROKEN, DECIDED = (f"00000000-0000-4000-8000-00000000001{n}" for n in range(5))
AID_DECIDED = {
    "case_id": "c-1",
    "decision_id": "d-1",
    "aid_type": "protected_housing",
    "outcome": "granted",
    "valid_from": "2026-10-01",
    "valid_to": None,
    "decided_on": "2026-10-01",
}
SENT_AT = datetime(2026, 10, 1, 12, tzinfo=UTC)
RECORDED = {"case_id": "c-1", "residence": "1280", "stay": "1281"}
INTERVENTIONS = {
    "case_id": "c-1",
    "decided_on": "2026-10-01",
    "intervention_types": ["protected_housing"],
}


async def _insert(
    engine: AsyncEngine, rows: list[tuple[str, str, str, Mapping[str, object], datetime | None]]
) -> None:
    async with engine.begin() as connection:
        for event_id, topic, event_type, data, published_at in rows:
            await connection.execute(
                text(
                    "INSERT INTO outbox (event_id, topic, key, event_type, payload, "
                    "created_at, published_at, attempts) "
                    "VALUES (:id, :topic, 'c-1', :type, :payload, "
                    "'2026-10-01 11:00:00', :published, 0)"
                ),
                {
                    "id": event_id,
                    "topic": topic,
                    "type": event_type,
                    "payload": _envelope(event_id, event_type, data),
                    "published": published_at,
                },
            )


async def _split(engine: AsyncEngine) -> list[tuple[str, str, EventEnvelope, bool]]:
    """(event id, topic, envelope, published) of every outbox row after 0022, in id order."""
    try:
        await _upgrade(engine, "social", "0021")
        await _insert(
            engine,
            [
                (SENT, "avhopp.social", "social.aid_decided", AID_DECIDED, SENT_AT),
                (AID, "avhopp.social", "social.aid_decided", AID_DECIDED, None),
                (STAY, "avhopp.responsibility", "responsibility.recorded", RECORDED, None),
                (DECIDED, "avhopp.social", "social.interventions_decided", INTERVENTIONS, None),
                (BROKEN, "avhopp.social", "social.interventions_decided", {"case_id": "c-1"}, None),
            ],
        )
        await _upgrade(engine, "social", "0022")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT event_id, topic, payload, published_at FROM outbox ORDER BY id")
                )
            ).all()
        # One event id may now be in the outbox once per topic, and once only.
        with pytest.raises(IntegrityError):
            await _insert(
                engine, [(AID, "avhopp.for-social.social", "social.aid_decided", {}, None)]
            )
        await _insert(engine, [(SENT, "avhopp.for-police.social", "social.aid_decided", {}, None)])
        return [
            (event_id, topic, EventEnvelope.from_json_bytes(bytes(payload)), published is not None)
            for event_id, topic, payload, published in rows
        ]
    finally:
        await engine.dispose()


def _assert_split(rows: list[tuple[str, str, EventEnvelope, bool]]) -> None:
    assert [(event_id, topic, published) for event_id, topic, _, published in rows] == [
        (SENT, "avhopp.social", True),  # sent: history, where it went
        # Police would keep only the case reference of an aid decision or of where
        # responsibility lies: they get no copy (that it happened is withheld too).
        (AID, "avhopp.for-social.social", False),
        (STAY, "avhopp.for-social.responsibility", False),
        (DECIDED, "avhopp.for-police.social", False),
        (DECIDED, "avhopp.for-social.social", False),
        # Not a payload the policy can cut: whole, to the publisher's own services only.
        (BROKEN, "avhopp.for-social.social", False),
    ]
    envelopes = [envelope for _, _, envelope, _ in rows]
    assert envelopes[0].data == AID_DECIDED
    # Social services' copies: whole, as they were.
    assert envelopes[1].data == AID_DECIDED and envelopes[1].withheld is None
    assert envelopes[2].data == RECORDED and envelopes[2].withheld is None
    # That social services decided on interventions, and their types, police may receive.
    assert envelopes[3].data == INTERVENTIONS and envelopes[3].withheld is None
    assert envelopes[4].data == INTERVENTIONS
    assert envelopes[5].data == {"case_id": "c-1"}
    # Every copy keeps the event's id, type, time and acting agency.
    for _, _, envelope, _ in rows[3:5]:
        assert (envelope.id, envelope.type, envelope.acting_agency) == (
            DECIDED,
            "social.interventions_decided",
            "social",
        )


async def test_unsent_events_are_split_into_one_copy_per_agency_on_sqlite(tmp_path: Path) -> None:
    _assert_split(await _split(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'split.db'}")))


@pytest.mark.postgres
async def test_unsent_events_are_split_into_one_copy_per_agency_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    _assert_split(await _split(create_engine(create_pg_databases(["social"])["social"])))


async def test_the_split_reads_no_service_settings_so_a_deployed_service_migrates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a deployed service runs its migrations: its settings need a database URL
    # under its own prefix, so settings of no service cannot be read at all.
    monkeypatch.setenv("AVHOPP_ENVIRONMENT", "production")
    monkeypatch.delenv("AVHOPP_DATABASE_URL", raising=False)
    platform_audiences.cache_clear()
    try:
        _assert_split(await _split(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'split.db'}")))
    finally:
        platform_audiences.cache_clear()
