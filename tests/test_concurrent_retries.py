"""A client that retries while its first request is still running gets the same case.

A police system that times out and sends the application again with the same
Idempotency-Key may have both requests in flight at once. On PostgreSQL they
then run in parallel transactions; the key's unique index decides which one
opens the case, and the others must answer with that case, not with a fault.
"""

from __future__ import annotations

import asyncio
import random

from tests.fixtures.database import count_events, count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

RETRIES = 5


async def test_requests_in_flight_together_with_one_key_open_one_case_and_all_answer_it(
    platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(21))
    headers = {"Idempotency-Key": "police-system-req-0042"}
    intake = platform.clients["intake"]

    responses = await asyncio.gather(
        *(intake.post("/applications", json=body, headers=headers) for _ in range(RETRIES))
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (RETRIES - 1) + [201], [r.text for r in responses]
    assert len({response.json()["case_id"] for response in responses}) == 1
    runtime = platform.runtime("intake")
    assert await count_rows(runtime, "intake_case") == 1
    assert await count_events(runtime, "WHERE event_type = 'case.application_received'") == 1
