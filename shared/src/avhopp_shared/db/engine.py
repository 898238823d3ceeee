"""Async engines for the two supported databases: SQLite (embedded) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.db.sqlite_driver import inline_dbapi


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection per database file: every transaction begins IMMEDIATE
        # (see below), so no two could run at once anyway, and waiting for the
        # pool hands the database over the moment it is free, where SQLite's
        # own busy handler sleeps in steps of 1, 2, 5, 10 ms... The embedded
        # mode is one process per database, so this is the only queue there is.
        engine = create_async_engine(
            url,
            connect_args={"timeout": 30},
            module=inline_dbapi(),
            pool_size=1,
            max_overflow=0,
            pool_timeout=30,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    # No ping before each checkout: it is a round trip on every transaction.
    # A connection the server dropped fails its first statement instead; that
    # request answers 503 (nothing half-written) and the pool discards its
    # connections, so the next request gets fresh ones. Recycling keeps
    # connections younger than any idle timeout in between.
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN; take control so that
    # writers serialise at BEGIN IMMEDIATE instead of failing on lock upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # The audit log's append-only guard is a pair of BEFORE UPDATE / BEFORE
    # DELETE triggers. INSERT OR REPLACE removes the row it collides with by
    # an implicit delete, and SQLite fires delete triggers for that only when
    # recursive triggers are on (https://sqlite.org/lang_conflict.html,
    # REPLACE): without this, REPLACE rewrites an audit entry in place.
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
