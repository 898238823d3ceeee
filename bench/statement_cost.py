"""What one SQL statement costs on PostgreSQL through each layer: the database layer's share.

The distributed path runs a few dozen statements per case
(:mod:`bench.statement_count`); this says what each costs where. The same
single-row INSERT (an inbox row: three short strings and a timestamp) runs
``STATEMENTS`` times in one transaction on one pooled connection of an engine
made as the services make theirs, through:

``core``      SQLAlchemy Core on the ``AsyncConnection``, as the platform runs
              its statements (compiled-statement cache, bind processing,
              result set, the greenlet hand-off);
``driver_sql`` the same connection's ``exec_driver_sql``: SQL text and
              positional parameters, SQLAlchemy's execution without compiling;
``asyncpg``   the asyncpg connection under it (``driver_connection``), in
              the same transaction.

The three run in turn, in rounds, the order rotating; each figure is the
median over rounds of this process's CPU time (and wall time) per statement.
The transaction is rolled back: only the statements are timed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, MetaData, String, Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from avhopp_shared.db.engine import create_engine

STATEMENTS = 200
ROUNDS = 12

_metadata = MetaData()
_table = Table(
    "bench_statement_cost",
    _metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)
_CORE = insert(_table)
_SQL = (
    "INSERT INTO bench_statement_cost (consumer, event_id, event_type, processed_at) "
    "VALUES ($1, $2, $3, $4)"
)

_Variant = Callable[[AsyncConnection, int, int], Awaitable[None]]


async def _core(connection: AsyncConnection, round_: int, index: int) -> None:
    await connection.execute(_CORE, _row(round_, index))


async def _driver_sql(connection: AsyncConnection, round_: int, index: int) -> None:
    row = _row(round_, index)
    await connection.exec_driver_sql(_SQL, tuple(row.values()))


async def _asyncpg(connection: AsyncConnection, round_: int, index: int) -> None:
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    await raw.execute(_SQL, *_row(round_, index).values())


VARIANTS: dict[str, tuple[str, _Variant]] = {
    "core": ("SQLAlchemy Core, as the services run statements", _core),
    "driver_sql": ("exec_driver_sql on the same connection", _driver_sql),
    "asyncpg": ("the asyncpg connection under it, same transaction", _asyncpg),
}


def _row(round_: int, index: int) -> dict[str, Any]:
    return {
        "consumer": "bench",
        "event_id": f"{round_:04d}-{index:06d}",
        "event_type": "case.application_received",
        "processed_at": datetime.now(UTC),
    }


async def measure(database_url: str) -> dict[str, Any]:
    """{variant: {what, cpu_us, wall_us}}: per statement, the median over rounds."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_metadata.create_all)
        spent: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in VARIANTS}
        names = list(VARIANTS)
        for round_ in range(ROUNDS):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                cpu, wall = await _timed(engine, VARIANTS[name][1], round_)
                spent[name][0].append(cpu)
                spent[name][1].append(wall)
        return {
            name: {
                "what": VARIANTS[name][0],
                "cpu_us": round(statistics.median(cpus), 1),
                "wall_us": round(statistics.median(walls), 1),
            }
            for name, (cpus, walls) in spent.items()
        }
    finally:
        await engine.dispose()


async def _timed(engine: Any, variant: _Variant, round_: int) -> tuple[float, float]:
    async with engine.connect() as connection:
        # The transaction begins on SQLAlchemy's first statement (the driver's
        # own would run outside it, in autocommit), and the variant's caches
        # are warmed, before the clock starts.
        await connection.exec_driver_sql("SELECT 1")
        await variant(connection, round_, STATEMENTS)
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        for index in range(STATEMENTS):
            await variant(connection, round_, index)
        cpu = time.process_time() - cpu_started
        wall = time.perf_counter() - wall_started
        await connection.rollback()
    return cpu * 1e6 / STATEMENTS, wall * 1e6 / STATEMENTS
