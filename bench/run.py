"""``make bench``: the figures side by side, printed and written to ``bench/results/``.

1. Event path latency, ``POST /applications`` → threat effect committed, in
   embedded mode (SQLite files + in-process bus) and distributed mode (fresh
   PostgreSQL databases + a Tansu broker), N sequential cases after a warm-up.
2. The raw floor on the same broker: aiokafka produce → consume round trips of
   a real envelope's size, with the consumer settings the bus used.
3. Outbox relay throughput (PostgreSQL → KafkaBus, batch 500 and 2000; SQLite →
   in-process bus for reference) against one aiokafka producer sending M records.
4. Access path, embedded: a governed ``GET /cases/{id}`` (token, action check,
   access state, disclosure decision, filter, audit) against a bare read of the
   same row, and the latency of one disclosure decision (bench/access_path.py).
5c. ISU statistics over 100,000 synthetic cases on PostgreSQL (bench/isu.py): a
   full-year query, all municipalities and one (``BENCH_ISU_CASES``,
   ``BENCH_ISU_QUERIES``).
5b. The case timeline with 1,000 entries (bench/timeline.py): a governed read's
   latency as social services and as police.
5. The rival check of a placement (bench/rival_check.py): one check's latency
   at 1k, 10k and 100k open cases, on PostgreSQL and SQLite
   (``BENCH_RIVAL_SIZES``, ``BENCH_RIVAL_CHECKS``).
6. The targets, each marked PASS or FAIL (a FAIL does not fail the run).

Environment: ``BENCH_CASES`` (N, default 1000), ``BENCH_WARMUP`` (50),
``BENCH_OUTBOX_ROWS`` (M, 20000), ``BENCH_RELAY_BATCHES`` ("500,2000"; the
first is the settings' default and the one the target is about),
``BENCH_ACCESS_READS`` (2000 of each kind of read), ``BENCH_ACCESS_WARMUP``
(200), ``BENCH_DECISIONS`` (5000 decisions of each kind).

What-if, off by default: ``BENCH_FETCH_MAX_WAIT_MS`` sets the consumers'
``fetch_max_wait_ms`` (bus and floor alike) by overriding
``avhopp_shared.bus.kafka.DEFAULT_CONSUMER_OPTIONS`` in this process only — the
figures then show the platform as it would run with that setting, which the
services cannot configure today. The JSON and the table say when it was used,
and such a run writes ``latest-what-if.json`` instead of ``latest.json``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from avhopp_shared.bus import kafka as kafka_bus
from avhopp_shared.bus.base import OutboundRecord
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.bus.kafka import DEFAULT_CONSUMER_OPTIONS, KafkaBus
from avhopp_shared.db.engine import create_engine
from avhopp_shared.platform import SERVICES
from avhopp_shared.service_app import ServiceRuntime
from avhopp_shared.settings import ServiceSettings
from bench import (
    access_path,
    event_path,
    infra,
    isu,
    kafka_raw,
    machine_cpu,
    relay_throughput,
    report,
    rival_check,
    service_processes,
    statement_cost,
    statement_count,
    timeline,
)
from tests.fixtures.platform import platform_settings, start_platform

FLOOR_TOPIC = "bench.floor"
#: Cases over which the distributed run counts each service's SQL statements.
STATEMENT_CASES = 100
THROUGHPUT_TOPIC = "bench.throughput"


def _settings(mode: str, **values: Any) -> dict[str, ServiceSettings]:
    """The test suite's platform settings, with the heap frozen after start as in production."""
    return platform_settings(mode, gc_freeze_after_start=True, **values)


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    value = int(os.environ.get(name, default))
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}")
    return value


def _batch_sizes() -> list[int]:
    default = int(ServiceSettings.model_fields["relay_batch_size"].default)
    raw = os.environ.get("BENCH_RELAY_BATCHES", f"{default},2000")
    return [int(part) for part in raw.split(",") if part.strip()]


async def _first_outbox_payload(runtime: ServiceRuntime) -> bytes:
    async with runtime.engine.connect() as connection:
        payload = await connection.scalar(text("SELECT payload FROM outbox ORDER BY id LIMIT 1"))
    if payload is None:
        raise RuntimeError("intake's outbox is empty")
    return bytes(payload)


