"""Insert one row with a Core statement, in the session's transaction.

Where the code has no further use for the row as an object (it neither
changes it later in the transaction nor needs it from the identity map), this
is the cheaper way to write it: ``session.add`` and the flush that follows run
the ORM's unit of work (identity map, mapper events, one flush plan per
object), which on PostgreSQL measured about 450 µs of CPU per row against
about 145 µs for the same row through a Core ``INSERT``. The rows of the
per-case event path (the consent records on intake, the timeline and phase
entries on follow-up) are written this way; the case itself goes through
``insert_new``, whose conflict clause answers a retry with the same key.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_row(
    session: AsyncSession, model: type[SQLModel], values: Mapping[str, Any]
) -> None:
    """Adds the row in the session's transaction (a taken key raises, as a flush would)."""
    connection = await session.connection()
    await connection.execute(_statement(model), dict(values))


@cache
def _statement(model: type[SQLModel]) -> Insert:
    # Built once per table: building a statement costs more than running it.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return insert(table)
