"""A JSON body is read as UTF-8 only (RFC 8259, section 8.1), so the text guard sees all of it.

README, "Errors": text holding NUL (U+0000) in a body field is refused in both
modes, and a body the parser gives up on (not UTF-8) is the documented 400 naming
``body``. The route's JSON parser also reads UTF-16 and UTF-32, where a NUL
escape is written in bytes other than UTF-8's; a body in either is refused as
not UTF-8 before anything reads it.
"""

from __future__ import annotations

import json

import pytest

from tests.fixtures.database import count_events, count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

PROBLEM_JSON = "application/problem+json"
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]


def _with_nul_in_given_name() -> str:
    return json.dumps(application_body()).replace('"given_name": "', '"given_name": "A\\u0000', 1)


async def _nothing_stored(platform: RunningPlatform) -> bool:
    intake = platform.runtime("intake")
    return await count_rows(intake, "intake_case") == 0 and await count_events(intake) == 0


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_a_nul_escape_in_a_utf16_or_utf32_body_is_refused_and_nothing_is_stored(
    platform: RunningPlatform, encoding: str
) -> None:
    response = await platform.clients["intake"].post(
        "/applications",
        content=_with_nul_in_given_name().encode(encoding),
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400, (response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM_JSON
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == ("body", "body", "#"), param
    assert param["reason"].startswith("the body could not be read as JSON"), param
    assert await _nothing_stored(platform)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-le"])
async def test_a_body_in_utf16_or_utf32_is_refused_as_not_utf8_also_without_a_nul(
    embedded_platform: RunningPlatform, encoding: str
) -> None:
    response = await embedded_platform.clients["intake"].post(
        "/applications",
        content=json.dumps(application_body()).encode(encoding),
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400, (response.status_code, response.text)
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"]) == ("body", "body")
    assert await _nothing_stored(embedded_platform)


async def test_a_utf8_body_is_still_accepted(embedded_platform: RunningPlatform) -> None:
    response = await embedded_platform.clients["intake"].post(
        "/applications",
        content=json.dumps(application_body(), ensure_ascii=False).encode("utf-8"),
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 201, response.text
