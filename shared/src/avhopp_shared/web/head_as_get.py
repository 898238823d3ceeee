"""HEAD answered wherever GET is: run as the GET it asks about, its content left out.

RFC 9110 (9.1) wants every general-purpose server to answer HEAD, and (9.3.2)
as it would answer GET, with the same header fields and no content; load
balancers and monitors probe with it. FastAPI's routes take only the methods
they declare, so without this a HEAD got 405 everywhere. The routes stay
GET-only, which keeps the OpenAPI document free of a HEAD twin of each GET.

A HEAD of a case discloses what the GET would (whether it exists, its size),
so it passes the same gate and is audited as the read it is (``disclosure``).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware: a HEAD request goes on as GET; the answer's headers are kept
    (``content-length`` included, the length the GET's content has), its content dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_content(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the last (empty) part ends the answer
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_content)
