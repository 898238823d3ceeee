"""The case timeline of a case with 1,000 entries: one governed read's latency.

In embedded mode (the tests' ``start_platform``), one case is opened through
the API and its follow-up timeline filled, untimed, to 1,000 entries of mixed
categories and reporters (a fifth police's threat levels, the rest social
services' decisions, phases, provider reports and follow-up notes). Then
``GET /cases/{id}/timeline`` is timed over ASGI as social services (who see
their own entries, and police's only under a consent: here none) and as
police (under the application's consent for the case reference, and their
own threat levels): token, municipality check, two disclosure decisions (one
per holder), the merge and one audit entry per part, each committed.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from avhopp_followup.adapters.tables import TimelineEntryRecord
from bench.stats import summarize
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

ENTRIES = 1_000
READS = 200
WARMUP = 20
TARGET_P50_MS = 50.0

_KINDS = (
    ("threat_level_changed", "threat", "police", "Threat level high, regional handling"),
    ("aid_decided", "decisions", "social", "Aid decision: protected_housing granted"),
    ("phase_changed", "case_ref", "social", "Phase: stabilising"),
    ("provider_reported", "interventions", "social", "skyddat-boende-ab reported the week"),
    ("assessment_made", "followup", "social", "Individual assessment after a relapse: continue"),
)


async def _fill(platform: RunningPlatform, case_id: str, count: int) -> None:
    rng = random.Random(5)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for index in range(count):
        milestone, category, reporter, summary = _KINDS[rng.randrange(len(_KINDS))]
        at = start + timedelta(hours=8 * index)
        rows.append(
            {
                "case_id": case_id,
                "milestone": milestone,
                "occurred_at": at,
                "recorded_at": at,
                "source_event_id": str(uuid.uuid4()),
                "reported_by": reporter,
                "category": category,
                "summary": summary,
            }
        )
    async with platform.runtime("followup").engine.begin() as connection:
        await connection.execute(insert(TimelineEntryRecord.__table__), rows)  # type: ignore[attr-defined]


async def measure(platform: RunningPlatform, *, reads: int = READS) -> dict[str, Any]:
    created = await platform.submit(application_body(random.Random(9)))
    if created.status_code != 201:
        raise RuntimeError(f"POST /applications answered {created.status_code}")
    case_id = str(created.json()["case_id"])
    started = await platform.eventually("followup", f"/cases/{case_id}/timeline")
    if started.status_code != 200:
        raise RuntimeError(f"the timeline did not start: {started.status_code}")
    await _fill(platform, case_id, ENTRIES - len(started.json()["entries"]))
    client = platform.clients["followup"]
    figures: dict[str, Any] = {"entries": ENTRIES, "reads": reads}
    for reader in ("social-malmo", "police-syd"):
        headers = platform.auth(reader)
        samples: list[float] = []
        shown = 0
        for index in range(WARMUP + reads):
            began = time.perf_counter()
            response = await client.get(f"/cases/{case_id}/timeline", headers=headers)
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{reader}: GET timeline answered {response.status_code}")
            if index >= WARMUP:
                samples.append(elapsed)
            shown = len(response.json()["entries"])
        figures[reader] = {"entries_shown": shown, "latency_ms": summarize(samples)}
    return figures
