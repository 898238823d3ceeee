"""Each transfer of the responsibility takes effect on a day of its own (2 a kap. 10 § SoL),
even when several are sent at once: the record is locked while one is checked, and
the database stores no second transfer of a case for the same day (social's 0024).
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.db.engine import create_engine
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform
from tests.fixtures.postgres import CreateDatabases
from tests.test_responsibility_migrations import _upgrade
from tests.test_social_municipality import social_case

MALMO, LUND, GBG, UMEA, STOCKHOLM = "1280", "1281", "1480", "2480", "0180"


@pytest.fixture(
    params=[
        pytest.param(
            "distributed", id="postgres+kafka", marks=[pytest.mark.postgres, pytest.mark.kafka]
        )
    ]
)
def mode(request: pytest.FixtureRequest) -> str:
    # Only PostgreSQL runs two transactions at once; SQLite's begin one after another.
    return str(request.param)


async def test_transfers_in_flight_together_for_one_day_record_one(
    platform: RunningPlatform,
) -> None:
    case_id = await social_case(platform)
    social = platform.clients["social"]
    today = today_in_sweden()
    day = (today + timedelta(days=10)).isoformat()
    bodies = [
        {
            "to_municipality": to,
            "requested_on": today.isoformat(),
            "decided_on": today.isoformat(),
            "effective_on": day,
        }
        for to in (LUND, GBG, UMEA, STOCKHOLM)
    ]

    answers = await asyncio.gather(
        *(social.post(f"/cases/{case_id}/responsibility/transfers", json=b) for b in bodies)
    )

    runtime = platform.runtime("social")
    where = f"WHERE case_id = '{case_id}'"
    announced = f"WHERE key = '{case_id}' AND event_type = 'responsibility.transferred'"
    # The caller is off the case team: once one is recorded, the rest meet a pending
    # transfer, refused alike whatever its day (it is the team's to read).
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409], [a.text for a in answers]
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["detail"].startswith("a transfer is pending"), refused.text
    assert await count_rows(runtime, "social_responsibility_transfer", where) == 1
    assert await count_events(runtime, announced) == 1


_INSERT = text(
    "INSERT INTO social_responsibility_transfer (transfer_id, case_id, to_municipality, "
    "requested_on, decided_on, effective_on) VALUES (:id, :case, :to, :on, :on, :effective)"
)
DAY = date(2026, 12, 1)


def _row(transfer_id: str, case_id: str, to: str, effective: date = DAY) -> dict[str, object]:
    return {
        "id": transfer_id,
        "case": case_id,
        "to": to,
        "on": date(2026, 11, 20),
        "effective": effective,
    }


async def _one_transfer_a_day(engine: AsyncEngine) -> None:
    try:
        await _upgrade(engine, "social", "head")
        async with engine.begin() as connection:
            await connection.execute(_INSERT, _row("t-1", "c-1", LUND))
            await connection.execute(_INSERT, _row("t-2", "c-1", GBG, DAY + timedelta(days=1)))
            await connection.execute(_INSERT, _row("t-3", "c-2", GBG))
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(_INSERT, _row("t-4", "c-1", GBG))
    finally:
        await engine.dispose()


async def test_the_database_stores_no_second_transfer_of_a_case_for_one_day_on_sqlite(
    tmp_path: Path,
) -> None:
    await _one_transfer_a_day(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'social.db'}"))


@pytest.mark.postgres
async def test_the_database_stores_no_second_transfer_of_a_case_for_one_day_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    await _one_transfer_a_day(create_engine(create_pg_databases(["social"])["social"]))


async def _migrated(engine: AsyncEngine) -> tuple[str, list[tuple[str, str]]]:
    """The refusal while two differing transfers share a day, then the rows once settled."""
    try:
        await _upgrade(engine, "social", "0023")
        async with engine.begin() as connection:
            # A retried request stored twice: the same transfer, kept once.
            await connection.execute(_INSERT, _row("t-b", "repeated", LUND))
            await connection.execute(_INSERT, _row("t-a", "repeated", LUND))
            # Two municipalities' decisions for one day: not the migration's to choose.
            await connection.execute(_INSERT, _row("t-c", "differing", LUND))
            await connection.execute(_INSERT, _row("t-d", "differing", GBG))
            await connection.execute(_INSERT, _row("t-e", "apart", LUND))
            await connection.execute(_INSERT, _row("t-f", "apart", GBG, DAY + timedelta(days=1)))
        with pytest.raises(RuntimeError) as stopped:
            await _upgrade(engine, "social", "0024")
        async with engine.begin() as connection:
            await connection.execute(
                text("DELETE FROM social_responsibility_transfer WHERE transfer_id = 't-c'")
            )
        await _upgrade(engine, "social", "0024")
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT case_id, transfer_id FROM social_responsibility_transfer "
                    "ORDER BY case_id, transfer_id"
                )
            )
            return str(stopped.value), [(case_id, transfer_id) for case_id, transfer_id in rows]
    finally:
        await engine.dispose()


EXPECTED = [("apart", "t-e"), ("apart", "t-f"), ("differing", "t-d"), ("repeated", "t-a")]


async def test_the_migration_keeps_one_of_a_repeated_transfer_and_stops_at_differing_ones_on_sqlite(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'social.db'}")
    refusal, rows = await _migrated(engine)
    assert "1 day(s)" in refusal
    assert rows == EXPECTED


@pytest.mark.postgres
async def test_the_migration_keeps_one_of_a_repeated_transfer_and_stops_at_differing_ones_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    refusal, rows = await _migrated(create_engine(create_pg_databases(["social"])["social"]))
    assert "1 day(s)" in refusal
    assert rows == EXPECTED
