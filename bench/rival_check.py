"""Rival check latency as the number of open cases grows: is the check indexed?

On each database (a throwaway PostgreSQL database and a SQLite file, both
built by the threat service's own migrations) the table of network presences
is filled, untimed, with synthetic open cases — each with 1 to 3 presences
(a random town among the 290 municipalities, one of 200 synthetic networks,
placed or resides) — in steps up to each size (1k, 10k, 100k cases). At each
size, after fresh statistics and a warm-up, N checks are timed one after
another: a session opened, ``PresenceRepository.rival_flags`` for a random
open case with 3 to 5 random proposed towns and 1 to 3 rival networks, the
session closed — what a request pays. A check that grew with the number of
cases would show in the ratio of the p50 at the largest size to the smallest.

Run alone: ``uv run --frozen python -m bench.rival_check`` (JSON on stdout).
Environment: ``BENCH_RIVAL_SIZES`` ("1000,10000,100000"), ``BENCH_RIVAL_CHECKS``
(500), ``BENCH_RIVAL_BACKENDS`` ("postgresql,sqlite").
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

import avhopp_threat
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.municipalities import all_municipalities
from avhopp_threat.adapters.presence_repository import PresenceRepository
from avhopp_threat.adapters.presence_tables import NetworkPresenceRow
from avhopp_threat.domain.rival_check import normalise_network
from bench import infra
from bench.stats import percentile, summarize

THREAT_MIGRATIONS = Path(avhopp_threat.__file__).parent / "migrations"
SIZES = (1_000, 10_000, 100_000)
CHECKS = 500
WARMUP = 50
NETWORK_COUNT = 200
INSERT_BATCH = 5_000
TARGET_P50_MS = 5.0
KINDS = ("placed", "resides")

_presence: Table = NetworkPresenceRow.__table__  # type: ignore[attr-defined]


def network_names(count: int = NETWORK_COUNT) -> list[str]:
    return [f"Nätverk {number:03d}" for number in range(count)]


def synthetic_cases(
    rng: random.Random, count: int, towns: Sequence[str], networks: Sequence[str]
) -> list[tuple[str, list[dict[str, str]]]]:
    """``count`` open cases, each with its 1 to 3 presence rows as the repository stores them."""
    cases = []
    for _ in range(count):
        case_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        rows = [
            {
                "case_id": case_id,
                "network": normalise_network(rng.choice(networks)),
                "municipality_code": rng.choice(towns),
                "kind": rng.choice(KINDS),
            }
            for _ in range(rng.randint(1, 3))
        ]
        cases.append((case_id, rows))
    return cases


async def _load(engine: AsyncEngine, rows: list[dict[str, str]]) -> None:
    for start in range(0, len(rows), INSERT_BATCH):
        async with engine.begin() as connection:
            await connection.execute(insert(_presence), rows[start : start + INSERT_BATCH])
    async with engine.begin() as connection:
        # Fresh statistics, as autovacuum (or SQLite's optimize) would keep them.
        table = _presence.name
        await connection.execute(text(f"ANALYZE {table}"))


async def _plan(engine: AsyncEngine, case_id: str, towns: list[str], networks: list[str]) -> str:
    """The database's plan for the very statement one check sends."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with session_factory(engine)() as session:
            await PresenceRepository(session).rival_flags(case_id, towns, networks)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    statement, parameters = sent[-1]
    explain = "EXPLAIN QUERY PLAN" if engine.dialect.name == "sqlite" else "EXPLAIN"
    async with engine.connect() as connection:
        plan = await connection.exec_driver_sql(f"{explain} {statement}", parameters)
        lines = [" ".join(str(column) for column in row) for row in plan.all()]
    return "\n".join(lines)


