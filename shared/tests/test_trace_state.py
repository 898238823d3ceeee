"""The trace's vendor data (``tracestate``) travels on with everything a request or an
event causes: W3C Trace Context 3.5 says a receiver MUST send it on. It was dropped:
the trace id reached every event, the ``tracestate`` of the caller none."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.trace import (
    child_of,
    continued,
    current_traceparent,
    current_tracestate,
    trace_id_of,
)
from shared.tests.test_inbox import EffectCounter, _consumer, _envelope
from tests.fixtures.events import application_envelope

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"
TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"


def test_within_a_continued_trace_the_tracestate_is_the_callers_and_is_gone_after_it() -> None:
    with continued(TRACEPARENT, TRACESTATE):
        parent, state = current_traceparent.get(), current_tracestate.get()

    assert parent is not None and parent.split("-")[1] == TRACE_ID
    assert state == TRACESTATE
    assert (current_traceparent.get(), current_tracestate.get()) == (None, None)


def test_a_tracestate_goes_only_with_its_trace_and_only_as_a_header_value_allows() -> None:
    with continued("not-a-trace", TRACESTATE):
        under_a_new_trace = current_tracestate.get()
    with continued(TRACEPARENT, "a=" + "x" * 600):
        too_long = current_tracestate.get()
    with continued(TRACEPARENT, "a=b\x00c"):
        not_printable = current_tracestate.get()
    with continued(TRACEPARENT, "  "):
        blank = current_tracestate.get()

    assert (under_a_new_trace, too_long, not_printable, blank) == (None, None, None, None)


async def _emitted(engine: AsyncEngine) -> list[EventEnvelope]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT payload FROM outbox"))
        return [EventEnvelope.model_validate(json.loads(bytes(row[0]))) for row in rows]


async def test_what_a_consumed_event_causes_carries_its_tracestate_on(
    engine: AsyncEngine,
) -> None:
    consumer = _consumer(engine, EffectCounter())
    traced = _envelope().model_copy(update={"traceparent": TRACEPARENT, "tracestate": TRACESTATE})

    await consumer(traced)

    emitted = await _emitted(engine)
    assert emitted
    for envelope in emitted:
        assert envelope.traceparent is not None
        assert envelope.traceparent.split("-")[1] == TRACE_ID
        assert envelope.tracestate == TRACESTATE


async def test_in_a_batch_each_event_passes_on_its_own_tracestate(engine: AsyncEngine) -> None:
    consumer = _consumer(engine, EffectCounter())
    traced = application_envelope("case-1").model_copy(
        update={"traceparent": TRACEPARENT, "tracestate": TRACESTATE}
    )
    untraced = application_envelope("case-2")

    await consumer.handle_batch([traced, untraced])

    states = {envelope.subject: envelope.tracestate for envelope in await _emitted(engine)}
    assert states == {"case-1": TRACESTATE, "case-2": None}


def test_a_tracestate_with_tabs_as_optional_whitespace_is_passed_on() -> None:
    # W3C Trace Context 3.3.1: list members are separated by "," with optional
    # whitespace, OWS, which is spaces and horizontal tabs (RFC 9110, 5.6.3).
    with continued(TRACEPARENT, "congo=t61rcWkgMzE,\trojo=00f067aa0ba902b7"):
        state = current_tracestate.get()

    assert state == "congo=t61rcWkgMzE,\trojo=00f067aa0ba902b7"


@pytest.mark.parametrize(
    "traceparent",
    [
        f"00-{'0' * 32}-b7ad6b7169203331-01",
        f"00-{TRACE_ID}-{'0' * 16}-01",
        f"ff-{TRACE_ID}-b7ad6b7169203331-01",
    ],
    ids=["all-zero-trace-id", "all-zero-parent-id", "version-ff"],
)
def test_an_invalid_traceparent_starts_a_new_trace_and_leaves_its_tracestate_behind(
    traceparent: str,
) -> None:
    # W3C Trace Context 3.2.2: an all-zero trace-id or parent-id, and version ff,
    # are invalid; such a traceparent MUST be ignored, and so is its tracestate.
    with continued(traceparent, TRACESTATE):
        parent, state = current_traceparent.get(), current_tracestate.get()

    assert parent is not None
    assert parent.split("-")[1] not in (TRACE_ID, "0" * 32)
    assert state is None
    assert trace_id_of(traceparent) is None
    assert child_of(traceparent).split("-")[1] not in (TRACE_ID, "0" * 32)
