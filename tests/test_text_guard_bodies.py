"""Unstorable text in bodies the guard finds awkward: deep nesting, odd keys, a bare string.

The guard's 422 names the field by an RFC 6901 JSON Pointer (as a URI fragment,
section 6), like every other 422 (``problems.body_pointer``); and a body it cannot
parse is left to the route's own parsing, never answered 500.
"""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform


async def _post(platform: RunningPlatform, body: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=platform.apps["intake"], raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        return await client.post(
            "/applications",
            content=body.encode(),
            headers={**platform.auth("social-malmo"), "content-type": "application/json"},
        )


async def test_a_deeply_nested_body_with_a_nul_escape_is_a_4xx_not_a_500(
    embedded_platform: RunningPlatform,
) -> None:
    # 100 000 levels (some 200 kB, well under the 1 MiB body limit): deeper than
    # Python's recursion limit, which the JSON parser counts against.
    body = "[" * 100_000 + '"\\u0000"' + "]" * 100_000

    response = await _post(embedded_platform, body)

    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 0


@pytest.mark.parametrize(
    ("body", "name", "pointer"),
    [
        (
            '{"applicant": {"given/name": "a\\u0000"}}',
            "applicant.given/name",
            "#/applicant/given~1name",
        ),
        (
            '{"applicant": {"given~name": "a\\u0000"}}',
            "applicant.given~name",
            "#/applicant/given~0name",
        ),
        ('"\\u0000"', "body", "#"),
    ],
    ids=["slash-in-key", "tilde-in-key", "whole-body"],
)
async def test_the_pointer_to_unstorable_text_is_an_rfc6901_pointer(
    embedded_platform: RunningPlatform, body: str, name: str, pointer: str
) -> None:
    response = await _post(embedded_platform, body)

    assert response.status_code == 422, response.text
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == (name, "body", pointer)
