from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.db.engine import create_engine
from avhopp_shared.messaging.tables import InboxMessage, OutboxMessage


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A SQLite database holding just the outbox and inbox tables."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'messaging.db'}")
    async with engine.begin() as connection:
        for table in (OutboxMessage.__table__, InboxMessage.__table__):  # type: ignore[attr-defined]
            await connection.run_sync(table.create)
    yield engine
    await engine.dispose()
