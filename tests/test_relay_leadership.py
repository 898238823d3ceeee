"""On PostgreSQL, one relay per service publishes at a time; leadership passes when it stops."""

from __future__ import annotations

import pytest

from avhopp_intake.app import definition
from avhopp_intake.settings import IntakeSettings
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.events.topics import AUDIENCES
from avhopp_shared.messaging.relay import OutboxRelay
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.events import application_received
from tests.fixtures.postgres import CreateDatabases

pytestmark = pytest.mark.postgres


async def test_a_second_replica_publishes_nothing_until_the_leader_stops(
    create_pg_databases: CreateDatabases,
) -> None:
    url = create_pg_databases(["intake"])["intake"]
    engine = create_engine(url)
    bus = InProcessBus()
    await bus.start()
    leader = OutboxRelay(engine, bus, name="intake")
    replica = OutboxRelay(engine, bus, name="intake")
    try:
        await upgrade_to_head(engine, definition(IntakeSettings(database_url=url)).migrations)
        uow = UnitOfWork(session_factory(engine), source="/avhopp/intake", acting_agency="social")
        async with uow:
            for case_id in ("a", "b"):
                uow.emit(
                    application_received(case_id),
                    case_id=case_id,
                )
            await uow.commit()

        # (Records: each event goes out once per receiving agency.)
        assert await leader.publish_pending() == 2 * len(AUDIENCES)
        async with uow:
            uow.emit(
                application_received("c"),
                case_id="c",
            )
            await uow.commit()
        assert await replica.publish_pending() == 0  # the leader still holds the lock

        await leader.stop()
        assert await replica.publish_pending() == len(AUDIENCES)
        assert await replica.pending() == 0
    finally:
        await leader.stop()
        await replica.stop()
        await engine.dispose()