def _consumer_options(runtime: ServiceRuntime) -> dict[str, Any]:
    """The options the running bus passes to its consumers (private; mirrored if it moves)."""
    options = vars(runtime.bus).get("_consumer_options")
    if isinstance(options, dict):
        return dict(options)
    settings = runtime.settings
    return {
        **DEFAULT_CONSUMER_OPTIONS,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
        "rebalance_timeout_ms": settings.kafka_rebalance_timeout_ms,
        "metadata_max_age_ms": settings.kafka_metadata_max_age_ms,
    }


class Bench:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.cases = _env_int("BENCH_CASES", 1000)
        self.warmup = _env_int("BENCH_WARMUP", 50, minimum=0)
        self.outbox_rows = _env_int("BENCH_OUTBOX_ROWS", 20_000)
        self.batch_sizes = _batch_sizes()
        self.access_reads = _env_int("BENCH_ACCESS_READS", 2000)
        self.access_warmup = _env_int("BENCH_ACCESS_WARMUP", 200, minimum=0)
        self.decisions = _env_int("BENCH_DECISIONS", 5000, minimum=10)
        self.idle_seconds = _env_int("BENCH_IDLE_SECONDS", 5)
        self.broker_pids: list[int] = []
        fetch_wait = os.environ.get("BENCH_FETCH_MAX_WAIT_MS", "").strip()
        self.what_if_fetch_max_wait_ms = int(fetch_wait) if fetch_wait else None
        self.template: bytes | None = None
        self.consumer_options: dict[str, Any] = {}
        self.results: dict[str, Any] = {
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": infra.machine_info(),
            "config": {
                "cases": self.cases,
                "warmup": self.warmup,
                "outbox_rows": self.outbox_rows,
                "relay_batch_sizes": self.batch_sizes,
                "access_reads": self.access_reads,
                "access_warmup": self.access_warmup,
                "decisions": self.decisions,
                "idle_seconds": self.idle_seconds,
                "what_if_fetch_max_wait_ms": self.what_if_fetch_max_wait_ms,
            },
            "event_path": {},
            "throughput": {},
            "access_path": {},
            "phase_seconds": {},
            "errors": {},
        }

    async def phase(self, name: str, body: Callable[[], Awaitable[None]]) -> bool:
        probe = machine_cpu.speed_probe()
        self.results["machine"].setdefault("speed_probe_ms", {})[name] = probe
        print(f"-- {name} ... (speed probe {probe} ms)", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            await body()
        except Exception as exc:
            traceback.print_exc()
            self.results["errors"][name] = f"{type(exc).__name__}: {exc}"
            return False
        finally:
            seconds = round(time.perf_counter() - started, 1)
            self.results["phase_seconds"][name] = seconds
            print(f"   {name}: {seconds} s", file=sys.stderr, flush=True)
        return True

    # -- 1a -------------------------------------------------------------------

    async def embedded(self) -> None:
        var_dir = self.workdir / "embedded"
        async with start_platform(_settings("embedded", var_dir=var_dir)) as platform:
            figures = await event_path.measure_event_path(
                platform, cases=self.cases, warmup=self.warmup
            )
            self.template = await _first_outbox_payload(platform.runtime("intake"))
            figures["isolated_costs"] = await event_path.isolated_costs(platform)
            self.results["event_path"]["embedded"] = figures

    # -- 4 -------------------------------------------------------------------------

    async def access(self) -> None:
        var_dir = self.workdir / "access"
        async with start_platform(_settings("embedded", var_dir=var_dir)) as platform:
            self.results["access_path"] = await access_path.measure(
                platform,
                reads=self.access_reads,
                warmup=self.access_warmup,
                decisions=self.decisions,
            )

    async def timeline(self) -> None:
        var_dir = self.workdir / "timeline"
        async with start_platform(_settings("embedded", var_dir=var_dir)) as platform:
            self.results["timeline"] = await timeline.measure(platform)

    async def isu(self) -> None:
        self.results["isu"] = await isu.measure(
            cases=_env_int("BENCH_ISU_CASES", isu.CASES),
            queries=_env_int("BENCH_ISU_QUERIES", isu.QUERIES),
        )

    async def statement_cost(self) -> None:
        async with infra.postgres_databases() as databases:
            url = (await databases.create(["statements"]))["statements"]
            self.results["statement_cost_us"] = await statement_cost.measure(url)

    # -- 5 -------------------------------------------------------------------------

    async def rival(self) -> None:
        raw = os.environ.get("BENCH_RIVAL_SIZES", ",".join(map(str, rival_check.SIZES)))
        sizes = [int(part) for part in raw.split(",") if part.strip()]
        checks = _env_int("BENCH_RIVAL_CHECKS", rival_check.CHECKS)
        self.results["rival_check"] = await rival_check.measure(sizes=sizes, checks=checks)

    # -- 1b, 2, 3 on the broker --------------------------------------------------

    async def on_broker(self) -> None:
        if self.what_if_fetch_max_wait_ms is not None:
            kafka_bus.DEFAULT_CONSUMER_OPTIONS = {
                **DEFAULT_CONSUMER_OPTIONS,
                "fetch_max_wait_ms": self.what_if_fetch_max_wait_ms,
            }
        try:
            await self._on_broker()
        finally:
            kafka_bus.DEFAULT_CONSUMER_OPTIONS = DEFAULT_CONSUMER_OPTIONS

    async def _on_broker(self) -> None:
        with infra.tansu_broker(self.workdir) as broker:
            self.broker_pids = [broker.pid] if broker.pid is not None else []
            async with infra.postgres_databases() as databases:
                self.results["machine"]["postgres"] = await databases.server_version()
                bootstrap = broker.bootstrap_servers
                await self.phase(
                    "distributed event path", lambda: self.distributed(databases, bootstrap)
                )
                await self.phase(
                    "distributed event path, one process per service",
                    lambda: self.distributed_processes(databases, bootstrap),
                )
                await self.phase("raw Kafka floor", lambda: self.floor(bootstrap))
                await self.phase(
                    "relay throughput (PostgreSQL + Kafka)",
                    lambda: self.relay_kafka(databases, bootstrap),
                )

    async def distributed(self, databases: infra.PostgresDatabases, bootstrap: str) -> None:
        urls = await databases.create(list(SERVICES))
        settings = _settings(
            "distributed",
            var_dir=self.workdir / "distributed",
            database_urls=urls,
            bootstrap_servers=bootstrap,
        )
        async with start_platform(settings) as platform:
            waited = await event_path.wait_for_assignments(platform)
            self.consumer_options = _consumer_options(platform.runtime("threat"))
            self.results["config"]["consumer_settings"] = kafka_raw.effective_consumer_settings(
                self.consumer_options
            )
            # The client runs in this process too: one group for both.
            groups = {"services": [os.getpid()], "broker": self.broker_pids}
            figures = await event_path.measure_event_path(
                platform, cases=self.cases, warmup=self.warmup, cpu_groups=groups
            )
            figures["partition_assignment_wait_s"] = round(waited, 2)
            self.results["event_path"]["distributed"] = figures
            self.template = await _first_outbox_payload(platform.runtime("intake"))
            # After the latency is on record: a failure below loses only its own figure.
            figures["idle_cpu"] = await machine_cpu.idle(groups, self.idle_seconds)
            figures["statements_per_case"] = await statement_count.per_case(
                platform, event_path.effect_waiter(platform), cases=STATEMENT_CASES
            )

    async def distributed_processes(
        self, databases: infra.PostgresDatabases, bootstrap: str
    ) -> None:
        urls = await databases.create(list(SERVICES))
        self.results["event_path"]["distributed_processes"] = await service_processes.measure(
            urls,
            bootstrap,
            cases=self.cases,
            warmup=self.warmup,
            broker_pids=self.broker_pids,
            idle_seconds=self.idle_seconds,
        )

    async def floor(self, bootstrap: str) -> None:
        payload = self._template()
        if not self.consumer_options:
            raise RuntimeError("the bus's consumer settings are unknown (distributed phase failed)")
        self.results["kafka_floor"] = await kafka_raw.round_trips(
            bootstrap,
            topic=FLOOR_TOPIC,
            partitions=self._partitions(),
            payload=payload,
            count=self.cases,
            warmup=self.warmup,
            consumer_options=self.consumer_options,
        )

    async def relay_kafka(self, databases: infra.PostgresDatabases, bootstrap: str) -> None:
        """Raw produce runs before, between and after the relay runs; the median is the figure."""
        rows = relay_throughput.envelope_rows(self._template(), self.outbox_rows)
        records = [(row.key, row.payload) for row in rows]
        partitions = self._partitions()

        async def raw_run() -> dict[str, Any]:
            return await kafka_raw.produce_burst(
                bootstrap, topic=THROUGHPUT_TOPIC, partitions=partitions, records=records
            )

        raw_runs = [await raw_run()]
        url = (await databases.create(["relay"]))["relay"]
        engine = create_engine(url)
        bus = KafkaBus(bootstrap, "bench-relay", topics=[THROUGHPUT_TOPIC], partitions=partitions)
        relays: dict[str, Any] = {}
        try:
            await relay_throughput.prepare_outbox(engine)
            await bus.start()
            # Warm-up: topic metadata and a producer connection that has carried data.
            await bus.publish(
                [OutboundRecord(THROUGHPUT_TOPIC, key, value) for key, value in records[:2000]]
            )
            for batch_size in self.batch_sizes:
                await relay_throughput.fill_outbox(engine, rows, THROUGHPUT_TOPIC)
                relays[str(batch_size)] = await relay_throughput.drain(
                    engine, bus, batch_size=batch_size, expected=len(rows)
                )
                raw_runs.append(await raw_run())
        finally:
            await bus.stop()
            await engine.dispose()
        rates = sorted(float(run["events_per_s"]) for run in raw_runs)
        self.results["throughput"]["raw_produce"] = {
            "records": len(records),
            "payload_bytes": len(records[0][1]),
            "events_per_s": round(statistics.median(rates), 1),
            "statistic": "median of the runs (one before, one after each relay run)",
            "runs": raw_runs,
        }
        self.results["throughput"]["relay_postgres_kafka"] = relays

    # -- 3, reference ------------------------------------------------------------

    async def relay_sqlite(self) -> None:
        rows = relay_throughput.envelope_rows(self._template(), self.outbox_rows)
        engine = create_engine(f"sqlite+aiosqlite:///{self.workdir / 'relay' / 'outbox.db'}")
        bus = InProcessBus()
        relays: dict[str, Any] = {}
        try:
            await relay_throughput.prepare_outbox(engine)
            await bus.start()
            for batch_size in self.batch_sizes:
                await relay_throughput.fill_outbox(engine, rows, THROUGHPUT_TOPIC)
                relays[str(batch_size)] = await relay_throughput.drain(
                    engine, bus, batch_size=batch_size, expected=len(rows)
                )
        finally:
            await bus.stop()
            await engine.dispose()
        self.results["throughput"]["relay_sqlite_inprocess"] = relays

    # -- helpers -------------------------------------------------------------------

    def _template(self) -> bytes:
        if self.template is None:
            raise RuntimeError("no real envelope captured (both event-path phases failed)")
        self.results["config"]["payload_bytes"] = len(self.template)
        return self.template

    def _partitions(self) -> int:
        partitions = ServiceSettings.model_fields["kafka_partitions"].default
        return int(partitions)


async def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="avhopp-bench-") as workdir:
        bench = Bench(Path(workdir))
        config = bench.results["config"]
        print(
            f"avhopp bench: N={config['cases']} (+{config['warmup']} warm-up), "
            f"M={config['outbox_rows']}, relay batches {config['relay_batch_sizes']}",
            file=sys.stderr,
            flush=True,
        )
        await bench.phase("embedded event path", bench.embedded)
        await bench.phase("access path (embedded)", bench.access)
        await bench.phase("rival check (PostgreSQL, SQLite)", bench.rival)
        await bench.phase("timeline of 1,000 entries (embedded)", bench.timeline)
        await bench.phase("ISU over 100k cases (PostgreSQL)", bench.isu)
        await bench.phase("statement cost (PostgreSQL)", bench.statement_cost)
        await bench.phase("broker", bench.on_broker)
        await bench.phase("relay throughput (SQLite + in-process)", bench.relay_sqlite)
    results = bench.results
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_at_end"] = infra.load_average()
    results["machine"].setdefault("speed_probe_ms", {})["end"] = machine_cpu.speed_probe()
    results["targets"] = report.evaluate_targets(results)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, latest = report.write(results, stamp)
    print(report.render(results))
    print(f"\nWritten: {path} and {latest}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    # The services run under uvicorn, which uses uvloop where it is installed
    # (it is a dependency): measure on the same loop. BENCH_LOOP=asyncio opts out.
    if os.environ.get("BENCH_LOOP", "uvloop") == "uvloop":
        import uvloop

        sys.exit(uvloop.run(main()))
    sys.exit(asyncio.run(main()))
