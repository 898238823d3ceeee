"""ISU statistics over 100,000 synthetic cases: a full-year, all-municipality query.

A throwaway PostgreSQL database is built by the follow-up service's own
migrations and filled, untimed, with 100k synthetic cases spread over two
years and all 290 municipalities: each with an outcome, a relapse flag, a
first decision for most, phase lengths, 0-4 needs at intake and 0-3
interventions decided (most carried out). Then the query a manager runs —
``raw_figures`` and ``release`` for one full year, every municipality — is
timed N times after a warm-up, a unit of work opened and closed each time,
as a request pays (HTTP is left out: the answer is a few kB). One
municipality's year is timed too.

Run alone: ``uv run --frozen python -m bench.isu`` (JSON on stdout);
``BENCH_ISU_CASES`` (100000), ``BENCH_ISU_QUERIES`` (30).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

import avhopp_followup
from avhopp_followup.adapters.isu_tables import IsuCaseRow, IsuInterventionRow, IsuNeedRow
from avhopp_followup.domain.isu import released_for
from avhopp_followup.service_layer.isu_query import IsuQuery, raw_figures
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.municipalities import all_municipalities
from avhopp_shared.uow import UnitOfWork
from bench import infra
from bench.stats import summarize

MIGRATIONS = Path(avhopp_followup.__file__).parent / "migrations"
CASES = 100_000
QUERIES = 30
WARMUP = 3
BATCH = 10_000
TARGET_P50_S = 1.0
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
NEEDS = ("housing", "income", "debt", "mental_health", "loneliness", "substance_abuse")
INTERVENTIONS = ("protected_housing", "financial_aid", "contact_person", "substance_treatment")


def _synthetic(count: int, seed: int) -> tuple[list[dict[str, Any]], ...]:
    rng = random.Random(seed)
    codes = [m.code for m in all_municipalities()]
    cases, needs, interventions = [], [], []
    start = date(2024, 7, 1)
    for _ in range(count):
        case_id = str(uuid.uuid4())
        applied = start + timedelta(days=rng.randrange(730))
        decided = applied + timedelta(days=rng.randrange(1, 60)) if rng.random() < 0.8 else None
        cases.append(
            {
                "case_id": case_id,
                "municipality": rng.choice(codes),
                "applied_on": applied,
                "first_decision_on": decided,
                "outcome": rng.choices(("ongoing", "completed", "aborted"), (5, 3, 2))[0],
                "relapsed": rng.random() < 0.15,
                "initial_contact_days": rng.randrange(1, 30) if rng.random() < 0.9 else None,
                "acute_days": rng.randrange(5, 60) if rng.random() < 0.7 else None,
                "stabilising_days": rng.randrange(30, 400) if rng.random() < 0.4 else None,
            }
        )
        needs += [{"case_id": case_id, "need": n} for n in rng.sample(NEEDS, rng.randrange(5))]
        for name in rng.sample(INTERVENTIONS, rng.randrange(4)):
            interventions.append(
                {
                    "case_id": case_id,
                    "intervention": name,
                    "decided": True,
                    "carried_out": rng.random() < 0.8,
                }
            )
    return cases, needs, interventions


async def measure(cases: int = CASES, queries: int = QUERIES, seed: int = 23) -> dict[str, Any]:
    result: dict[str, Any] = {"cases": cases, "queries": queries, "target_p50_s": TARGET_P50_S}
    async with infra.postgres_databases() as databases:
        url = (await databases.create(["isu"]))["isu"]
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine, MIGRATIONS)
            started = time.perf_counter()
            tables = (IsuCaseRow, IsuNeedRow, IsuInterventionRow)
            for table, rows in zip(tables, _synthetic(cases, seed), strict=True):
                for index in range(0, len(rows), BATCH):
                    async with engine.begin() as connection:
                        await connection.execute(
                            insert(table.__table__),  # type: ignore[attr-defined]
                            rows[index : index + BATCH],
                        )
            async with engine.begin() as connection:
                await connection.exec_driver_sql("ANALYZE")
            result["load_s"] = round(time.perf_counter() - started, 1)
            result["server_version"] = await databases.server_version()
            sessions = session_factory(engine)
            for name, query in (
                ("year_all_municipalities", IsuQuery(*YEAR)),
                ("year_one_municipality", IsuQuery(*YEAR, municipality="1280")),
            ):
                samples: list[float] = []
                for index in range(WARMUP + queries):
                    began = time.perf_counter()
                    async with UnitOfWork(sessions, source="/bench", acting_agency="social") as uow:
                        report = released_for(query.municipality, await raw_figures(uow, query))
                    if index >= WARMUP:
                        samples.append(time.perf_counter() - began)
                result[name] = {
                    "applications": report.applications,
                    "latency_s": summarize(samples),
                }
        finally:
            await engine.dispose()
    return result


if __name__ == "__main__":
    figures = asyncio.run(
        measure(
            cases=int(os.environ.get("BENCH_ISU_CASES", CASES)),
            queries=int(os.environ.get("BENCH_ISU_QUERIES", QUERIES)),
        )
    )
    print(json.dumps(figures, indent=2, default=str))
