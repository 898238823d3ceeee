"""SQLAlchemy's aiosqlite adapter, with every statement run on the event loop's own thread.

aiosqlite runs each call on the connection's worker thread: a queue hand-off,
a wake-up of that thread, and a wake-up of the event loop through its
self-pipe to deliver the result. For statements that take microseconds on a
local file this hand-off was most of the cost: measured on the embedded
platform, it doubled the CPU an application costs and made up more than half
of the event path's latency. Here the cursor, commit and rollback call the
sqlite3 connection directly, inline; connecting and closing still go through
aiosqlite, and pool, dialect and error translation stay SQLAlchemy's own.

Why blocking the loop is sound here: each database file has exactly one
connection in the process (db/engine.py), so a statement never waits for
another transaction of this process: it waits on nothing but the file.
Only another process writing the same file could make it wait (up to the
busy timeout); the embedded mode is one process per set of database files.
A checkpoint's fsync (every ~1,000 WAL pages) takes a few milliseconds. The
price: a long query (ISU statistics over a large year, say) holds every service
of the embedded process for its duration, where a worker thread held only its
own service; the scaled-out mode (PostgreSQL) is unaffected.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, int, int | None, list[Any]]


async def _inline(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """A coroutine that never suspends: SQLAlchemy insists every statement be awaited
    (``AwaitRequired``), and awaiting this costs a greenlet switch, not a loop round trip."""
    return _run_statement(connection, operation, parameters, many)


def _run_statement(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """The whole statement in one call: open a cursor, execute, fetch, close."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose statement runs inline, in one call."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: InlineConnection) -> None:
        # No driver cursor is opened here: each execute opens and closes its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        try:
            connection: sqlite3.Connection = self._connection._conn
            outcome = await_(_inline(connection, operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)


class InlineConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    _cursor_cls = InlineCursor  # type: ignore[assignment]

    def commit(self) -> None:
        self._end(sqlite3.Connection.commit)

    def rollback(self) -> None:
        self._end(sqlite3.Connection.rollback)

    def _end(self, how: Callable[[sqlite3.Connection], None]) -> None:
        # As the stock adapter: a connection already closed has nothing to end.
        if self._connection._connection:
            try:
                how(self._connection._conn)
            except Exception as error:
                self._handle_exception(error)


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Given to the engine as ``module=``: SQLAlchemy's aiosqlite dialect, this cursor."""

    def connect(self, *arg: Any, **kw: Any) -> InlineConnection:
        # aiosqlite opens the connection on its worker thread; it is then used
        # from the event loop's (never from two threads at once: see above).
        kw["check_same_thread"] = False
        stock = super().connect(*arg, **kw)
        return InlineConnection(self, stock._connection)


def inline_dbapi() -> InlineDBAPI:
    return InlineDBAPI(aiosqlite, sqlite3)
