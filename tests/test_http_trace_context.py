"""A request's trace context reaches the events it causes as W3C Trace Context defines it
(README, "Events": trace context travels as traceparent/tracestate)."""

from __future__ import annotations

import json
import random
from typing import Any

from sqlalchemy import text

from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


async def _copies(platform: RunningPlatform) -> list[dict[str, Any]]:
    async with platform.runtime("intake").engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT payload FROM outbox WHERE event_type = 'case.application_received'")
        )
        return [json.loads(bytes(row[0])) for row in rows]


async def test_a_tracestate_sent_on_two_header_lines_travels_whole_with_the_event(
    embedded_platform: RunningPlatform,
) -> None:
    # RFC 9110, 5.3: the lines of a list field are one list; W3C Trace Context 3.5:
    # a receiver MUST send all of tracestate on.
    headers = [
        ("traceparent", f"00-{TRACE_ID}-b7ad6b7169203331-01"),
        ("tracestate", "congo=t61rcWkgMzE"),
        ("tracestate", "rojo=00f067aa0ba902b7"),
        ("content-type", "application/json"),
    ]

    submitted = await embedded_platform.clients["intake"].post(
        "/applications",
        content=json.dumps(application_body(random.Random(9))).encode(),
        headers=headers,
    )

    assert submitted.status_code == 201, submitted.text
    copies = await _copies(embedded_platform)
    assert copies
    for copy in copies:
        assert copy["traceparent"].split("-")[1] == TRACE_ID
        assert copy["tracestate"] == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"


async def test_a_traceparent_of_the_all_zero_trace_id_is_not_continued_nor_its_tracestate(
    embedded_platform: RunningPlatform,
) -> None:
    # W3C Trace Context 3.2.2.3: an all-zero trace-id is invalid and the traceparent
    # MUST be ignored; a tracestate goes only with the trace it came with.
    headers = {
        "traceparent": f"00-{'0' * 32}-b7ad6b7169203331-01",
        "tracestate": "congo=t61rcWkgMzE",
    }

    submitted = await embedded_platform.clients["intake"].post(
        "/applications", json=application_body(random.Random(9)), headers=headers
    )

    assert submitted.status_code == 201, submitted.text
    copies = await _copies(embedded_platform)
    assert copies
    for copy in copies:
        assert copy["traceparent"].split("-")[1] != "0" * 32, copy["traceparent"]
        assert copy.get("tracestate") is None, copy["tracestate"]
