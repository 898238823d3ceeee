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
        headers = dict(scope.get("headers", ()))
        parent = headers.get(b"traceparent", b"").decode("latin-1")
        state = headers.get(b"tracestate", b"").decode("latin-1")
        with continued(parent or None, state or None):
            await self.app(scope, receive, send)
