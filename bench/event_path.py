"""Event path latency: ``POST /applications`` on intake → the threat service's effect committed.

The platform runs in process (the tests' ``start_platform``), driven over ASGI.
Cases are submitted one after another; each waits for its effect, which a
``processed_listeners`` callable on the threat consumer reports right after the
effect's transaction committed.

Besides the end-to-end figure, each case is stamped at the points it passes,
so the total can be split into stages without changing what is measured (a
stamp is a ``perf_counter()`` call and a dict write):

``post``            the request is sent
``intake_commit``   intake's unit of work committed and nudged its relay
``publish_start``   the relay hands the outbox row to the bus
``publish_end``     the bus acknowledged it (in-process: after every consumer ran)
``consume_start``   the threat inbox opened its transaction for the event
``effect``          the threat effect is committed (the listener fired)
``http_done``       the response reached the client
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from avhopp_shared.bus.base import Bus, OutboundRecord
from avhopp_shared.bus.kafka import KafkaBus
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.topics import topic_for
from avhopp_shared.messaging.inbox import InboxConsumer
from bench import machine_cpu
from bench.stats import summarize
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

CONSUMING_SERVICES = ("threat", "social", "followup")
EFFECT_TIMEOUT_SECONDS = 60.0
PROGRESS_EVERY = 250

#: (name, from stamp, to stamp, what it is) — the stages reported per mode.
STAGES: dict[str, list[tuple[str, str, str, str]]] = {
    "embedded": [
        ("http", "post", "intake_commit", "request → intake commit (HTTP, validation, SQLite tx)"),
        ("relay_wakeup", "intake_commit", "publish_start", "relay wake-up + outbox SELECT"),
        ("bus_dispatch", "publish_start", "consume_start", "in-process bus → threat inbox"),
        ("threat_tx", "consume_start", "effect", "threat inbox + effect tx + commit"),
    ],
    "distributed": [
        ("http", "post", "intake_commit", "request → intake commit (HTTP, validation, PG tx)"),
        ("relay_wakeup", "intake_commit", "publish_start", "relay wake-up + lock + outbox SELECT"),
        ("produce_ack", "publish_start", "publish_end", "Kafka produce, acks=all"),
        ("consumer_fetch", "publish_end", "consume_start", "ack → threat consumer has it"),
        ("threat_tx", "consume_start", "effect", "threat inbox + effect tx + commit"),
    ],
}


@dataclass
class _Stamps:
    """Per case id: stamp name → perf_counter()."""

    by_case: dict[str, dict[str, float]] = field(default_factory=dict)
    last_intake_commit: float = 0.0
    last_threat_uow: float = 0.0

    def put(self, case_id: str, name: str, when: float) -> None:
        self.by_case.setdefault(case_id, {}).setdefault(name, when)


def _instrument(platform: RunningPlatform, stamps: _Stamps) -> None:
    """Wrap a few instance attributes so a case's passage is stamped; behaviour is unchanged."""
    intake = platform.runtime("intake")
    threat = platform.runtime("threat")
    consumer = threat.consumer
    assert consumer is not None

    # The unit of work calls ``relay.notify`` right after a commit that wrote
    # outbox rows (it is looked up on the instance at ``new_uow()``).
    relay_notify: Callable[[], None] = intake.relay.notify

    def notify() -> None:
        stamps.last_intake_commit = time.perf_counter()
        relay_notify()

    setattr(intake.relay, "notify", notify)  # noqa: B010 - shadow the bound method

    # The relay publishes through this exact bus object (shared by every
    # service in embedded mode, intake's own in distributed mode).
    bus_publish: Callable[[Sequence[OutboundRecord]], Awaitable[None]] = intake.bus.publish

    async def publish(records: Sequence[OutboundRecord]) -> None:
        started = time.perf_counter()
        for record in records:
            stamps.put(record.key, "intake_commit", stamps.last_intake_commit)
            stamps.put(record.key, "publish_start", started)
        await bus_publish(records)
        ended = time.perf_counter()
        for record in records:
            stamps.put(record.key, "publish_end", ended)

    setattr(intake.bus, "publish", publish)  # noqa: B010

    # The inbox opens its unit of work first thing for each event (one at a
    # time per consumer), then calls the handler inside it.
    inbox_new_uow = consumer._new_uow

    def new_uow() -> Any:
        stamps.last_threat_uow = time.perf_counter()
        return inbox_new_uow()

    consumer._new_uow = new_uow
    handlers = consumer._handlers
    handler = handlers[ApplicationReceived.event_type]

    async def stamped_handler(uow: Any, payload: Any, envelope: EventEnvelope) -> None:
        stamps.put(envelope.subject, "consume_start", stamps.last_threat_uow)
        await handler(uow, payload, envelope)

    handlers[ApplicationReceived.event_type] = stamped_handler


