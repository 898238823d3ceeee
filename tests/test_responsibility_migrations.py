"""The migration that ends the municipalities of stay earlier transfers left behind.

A transfer ends the stay (2 a kap. 10 § SoL); records made before that rule
still held one. Social services' record (0020) and the copies intake (0015)
and follow-up (0014) keep are cleared alike, so that every service agrees.

And the one that keeps the day a stay was recorded (social services' 0025,
intake's and follow-up's 0018): stays recorded before it keep no day and are
read as before.

And the one that moves responsibility events not yet published off the topic
police read (social services' 0021).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Table, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.access.responsibility_queries import read_responsibility
from avhopp_shared.access.responsibility_tables import ResponsibilityCopyRow, TransferCopyRow
from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import alembic_config
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.municipal_responsibility import Responsibility
from avhopp_social.adapters.tables import ResponsibilityRecord, TransferRecord
from tests.fixtures.postgres import CreateDatabases

#: service → (revision before, record table, transfer table)
BEFORE = {
    "social": ("0019", "social_responsibility", "social_responsibility_transfer"),
    "intake": ("0014", "access_responsibility", "access_responsibility_transfer"),
    "followup": ("0013", "access_responsibility", "access_responsibility_transfer"),
}
MALMO, LUND, GBG, UMEA = "1280", "1281", "1480", "2480"


async def _upgrade(engine: AsyncEngine, service: str, revision: str) -> None:
    package = importlib.import_module(f"avhopp_{service}")
    config = alembic_config(Path(package.__file__ or "").parent / "migrations")

    def upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)


async def _downgrade(engine: AsyncEngine, service: str, revision: str) -> None:
    package = importlib.import_module(f"avhopp_{service}")
    config = alembic_config(Path(package.__file__ or "").parent / "migrations")

    def downgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)


async def _stays_after_the_migration(engine: AsyncEngine, service: str) -> dict[str, str | None]:
    before, record, transfers = BEFORE[service]
    try:
        await _upgrade(engine, service, before)
        async with engine.begin() as connection:
            for case_id, stay in (
                ("moved-on", LUND),  # Lund handed the case on: its stay is stale
                ("moved-to-stay", UMEA),  # the case moved where the person stays
                ("never-moved", LUND),  # no transfer: the stay holds
                ("no-stay", None),
            ):
                await connection.execute(
                    text(f"INSERT INTO {record} (case_id, residence, stay) VALUES (:c, :r, :s)"),
                    {"c": case_id, "r": MALMO, "s": stay},
                )
            for transfer_id, case_id, to, effective in (
                ("t-1", "moved-on", LUND, date(2026, 10, 1)),
                ("t-2", "moved-on", GBG, date(2026, 11, 1)),
                ("t-3", "moved-to-stay", UMEA, date(2026, 11, 1)),
                ("t-4", "no-stay", LUND, date(2026, 11, 1)),
            ):
                await connection.execute(
                    text(
                        f"INSERT INTO {transfers} (transfer_id, case_id, to_municipality, "
                        "requested_on, decided_on, effective_on) "
                        "VALUES (:t, :c, :to, :e, :e, :e)"
                    ),
                    {"t": transfer_id, "c": case_id, "to": to, "e": effective},
                )
        await _upgrade(engine, service, "head")
        async with engine.connect() as connection:
            rows = (await connection.execute(text(f"SELECT case_id, stay FROM {record}"))).all()
        return {case_id: stay for case_id, stay in rows}
    finally:
        await engine.dispose()


EXPECTED = {"moved-on": None, "moved-to-stay": UMEA, "never-moved": LUND, "no-stay": None}


@pytest.mark.parametrize("service", sorted(BEFORE))
async def test_a_stay_an_earlier_transfer_ended_is_cleared_on_sqlite(
    service: str, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'stay.db'}")
    assert await _stays_after_the_migration(engine, service) == EXPECTED


@pytest.mark.postgres
@pytest.mark.parametrize("service", sorted(BEFORE))
async def test_a_stay_an_earlier_transfer_ended_is_cleared_on_postgresql(
    service: str, create_pg_databases: CreateDatabases
) -> None:
    engine = create_engine(create_pg_databases([service])[service])
    assert await _stays_after_the_migration(engine, service) == EXPECTED


OLD_RECORDED, OLD_TRANSFERRED = (
    "social.responsibility_recorded",
    "social.responsibility_transferred",
)
E1, E2, E3, E4 = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 5))


def _envelope(event_id: str, event_type: str, data: Mapping[str, object]) -> bytes:
    return EventEnvelope(
        id=event_id,
        source="/avhopp/social",
        type=event_type,
        subject="c-1",
        schema_version=1,
        acting_agency="social",
        data=dict(data),
    ).to_json_bytes()


async def test_unsent_responsibility_events_leave_the_topic_police_read_on_migration(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    recorded = {"case_id": "c-1", "residence": MALMO, "stay": LUND}
    transferred = {
        "case_id": "c-1",
        "transfer_id": "t-1",
        "to_municipality": LUND,
        "requested_on": "2026-10-01",
        "decided_on": "2026-10-01",
        "effective_on": "2026-10-01",
    }
    rows = (
        (E1, OLD_RECORDED, recorded, None),
        (E2, OLD_TRANSFERRED, transferred, None),
        (E3, OLD_TRANSFERRED, transferred, "2026-10-01 12:00:00"),  # sent: history
        (E4, "social.interventions_decided", {"case_id": "c-1"}, None),
    )
    try:
        await _upgrade(engine, "social", "0020")
        async with engine.begin() as connection:
            for event_id, event_type, data, published_at in rows:
                await connection.execute(
                    text(
                        "INSERT INTO outbox (event_id, topic, key, event_type, payload, "
                        "created_at, published_at, attempts) "
                        "VALUES (:id, 'avhopp.social', 'c-1', :type, :payload, "
                        "'2026-10-01 11:00:00', :published, 0)"
                    ),
                    {
                        "id": event_id,
                        "type": event_type,
                        "payload": _envelope(event_id, event_type, data),
                        "published": published_at,
                    },
                )
        # 0021 alone: 0022 then splits whatever is unsent per receiving agency
        # (tests/test_outbox_audience_migration.py).
        await _upgrade(engine, "social", "0021")
        async with engine.connect() as connection:
            after = (
                await connection.execute(
                    text("SELECT event_id, topic, event_type, payload FROM outbox ORDER BY id")
                )
            ).all()
    finally:
        await engine.dispose()

    read = {
        event_id: (topic, event_type, EventEnvelope.from_json_bytes(bytes(payload)))
        for event_id, topic, event_type, payload in after
    }
    assert {event_id: (topic, event_type) for event_id, (topic, event_type, _) in read.items()} == {
        E1: ("avhopp.responsibility", "responsibility.recorded"),
        E2: ("avhopp.responsibility", "responsibility.transferred"),
        E3: ("avhopp.social", OLD_TRANSFERRED),
        E4: ("avhopp.social", "social.interventions_decided"),
    }
    # The envelope names the new type too, and keeps everything else.
    assert read[E1][2].type == "responsibility.recorded"
    assert read[E1][2].data == recorded
    assert read[E1][2].id == E1
    assert read[E2][2].data == transferred


_COPY: tuple[Table, Table] = (ResponsibilityCopyRow.__table__, TransferCopyRow.__table__)  # type: ignore[attr-defined]
_SOCIAL: tuple[Table, Table] = (ResponsibilityRecord.__table__, TransferRecord.__table__)  # type: ignore[attr-defined]
#: service → (revision before the stay's day was kept, record and transfer tables)
BEFORE_STAY_SINCE = {
    "social": ("0024", _SOCIAL),
    "intake": ("0017", _COPY),
    "followup": ("0017", _COPY),
}


async def _stay_across_the_stay_since_migration(
    engine: AsyncEngine, service: str
) -> tuple[Responsibility, list[str]]:
    """The stay recorded before the migration as read after it, and the record's
    columns once downgraded again."""
    before, (record, transfers) = BEFORE_STAY_SINCE[service]
    try:
        await _upgrade(engine, service, before)
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    f"INSERT INTO {record.name} (case_id, residence, stay) VALUES ('c-1', :r, :s)"
                ),
                {"r": MALMO, "s": UMEA},
            )
            await connection.execute(
                text(
                    f"INSERT INTO {transfers.name} (transfer_id, case_id, to_municipality, "
                    "requested_on, decided_on, effective_on) VALUES ('t-1', 'c-1', :to, :e, :e, :e)"
                ),
                {"to": LUND, "e": date(2026, 11, 1)},
            )
        await _upgrade(engine, service, "head")
        async with engine.connect() as connection:
            held = await read_responsibility(connection, record, transfers, "c-1")
        await _downgrade(engine, service, before)
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda sync: [column["name"] for column in inspect(sync).get_columns(record.name)]
            )
    finally:
        await engine.dispose()
    assert held is not None
    return held, columns


def _check_stay_across(held: Responsibility, columns: list[str]) -> None:
    # No day known: the stay is kept as recorded and read as it was, ended by the move.
    assert (held.stay, held.stay_since) == (UMEA, None)
    assert held.stay_on(date(2026, 10, 31)) == UMEA
    assert held.stay_on(date(2026, 11, 1)) is None
    assert "stay_since" not in columns
    assert "stay" in columns


@pytest.mark.parametrize("service", sorted(BEFORE_STAY_SINCE))
async def test_stays_recorded_before_their_day_was_kept_are_read_as_before_on_sqlite(
    service: str, tmp_path: Path
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'stay-since.db'}")
    _check_stay_across(*await _stay_across_the_stay_since_migration(engine, service))


@pytest.mark.postgres
@pytest.mark.parametrize("service", sorted(BEFORE_STAY_SINCE))
async def test_stays_recorded_before_their_day_was_kept_are_read_as_before_on_postgresql(
    service: str, create_pg_databases: CreateDatabases
) -> None:
    engine = create_engine(create_pg_databases([service])[service])
    _check_stay_across(*await _stay_across_the_stay_since_migration(engine, service))
