"""A unit of work entered again while open stays one transaction."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.db.engine import session_factory
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.events import application_received


def _uow(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(session_factory(engine), source="/avhopp/test", acting_agency="social")


async def _outbox_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(
            await connection.scalar(text("SELECT count(DISTINCT event_id) FROM outbox")) or 0
        )


async def test_an_inner_block_joins_the_outer_transaction_and_only_the_outer_exit_ends_it(
    engine: AsyncEngine,
) -> None:
    uow = _uow(engine)
    async with uow:
        outer = uow.session
        async with uow:
            assert uow.session is outer
            uow.emit(application_received("case-1"), case_id="case-1")
        assert uow.session is outer  # still open after the inner exit
    # Never committed: the outer exit rolled it all back.
    assert await _outbox_rows(engine) == 0


async def test_what_an_inner_block_commits_stays_when_the_outer_block_fails_later(
    engine: AsyncEngine,
) -> None:
    uow = _uow(engine)
    try:
        async with uow:
            async with uow:
                uow.emit(application_received("case-1"), case_id="case-1")
                await uow.commit()
            raise RuntimeError("a later step fails")
    except RuntimeError:
        pass

    assert await _outbox_rows(engine) == 1
    async with uow:  # and the unit of work can be used again afterwards
        uow.emit(application_received("case-2"), case_id="case-2")
        await uow.commit()
    assert await _outbox_rows(engine) == 2
