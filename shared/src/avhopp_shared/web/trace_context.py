"""Take the caller's W3C ``traceparent`` (or start a trace) for everything a request emits."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from avhopp_shared.trace import child_of, current_traceparent


class TraceContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", ())).get(b"traceparent", b"").decode("latin-1")
        token = current_traceparent.set(child_of(incoming or None))
        try:
            await self.app(scope, receive, send)
        finally:
            current_traceparent.reset(token)