async def _time_checks(
    engine: AsyncEngine,
    rng: random.Random,
    case_ids: Sequence[str],
    towns: Sequence[str],
    networks: Sequence[str],
    checks: int,
) -> tuple[list[float], int]:
    sessions = session_factory(engine)
    samples: list[float] = []
    flagged = 0
    for index in range(WARMUP + checks):
        asking = rng.choice(case_ids)
        proposed = rng.sample(list(towns), rng.randint(3, 5))
        rivals = rng.sample(list(networks), rng.randint(1, 3))
        started = time.perf_counter()
        async with sessions() as session:
            flags = await PresenceRepository(session).rival_flags(asking, proposed, rivals)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if index >= WARMUP:
            samples.append(elapsed_ms)
            flagged += bool(flags)
    return samples, flagged


async def _measure_backend(
    engine: AsyncEngine, sizes: Sequence[int], checks: int, seed: int
) -> dict[str, Any]:
    await upgrade_to_head(engine, THREAT_MIGRATIONS)
    rng = random.Random(seed)
    towns = [municipality.code for municipality in all_municipalities()]
    networks = network_names()
    case_ids: list[str] = []
    presences = 0
    results: list[dict[str, Any]] = []
    for size in sorted(sizes):
        started = time.perf_counter()
        added = synthetic_cases(rng, size - len(case_ids), towns, networks)
        rows = [row for _, case_rows in added for row in case_rows]
        await _load(engine, rows)
        case_ids.extend(case_id for case_id, _ in added)
        presences += len(rows)
        load_s = time.perf_counter() - started
        samples, flagged = await _time_checks(engine, rng, case_ids, towns, networks, checks)
        ordered = sorted(samples)
        results.append(
            {
                "open_cases": len(case_ids),
                "presences": presences,
                "load_s": round(load_s, 2),
                "p50_ms": round(percentile(ordered, 50), 3),
                "p99_ms": round(percentile(ordered, 99), 3),
                "latency_ms": summarize(samples),
                "checks_flagged": flagged,
            }
        )
    plan = await _plan(engine, rng.choice(case_ids), towns[:4], networks[:2])
    first, last = results[0], results[-1]
    return {
        "sizes": results,
        f"p50_ratio_{_label(last['open_cases'])}_to_{_label(first['open_cases'])}": round(
            last["p50_ms"] / first["p50_ms"], 3
        ),
        f"meets_p50_target_at_{_label(last['open_cases'])}": last["p50_ms"] <= TARGET_P50_MS,
        "plan_at_largest": plan,
    }


def _label(count: int) -> str:
    return f"{count // 1000}k" if count % 1000 == 0 else str(count)


async def measure(
    sizes: Sequence[int] = SIZES,
    checks: int = CHECKS,
    backends: Sequence[str] = ("postgresql", "sqlite"),
    seed: int = 17,
) -> dict[str, Any]:
    """p50/p99 of one rival check (ms) at each number of open cases, per database."""
    result: dict[str, Any] = {
        "checks_per_size": checks,
        "warmup_per_size": WARMUP,
        "networks": NETWORK_COUNT,
        "towns": len(all_municipalities()),
        "target_p50_ms": TARGET_P50_MS,
        "load_average_at_start": infra.load_average(),
    }
    if "postgresql" in backends:
        async with infra.postgres_databases() as databases:
            url = (await databases.create(["rival"]))["rival"]
            engine = create_engine(url)
            try:
                result["postgresql"] = {
                    "server_version": await databases.server_version(),
                    **await _measure_backend(engine, sizes, checks, seed),
                }
            finally:
                await engine.dispose()
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory(prefix="avhopp-rival-") as directory:
            engine = create_engine(f"sqlite+aiosqlite:///{Path(directory) / 'threat.db'}")
            try:
                result["sqlite"] = await _measure_backend(engine, sizes, checks, seed)
            finally:
                await engine.dispose()
    return result


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


if __name__ == "__main__":
    figures = asyncio.run(
        measure(
            sizes=[int(size) for size in _env_list("BENCH_RIVAL_SIZES", "1000,10000,100000")],
            checks=int(os.environ.get("BENCH_RIVAL_CHECKS", CHECKS)),
            backends=_env_list("BENCH_RIVAL_BACKENDS", "postgresql,sqlite"),
        )
    )
    print(json.dumps(figures, indent=2, ensure_ascii=False))
