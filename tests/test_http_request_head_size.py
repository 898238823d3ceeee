"""A request head of megabytes is refused before it is served.

The body has its limit (README: 1 MiB, "413 before they are read"); without one
for the request line and headers, a head of any size was buffered in full and
the request served. Served as ``python -m avhopp_shared.platform`` and
``python -m avhopp_<service> serve`` serve it (``web.http_server``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from avhopp_shared.web.http_server import server_options
from tests.fixtures.broker import free_port
from tests.fixtures.platform import RunningPlatform


class _Served:
    """The service's app, counting the requests it was given."""

    def __init__(self, platform: RunningPlatform) -> None:
        self.app = platform.apps["intake"]
        self.port = free_port()
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.requests += scope["type"] == "http"
        await self.app(scope, receive, send)


@pytest.fixture
async def served_intake(embedded_platform: RunningPlatform) -> AsyncIterator[_Served]:
    served = _Served(embedded_platform)
    options = {**server_options(embedded_platform.settings["intake"]), "port": served.port}
    server = uvicorn.Server(uvicorn.Config(served, lifespan="off", **options))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.02)
    yield served
    server.should_exit = True
    await task


async def _status_line(port: int, filler_bytes: int) -> bytes:
    """The status line answered to a GET with a header of ``filler_bytes``; empty when the
    connection was reset before it could be read (the server closes on what it did not read)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    filler = "a" * filler_bytes
    writer.write(f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: {filler}\r\n\r\n".encode())
    with contextlib.suppress(ConnectionError, TimeoutError):
        # The server may close before the whole head is written: that is the refusal.
        await asyncio.wait_for(writer.drain(), 10)
    try:
        answer = await asyncio.wait_for(reader.read(4096), 10)
    except (ConnectionError, TimeoutError):
        answer = b""
    writer.close()
    return answer.split(b"\r\n", 1)[0]


@pytest.mark.parametrize("filler_bytes", [1024 * 1024, 16 * 1024 * 1024], ids=["1MiB", "16MiB"])
async def test_a_request_head_of_megabytes_is_refused_not_served(
    served_intake: _Served, filler_bytes: int
) -> None:
    status_line = await _status_line(served_intake.port, filler_bytes)

    assert status_line in (b"", b"HTTP/1.1 400 Bad Request"), status_line
    assert served_intake.requests == 0


async def test_a_request_head_of_a_few_kilobytes_is_served(served_intake: _Served) -> None:
    status_line = await _status_line(served_intake.port, 8 * 1024)

    assert status_line == b"HTTP/1.1 200 OK", status_line
    assert served_intake.requests == 1
