"""The 400 for a request head held past its limit is a problem document like every error.

README, "Errors": every error is RFC 9457 application/problem+json, and the same
section documents the 400 for a request head of which more than 64 KiB is held
without its end (``web.http_server``). It was answered by the HTTP server itself,
in text/plain.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import pytest
import uvicorn

from avhopp_shared.web.http_server import server_options
from avhopp_shared.web.problems import PROBLEM_BASE
from tests.fixtures.broker import free_port
from tests.fixtures.platform import RunningPlatform


@pytest.fixture
async def served_port(embedded_platform: RunningPlatform) -> AsyncIterator[int]:
    port = free_port()
    options = {**server_options(embedded_platform.settings["intake"]), "port": port}
    app = embedded_platform.apps["intake"]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", **options))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.02)
    yield port
    server.should_exit = True
    await task


async def _answer_to_an_endless_head(port: int) -> bytes:
    """What the server answers to a head that arrives in pieces and never ends."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: ")
    answer = b""
    for _ in range(12):  # 96 KiB in all, past the 64 KiB held
        try:
            writer.write(b"a" * 8192)
            await writer.drain()
        except (ConnectionError, OSError):
            break
        with contextlib.suppress(TimeoutError):
            answer = await asyncio.wait_for(reader.read(65536), 0.1)
        if answer:
            break
    with contextlib.suppress(ConnectionError, TimeoutError):
        while not reader.at_eof():
            answer += await asyncio.wait_for(reader.read(65536), 10)
    with contextlib.suppress(Exception):
        writer.close()
    return answer


async def test_the_400_for_a_request_head_past_the_limit_is_a_problem_document(
    served_port: int,
) -> None:
    answer = await _answer_to_an_endless_head(served_port)

    head, _, content = answer.partition(b"\r\n\r\n")
    status_line, *fields = head.split(b"\r\n")
    headers = dict(field.lower().split(b": ", 1) for field in fields)
    assert status_line == b"HTTP/1.1 400 Bad Request", answer
    assert headers.get(b"content-type") == b"application/problem+json", answer
    assert headers.get(b"connection") == b"close", answer
    problem = json.loads(content)
    assert (problem["type"], problem["status"]) == (PROBLEM_BASE + "bad-request", 400), problem


async def test_the_400_for_a_request_head_that_does_not_parse_is_a_problem_document(
    served_port: int,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served_port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nNot a header field\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()

    head, _, content = answer.partition(b"\r\n\r\n")
    status_line, *fields = head.split(b"\r\n")
    headers = dict(field.lower().split(b": ", 1) for field in fields)
    assert status_line == b"HTTP/1.1 400 Bad Request", answer
    assert headers.get(b"content-type") == b"application/problem+json", answer
    assert json.loads(content)["status"] == 400