class _EffectWaiter:
    """One future per case id, resolved by the threat consumer's processed-listener."""

    def __init__(self, consumer: InboxConsumer, stamps: _Stamps) -> None:
        self._futures: dict[str, asyncio.Future[float]] = {}
        self._stamps = stamps
        self._loop = asyncio.get_running_loop()
        consumer.processed_listeners.append(self._processed)

    def _future(self, case_id: str) -> asyncio.Future[float]:
        future = self._futures.get(case_id)
        if future is None:
            future = self._futures[case_id] = self._loop.create_future()
        return future

    def _processed(self, envelope: EventEnvelope) -> None:
        if envelope.type != ApplicationReceived.event_type:
            return
        now = time.perf_counter()
        self._stamps.put(envelope.subject, "effect", now)
        future = self._future(envelope.subject)
        if not future.done():
            future.set_result(now)

    async def wait(self, case_id: str) -> float:
        future = self._future(case_id)
        try:
            return await asyncio.wait_for(future, EFFECT_TIMEOUT_SECONDS)
        finally:
            self._futures.pop(case_id, None)


def effect_waiter(platform: RunningPlatform) -> Callable[[str], Awaitable[float]]:
    """``wait(case_id)``: resolves when threat's effect for the case is committed."""
    consumer = platform.runtime("threat").consumer
    assert consumer is not None
    return _EffectWaiter(consumer, _Stamps()).wait


async def wait_for_assignments(platform: RunningPlatform, limit_s: float = 90.0) -> float:
    """Wait until every consumer group holds all partitions of its topics; seconds waited."""
    started = time.perf_counter()
    deadline = started + limit_s
    while True:
        missing = []
        for service in CONSUMING_SERVICES:
            runtime = platform.runtime(service)
            bus: Bus = runtime.bus
            if not isinstance(bus, KafkaBus):
                continue
            assigned = bus.assignment(runtime.settings.consumer_group)
            topics = {topic for topic, _ in assigned}
            if not topics or len(assigned) < len(topics) * runtime.settings.kafka_partitions:
                missing.append(service)
        if not missing:
            return time.perf_counter() - started
        if time.perf_counter() > deadline:
            raise TimeoutError(f"Kafka consumers of {missing} got no partitions in {limit_s:.0f} s")
        await asyncio.sleep(0.05)


async def measure_event_path(
    platform: RunningPlatform,
    *,
    cases: int,
    warmup: int,
    seed: int = 42,
    cpu_groups: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, Any]:
    """Submit ``warmup`` then ``cases`` applications one after another; latency figures in ms.

    With ``cpu_groups`` ({name: pids}), also where the machine's CPU went while
    the measured cases ran (:mod:`bench.machine_cpu`).
    """
    consumer = platform.runtime("threat").consumer
    assert consumer is not None
    stamps = _Stamps()
    _instrument(platform, stamps)
    waiter = _EffectWaiter(consumer, stamps)
    rng = random.Random(seed)

    async def one_case() -> tuple[str, float, float, float]:
        body = application_body(rng)
        posted = time.perf_counter()
        response = await platform.submit(body)
        answered = time.perf_counter()
        if response.status_code != 201:
            raise RuntimeError(f"POST /applications answered {response.status_code}")
        case_id = str(response.json()["case_id"])
        stamps.put(case_id, "post", posted)
        stamps.put(case_id, "http_done", answered)
        effect = await waiter.wait(case_id)
        return case_id, posted, answered, effect

    for _ in range(warmup):
        await one_case()
    stamps.by_case.clear()

    totals: list[float] = []
    http: list[float] = []
    measured_ids: list[str] = []
    started = time.perf_counter()
    cpu_started = time.process_time()
    machine_before = machine_cpu.sample() if cpu_groups is not None else None
    for index in range(cases):
        if index and index % PROGRESS_EVERY == 0:
            print(f"   {platform.mode}: {index}/{cases} cases", file=sys.stderr, flush=True)
        case_id, posted, answered, effect = await one_case()
        totals.append((effect - posted) * 1000)
        http.append((answered - posted) * 1000)
        measured_ids.append(case_id)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    machine = None
    if cpu_groups is not None:
        machine = machine_cpu.spent(machine_before, machine_cpu.sample(), cpu_groups, cases=cases)

    return {
        "cases": cases,
        "warmup": warmup,
        "elapsed_s": round(elapsed, 3),
        # CPU of this whole process (event loop and database driver threads) per case.
        "process_cpu_ms_per_case": round(cpu * 1000 / cases, 3),
        "latency_ms": summarize(totals),
        "http_response_ms": summarize(http),
        "stages_ms": _stages(platform.mode, stamps, measured_ids),
        "machine_cpu": machine,
        "samples_ms": [round(value, 3) for value in totals],
    }


