"""Rows written with a Core INSERT behave as rows the ORM would have flushed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.db.engine import session_factory
from avhopp_shared.db.insert_row import insert_row
from avhopp_shared.messaging.tables import InboxMessage

SEEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _row(event_id: str) -> dict[str, object]:
    return {
        "consumer": "avhopp.threat",
        "event_id": event_id,
        "event_type": "case.application_received",
        "processed_at": SEEN,
    }


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT count(*) FROM inbox")) or 0)


async def test_a_row_is_readable_in_its_transaction_and_kept_only_when_it_commits(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        await insert_row(session, InboxMessage, _row("e-1"))
        found = await session.get(InboxMessage, ("avhopp.threat", "e-1"))
        assert found is not None and found.processed_at == SEEN
        await session.rollback()
    assert await _count(engine) == 0

    async with sessions() as session:
        await insert_row(session, InboxMessage, _row("e-1"))
        await session.commit()
    assert await _count(engine) == 1


async def test_a_taken_key_raises_at_once_and_the_transaction_keeps_nothing(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    async with sessions() as session:
        await insert_row(session, InboxMessage, _row("e-1"))
        await session.commit()
    async with sessions() as session:
        await insert_row(session, InboxMessage, _row("e-2"))
        with pytest.raises(IntegrityError):
            await insert_row(session, InboxMessage, _row("e-1"))
        await session.rollback()
    assert await _count(engine) == 1
