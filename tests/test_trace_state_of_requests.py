"""A caller's ``tracestate`` travels with the events its request causes, beside its trace
(README, "Events": trace context travels as traceparent/tracestate; W3C Trace Context 3.5)."""

from __future__ import annotations

import json
import random

from sqlalchemy import text

from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


async def test_the_callers_tracestate_travels_in_every_copy_of_the_event_its_request_causes(
    embedded_platform: RunningPlatform,
) -> None:
    headers = {
        "traceparent": f"00-{TRACE_ID}-b7ad6b7169203331-01",
        "tracestate": "congo=t61rcWkgMzE",
    }

    submitted = await embedded_platform.clients["intake"].post(
        "/applications", json=application_body(random.Random(9)), headers=headers
    )

    assert submitted.status_code == 201, submitted.text
    async with embedded_platform.runtime("intake").engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT payload FROM outbox WHERE event_type = 'case.application_received'")
        )
        copies = [json.loads(bytes(row[0])) for row in rows]
    assert len(copies) > 1
    for copy in copies:
        assert copy["traceparent"].split("-")[1] == TRACE_ID
        assert copy["tracestate"] == "congo=t61rcWkgMzE"