def _stages(mode: str, stamps: _Stamps, case_ids: list[str]) -> dict[str, Any]:
    stages: dict[str, Any] = {}
    for name, start, end, description in STAGES[mode]:
        values = [
            (marks[end] - marks[start]) * 1000
            for marks in (stamps.by_case.get(case_id, {}) for case_id in case_ids)
            if start in marks and end in marks
        ]
        stages[name] = {"what": description, **summarize(values)}
    return stages


async def isolated_costs(platform: RunningPlatform, *, samples: int = 100) -> dict[str, Any]:
    """What each piece of the path costs alone (wall and process CPU, ms); ends the relay.

    Run last: intake's relay is stopped so that POSTs leave their events in the
    outbox, and those events are then fed straight into each consumer.
    """
    intake = platform.runtime("intake")
    rng = random.Random(7)
    figures: dict[str, Any] = {}

    async def timed(name: str, what: str, step: Callable[[int], Awaitable[None]]) -> None:
        wall: list[float] = []
        cpu: list[float] = []
        for index in range(samples):
            started, cpu_started = time.perf_counter(), time.process_time()
            await step(index)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        figures[name] = {
            "what": what,
            "wall_p50": summarize(wall)["p50"],
            "cpu_p50": summarize(cpu)["p50"],
        }

    async def healthz(_: int) -> None:
        await platform.clients["intake"].get("/healthz")

    await timed("http_healthz", "GET /healthz over ASGI (HTTP stack alone)", healthz)
    await intake.relay.stop()

    async def post(_: int) -> None:
        response = await platform.submit(application_body(rng))
        if response.status_code != 201:
            raise RuntimeError(f"POST /applications answered {response.status_code}")

    await timed("post_application", "POST /applications, relay stopped", post)
    async with intake.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id")
        )
        # Each agency's copies, as its services' consumers get them from its topics.
        copies: dict[str, list[EventEnvelope]] = {}
        for topic, payload in rows:
            copies.setdefault(topic, []).append(EventEnvelope.from_json_bytes(bytes(payload)))
    consumers: dict[str, tuple[InboxConsumer, list[EventEnvelope]]] = {}
    for service in CONSUMING_SERVICES:
        runtime = platform.runtime(service)
        assert runtime.consumer is not None
        own = copies[topic_for(ApplicationReceived.event_type, runtime.owner_agency)]
        consumers[service] = (runtime.consumer, own)

    for service, (consumer, envelopes) in consumers.items():

        async def consume(
            index: int,
            consumer: InboxConsumer = consumer,
            envelopes: list[EventEnvelope] = envelopes,
        ) -> None:
            await consumer(envelopes[index % len(envelopes)])

        await timed(f"{service}_consumer", f"{service} inbox + effect, alone", consume)

    # The same events again: the inbox finds them and does nothing else.
    threat, threat_copies = consumers["threat"]

    async def duplicate(index: int) -> None:
        await threat(threat_copies[index % len(threat_copies)])

    await timed("threat_duplicate", "threat inbox, already processed (lookup only)", duplicate)
    return figures
