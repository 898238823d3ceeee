"""Insert a row unless one with its key is already there, in one statement.

Used where an effect must stay idempotent without first reading whether it
already happened: one round trip instead of two. ``ON CONFLICT DO NOTHING``
is spelt the same on SQLite and PostgreSQL but is built by each dialect's own
``insert``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_new(
    session: AsyncSession, model: type[SQLModel], values: Mapping[str, Any]
) -> bool:
    """Adds the row in the session's transaction; False when its key was already taken."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    connection = await session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(dict(values)).on_conflict_do_nothing()
    result = await connection.execute(statement)
    return bool(result.rowcount)
