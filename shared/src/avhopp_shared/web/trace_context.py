"""Take the caller's W3C ``traceparent`` and ``tracestate`` (or start a trace) for everything a request emits."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from avhopp_shared.trace import continued


class TraceContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        parent = _field(headers, b"traceparent")
        state = _field(headers, b"tracestate")
        with continued(parent or None, state or None):
            await self.app(scope, receive, send)


def _field(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    """A field's value from all its lines, joined by "," in order (RFC 9110, 5.3).

    ``tracestate`` is a list that may come on several lines, and all of it is
    passed on (W3C Trace Context 3.3.1, 3.5), not only its last line.
    ``traceparent`` is one value (3.2): two lines of it join into a value that
    is not valid, and a new trace is started, as for any traceparent not valid.
    """
    return ",".join(value.decode("latin-1") for key, value in headers if key == name)
