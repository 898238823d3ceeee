"""The inline SQLite cursor behaves as SQLAlchemy's own: rows, counts, ids, errors."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from avhopp_shared.db.engine import create_engine


async def test_rows_counts_ids_and_many_parameter_sets_come_back_as_sqlalchemy_expects(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            inserted = await connection.execute(text("INSERT INTO t (v) VALUES ('a')"))
            await connection.execute(
                text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}]
            )
            updated = await connection.execute(text("UPDATE t SET v = v || '!' WHERE id > 1"))
            rows = (await connection.execute(text("SELECT id, v FROM t ORDER BY id"))).all()

        assert inserted.lastrowid == 1
        assert updated.rowcount == 2
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
    finally:
        await engine.dispose()


async def test_a_constraint_violation_is_sqlalchemys_integrity_error_and_rolls_back(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (v TEXT UNIQUE)"))
            await connection.execute(text("INSERT INTO t VALUES ('a')"))

        async def insert_b_then_a_again() -> None:
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t VALUES ('b')"))
                await connection.execute(text("INSERT INTO t VALUES ('a')"))

        with pytest.raises(IntegrityError):
            await insert_b_then_a_again()
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT count(*) FROM t")) == 1
    finally:
        await engine.dispose()


async def test_statements_run_on_the_event_loops_own_thread_without_a_worker_hand_off(
    tmp_path: Path,
) -> None:
    # The embedded platform's latency depends on it (db/sqlite_driver.py).
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    seen: list[int] = []
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            sqlite = raw.driver_connection._conn  # type: ignore[union-attr]
            sqlite.create_function("caller_thread", 0, lambda: seen.append(threading.get_ident()))
            await connection.execute(text("SELECT caller_thread()"))
        assert seen == [threading.get_ident()]
    finally:
        await engine.dispose()
