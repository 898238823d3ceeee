"""The outbox relay: publishes committed outbox rows in order, marks them sent.

Order: rows are read by ascending id and published as one ordered batch, so
one case's events (same key) leave in the order they were committed. A batch
that fails is retried whole, with exponential backoff, until the bus takes it
— nothing is skipped, so nothing is reordered, and a broker outage only delays
delivery. Records may be delivered more than once (a crash between publish and
"mark sent"); the consumers' inbox makes that harmless.

With several replicas of a service on PostgreSQL, a session advisory lock
held on the relay's own connection elects one publisher, so that two relays
never interleave a case's events.
"""

from __future__ import annotations

import asyncio
import logging
import random
import zlib
from contextlib import suppress

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from avhopp_shared.backoff import backoff_delay
from avhopp_shared.bus.base import Bus, OutboundRecord
from avhopp_shared.events.envelope import RECORD_HEADERS, utcnow
from avhopp_shared.messaging.tables import OutboxMessage

log = logging.getLogger("avhopp.outbox.relay")

_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
# Built once (the batch query once per relay, for its batch size): each batch
# runs both, and building and keying a statement (about 50 µs for each of
# these) costs more than running it on SQLite.
_MARK_SENT = (
    update(_outbox)
    .where(_outbox.c.id.in_(bindparam("ids", expanding=True)))
    .values(published_at=bindparam("now"))
)


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        bus: Bus,
        *,
        name: str,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        backoff_initial_seconds: float = 0.1,
        backoff_max_seconds: float = 15.0,
    ) -> None:
        self._engine = engine
        self._bus = bus
        self._name = name
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._backoff_initial = backoff_initial_seconds
        self._backoff_max = backoff_max_seconds
        self._pending = (
            select(_outbox.c.id, _outbox.c.topic, _outbox.c.key, _outbox.c.payload)
            .where(_outbox.c.published_at.is_(None))
            .order_by(_outbox.c.id)
            .limit(batch_size)
        )
        self._lock_key = zlib.crc32(f"avhopp.outbox.{name}".encode())
        self._is_postgres = engine.dialect.name == "postgresql"
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._held: AsyncConnection | None = None

    def notify(self) -> None:
        """Called after a commit that wrote outbox rows: publish now rather than at the next poll."""
        self._wakeup.set()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self._name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await self._release_connection()

    async def pending(self) -> int:
        async with self._engine.connect() as connection:
            count = await connection.scalar(
                select(func.count()).select_from(_outbox).where(_outbox.c.published_at.is_(None))
            )
        return int(count or 0)

    async def _run(self) -> None:
        failures = 0
        while True:
            self._wakeup.clear()
            try:
                published = await self.publish_pending()
            except Exception as exc:
                delay = backoff_delay(self._backoff_initial, self._backoff_max, failures)
                failures += 1
                log.warning(
                    "outbox publish failed; retrying",
                    extra={"relay": self._name, "retry_in_s": round(delay, 3), "error": repr(exc)},
                )
                # Jitter keeps many replicas from hammering a recovering broker in step.
                await asyncio.sleep(random.uniform(delay / 2, delay))
                continue
            failures = 0
            if published >= self._batch_size:
                continue
            # Not asyncio.wait_for: on Python 3.11 it returns normally when it
            # is cancelled in the instant the wake-up arrives, and the relay's
            # stop() would then wait on a loop that never ends (seen when the
            # last commit before shutdown nudged the relay).
            with suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._wakeup.wait()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published (0 when idle or not leader)."""
        connection = await self._connection()
        if connection is None:
            return 0
        try:
            return await self._publish_batch(connection)
        except BaseException:
            # A broken connection also drops the leadership lock; start over.
            await self._release_connection()
            raise
        finally:
            if not self._is_postgres:
                await self._release_connection()

    async def _connection(self) -> AsyncConnection | None:
        """The relay's own connection, kept between batches; on PostgreSQL it holds the leadership.

        A session advisory lock lives as long as the connection: only one
        replica publishes at a time, and if it dies its lock dies with it.
        """
        if self._held is not None:
            return self._held
        connection = await self._engine.connect()
        if self._is_postgres:
            try:
                leader = await connection.scalar(select(func.pg_try_advisory_lock(self._lock_key)))
                await connection.commit()
            except BaseException:
                await connection.close()
                raise
            if not leader:
                await connection.close()
                return None
        self._held = connection
        return connection

    async def _marking_connection(self, connection: AsyncConnection) -> AsyncConnection:
        """The connection to mark the batch on: the same one, or on SQLite a fresh one."""
        if self._is_postgres:
            return connection
        again = await self._connection()
        assert again is not None  # only PostgreSQL can lose the leadership
        return again

    async def _release_connection(self) -> None:
        connection, self._held = self._held, None
        if connection is None:
            return
        with suppress(Exception):
            if self._is_postgres:
                # Returned to the pool, the connection would keep the session
                # lock and with it the leadership: discard it instead.
                await connection.invalidate()
            await connection.close()

    async def _publish_batch(self, connection: AsyncConnection) -> int:
        rows = (await connection.execute(self._pending)).all()
        # End the read transaction before talking to the bus: on SQLite it
        # holds the database's write lock, and requests must not wait on Kafka.
        await connection.commit()
        if not rows:
            return 0
        if not self._is_postgres:
            # SQLite has one connection per database (db/engine.py), and a
            # consumer of this very service may need it while the in-process
            # bus delivers: give it back until the rows are marked. Only
            # PostgreSQL's leadership lock needs the connection kept.
            await self._release_connection()
        ids = [row.id for row in rows]
        # Every outbox row holds a whole envelope (CloudEvents structured mode,
        # README "Events"): its record says so in its content-type header.
        records = [
            OutboundRecord(
                topic=row.topic, key=row.key, value=bytes(row.payload), headers=RECORD_HEADERS
            )
            for row in rows
        ]
        try:
            await self._bus.publish(records)
        except Exception as exc:
            connection = await self._marking_connection(connection)
            await connection.execute(
                update(_outbox)
                .where(_outbox.c.id == ids[0])
                .values(attempts=_outbox.c.attempts + 1, last_error=repr(exc)[:500])
            )
            await connection.commit()
            raise
        connection = await self._marking_connection(connection)
        await connection.execute(_MARK_SENT, {"ids": ids, "now": utcnow()})
        await connection.commit()
        return len(rows)
