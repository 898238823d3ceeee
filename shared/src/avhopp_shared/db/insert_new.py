"""Insert a row unless one with its key is already there, in one statement.

Used where an effect must stay idempotent without first reading whether it
already happened: one round trip instead of two. ``ON CONFLICT DO NOTHING``
is spelt the same on SQLite and PostgreSQL but is built by each dialect's own
``insert``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_new(
    session: AsyncSession, model: type[SQLModel], values: Mapping[str, Any]
) -> bool:
    """Adds the row in the session's transaction; False when its key was already taken."""
    connection = await session.connection()
    result = await connection.execute(_statement(connection.dialect.name, model), dict(values))
    return bool(result.rowcount)


@cache
def _statement(dialect: str, model: type[SQLModel]) -> Executable:
    # Built once per table: building a statement costs more than running it.
    table: Table = model.__table__  # type: ignore[attr-defined]
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return build(table).on_conflict_do_nothing()
