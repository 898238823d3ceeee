"""The trace context a request carries, read from its header lines as HTTP defines them.

A field sent on several lines is one list, its lines joined by "," in order
(RFC 9110, 5.3); ``tracestate`` is such a list (W3C Trace Context 3.3.1), and a
receiver MUST pass all of it on (3.5), not only what its last line held.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from avhopp_shared.trace import current_traceparent, current_tracestate
from avhopp_shared.web.trace_context import TraceContext

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"


async def _seen(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    """The traceparent and tracestate an app behind the middleware works under."""
    seen: list[tuple[str | None, str | None]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((current_traceparent.get(), current_tracestate.get()))

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        pass

    scope: Scope = {"type": "http", "method": "GET", "path": "/", "headers": headers}
    await TraceContext(app)(scope, receive, send)
    [context] = seen
    return context


async def test_a_tracestate_sent_on_several_lines_is_one_list_in_their_order() -> None:
    parent, state = await _seen(
        [
            (b"traceparent", TRACEPARENT.encode()),
            (b"tracestate", b"congo=t61rcWkgMzE"),
            (b"accept", b"application/json"),
            (b"tracestate", b"rojo=00f067aa0ba902b7"),
        ]
    )

    assert parent is not None and parent.split("-")[1] == TRACE_ID
    assert state == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"


async def test_a_traceparent_sent_on_two_lines_is_not_one_trace_and_a_new_one_is_started() -> None:
    # traceparent is a single value, not a list (W3C Trace Context 3.2): two lines
    # of it join into a value that is not valid, which is ignored (3.2.2).
    parent, state = await _seen(
        [
            (b"traceparent", TRACEPARENT.encode()),
            (b"traceparent", f"00-{'1' * 32}-b7ad6b7169203331-01".encode()),
            (b"tracestate", b"congo=t61rcWkgMzE"),
        ]
    )

    assert parent is not None and parent.split("-")[1] not in (TRACE_ID, "1" * 32)
    assert state is None
