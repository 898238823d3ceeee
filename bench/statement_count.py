"""How many SQL statements and commits each service runs for one case.

Each statement is a round trip to the database and a pass through the
database layer; their number, times what one costs (bench.statement_cost),
is the database layer's share of a case's CPU on the distributed path.
Counted on a running platform with SQLAlchemy's engine events
(``before_cursor_execute``, ``commit``), over cases submitted one after
another as the event path submits them, after the latency has been measured:
the listeners cost a little, and the measured cases run without them.
Everything a service's engine runs while the cases go through counts, less
what it runs when nothing happens (the relays' timed polls), whose rate is
measured first on the idle platform.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event

from avhopp_shared.platform import SERVICES
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

#: Quiet time of every consumer before the cases count as done: the other
#: consumers may still be working on the last case when threat is done.
SETTLE_SECONDS = 0.5
SETTLE_LIMIT_SECONDS = 30.0
#: How long the idle rate (the relays' timed polls) is measured before the cases.
IDLE_SECONDS = 2.0
KINDS = ("statements", "commits")


async def per_case(
    platform: RunningPlatform,
    wait_for_effect: Callable[[str], Awaitable[Any]],
    *,
    cases: int,
    seed: int = 7,
) -> dict[str, dict[str, float]]:
    """{service: {"statements": per case, "commits": per case}} over ``cases`` cases.

    ``wait_for_effect(case_id)`` is awaited after each submission, as in the
    latency measurement. What the services run when nothing happens (the
    relays poll their outboxes on a timer) is measured first and its rate
    taken off the run's counts.
    """
    counts: Counter[tuple[str, str]] = Counter()
    hooks: list[tuple[Any, str, Callable[..., None]]] = []
    for service in SERVICES:
        engine = platform.runtime(service).engine.sync_engine

        def statement(*_: Any, service: str = service) -> None:
            counts[service, "statements"] += 1

        def commit(*_: Any, service: str = service) -> None:
            counts[service, "commits"] += 1

        hooks += [(engine, "before_cursor_execute", statement), (engine, "commit", commit)]
    last_processed = [time.monotonic()]

    def processed(_envelope: Any) -> None:
        last_processed[0] = time.monotonic()

    consumers = [
        consumer for service in SERVICES if (consumer := platform.runtime(service).consumer)
    ]
    for target, name, hook in hooks:
        event.listen(target, name, hook)
    for consumer in consumers:
        consumer.processed_listeners.append(processed)
    try:
        await asyncio.sleep(IDLE_SECONDS)
        idle = {key: value / IDLE_SECONDS for key, value in counts.items()}
        counts.clear()
        started = time.monotonic()
        rng = random.Random(seed)
        for _ in range(cases):
            response = await platform.submit(application_body(rng))
            if response.status_code != 201:
                raise RuntimeError(f"POST /applications answered {response.status_code}")
            await wait_for_effect(str(response.json()["case_id"]))
        await _settled(last_processed)
        elapsed = time.monotonic() - started
    finally:
        for target, name, hook in hooks:
            event.remove(target, name, hook)
        for consumer in consumers:
            consumer.processed_listeners.remove(processed)
    return {
        service: {
            kind: round(
                max(0.0, counts[service, kind] - idle.get((service, kind), 0.0) * elapsed) / cases,
                2,
            )
            for kind in KINDS
        }
        for service in SERVICES
    }


async def _settled(last_processed: list[float]) -> None:
    deadline = time.monotonic() + SETTLE_LIMIT_SECONDS
    while time.monotonic() < deadline:
        quiet = time.monotonic() - last_processed[0]
        if quiet >= SETTLE_SECONDS:
            return
        await asyncio.sleep(SETTLE_SECONDS - quiet)
    raise RuntimeError(f"consumers still busy after {SETTLE_LIMIT_SECONDS:.0f} s")
