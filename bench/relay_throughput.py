"""Outbox relay throughput: how fast an :class:`OutboxRelay` drains a full outbox.

The outbox is created by intake's own migrations and filled (untimed) with M
rows of real ``case.application_received`` envelopes, each with its own event
and case id. Timed: ``publish_pending()`` called in a loop until it returns 0,
exactly what the relay's background task does when it has a backlog. The time
spent inside ``bus.publish`` is recorded separately, so the rest is the relay's
own database work (lock, SELECT, UPDATE … WHERE id IN …, commits), of which
the statements' own execution times are recorded too.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

import avhopp_intake.app
from avhopp_shared.bus.base import Bus, OutboundRecord
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.events.envelope import EventEnvelope, new_event_id, utcnow
from avhopp_shared.messaging.relay import OutboxRelay
from avhopp_shared.messaging.tables import OutboxMessage
from avhopp_shared.trace import child_of

INTAKE_MIGRATIONS = Path(avhopp_intake.app.__file__).parent / "migrations"
FILL_CHUNK = 1000

_outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OutboxRow:
    event_id: str
    key: str
    event_type: str
    payload: bytes


def envelope_rows(template: bytes, count: int) -> list[OutboxRow]:
    """``count`` envelopes shaped exactly like ``template``, each with its own event and case id."""
    envelope = EventEnvelope.from_json_bytes(template)
    rows = []
    for _ in range(count):
        case_id = str(uuid.uuid4())
        copy = envelope.model_copy(
            update={
                "id": new_event_id(),
                "subject": case_id,
                "time": utcnow(),
                "traceparent": child_of(None),
                "data": {**envelope.data, "case_id": case_id},
            }
        )
        rows.append(OutboxRow(copy.id, case_id, copy.type, copy.to_json_bytes()))
    return rows


async def prepare_outbox(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine, INTAKE_MIGRATIONS)


async def fill_outbox(engine: AsyncEngine, rows: Sequence[OutboxRow], topic: str) -> None:
    """Empty the outbox, then insert every row as unpublished (in chunks, one tx each)."""
    postgres = engine.dialect.name == "postgresql"
    async with engine.begin() as connection:
        if postgres:
            await connection.execute(text("TRUNCATE outbox RESTART IDENTITY"))
        else:
            await connection.execute(text("DELETE FROM outbox"))
    created = utcnow()
    for start in range(0, len(rows), FILL_CHUNK):
        async with engine.begin() as connection:
            await connection.execute(
                insert(_outbox),
                [
                    {
                        "event_id": row.event_id,
                        "topic": topic,
                        "key": row.key,
                        "event_type": row.event_type,
                        "payload": row.payload,
                        "created_at": created,
                        "published_at": None,
                        "attempts": 0,
                    }
                    for row in rows[start : start + FILL_CHUNK]
                ],
            )
    async with engine.begin() as connection:
        # Fresh statistics, as autovacuum would have gathered for a table this size.
        await connection.execute(text("ANALYZE outbox"))


async def drain(
    engine: AsyncEngine, bus: Bus, *, batch_size: int, expected: int, name: str = "bench"
) -> dict[str, Any]:
    """Time ``publish_pending()`` until the outbox is empty; events/s."""
    relay = OutboxRelay(engine, bus, name=name, batch_size=batch_size)
    bus_publish: Callable[[Sequence[OutboundRecord]], Awaitable[None]] = bus.publish
    in_publish = 0.0

    async def publish(records: Sequence[OutboundRecord]) -> None:
        nonlocal in_publish
        started = time.perf_counter()
        try:
            await bus_publish(records)
        finally:
            in_publish += time.perf_counter() - started

    statements: dict[str, list[float]] = {}

    def before(connection: Any, *_: Any) -> None:
        connection.info["bench_started"] = time.perf_counter()

    def after(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        kind = "lock" if "advisory" in statement else statement.split(None, 1)[0].upper()
        spent = time.perf_counter() - connection.info.pop("bench_started", time.perf_counter())
        totals = statements.setdefault(kind, [0, 0.0])
        totals[0] += 1
        totals[1] += spent

    setattr(bus, "publish", publish)  # noqa: B010 - shadow the bound method while timing
    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    published = batches = 0
    try:
        started = time.perf_counter()
        while (count := await relay.publish_pending()) > 0:
            published += count
            batches += 1
        elapsed = time.perf_counter() - started
    finally:
        delattr(bus, "publish")
        event.remove(engine.sync_engine, "before_cursor_execute", before)
        event.remove(engine.sync_engine, "after_cursor_execute", after)
    left = await relay.pending()
    await relay.stop()  # hands its connection back to the pool
    if published != expected or left:
        raise RuntimeError(f"relay published {published} of {expected} rows; {left} still pending")
    return {
        "batch_size": batch_size,
        "rows": published,
        "batches": batches,
        "elapsed_s": round(elapsed, 3),
        "events_per_s": round(published / elapsed, 1),
        "in_bus_publish_s": round(in_publish, 3),
        "in_database_s": round(elapsed - in_publish, 3),
        # Time from cursor execute to its return, by statement (the rest of the
        # database share is commits, pool and row handling in Python).
        "statements": {
            kind: {"count": int(count), "total_s": round(spent, 3)}
            for kind, (count, spent) in sorted(statements.items())
        },
    }
