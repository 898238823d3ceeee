"""What a refusal names: a map's refused key never, and the body as a whole by '#'.

README, "Errors": validation errors name each offending field (a dotted name
and a JSON Pointer) and never echo the rejected value. The documented
``InvalidParam.pointer`` is '#' for the body as a whole (RFC 6901, section 6).
"""

from __future__ import annotations

import pytest

from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform


async def test_a_refused_map_key_is_not_repeated_when_its_value_is_refused_too(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = (await p.submit(application_body())).json()["case_id"]
    assert (await p.eventually("social", f"/cases/{case_id}/investigation")).is_success

    refused = await p.clients["social"].post(
        f"/cases/{case_id}/needs-mappings",
        json={"risk_areas": {"Hemlig/by": {"rating": "bogus"}}},
    )

    assert refused.status_code == 422, refused.text
    assert "Hemlig" not in refused.text, refused.text
    params = refused.json()["invalid-params"]
    assert [(x["name"], x["in"], x["pointer"]) for x in params] == [
        ("risk_areas", "body", "#/risk_areas")
    ], params
    assert refused.json()["detail"] == "invalid field(s): risk_areas"


@pytest.mark.parametrize(
    ("raw", "status"),
    [(b'{"channel":', 422), (b"\xff\xfe{", 400), (b'{"channel": "l\xe4tter"}', 400)],
    ids=["not-json-text", "utf16-mark", "not-utf8"],
)
async def test_a_body_refused_as_a_whole_is_pointed_at_with_hash(
    embedded_platform: RunningPlatform, raw: bytes, status: int
) -> None:
    document = (await embedded_platform.clients["intake"].get("/openapi.json")).json()
    described = document["components"]["schemas"]["InvalidParam"]["properties"]["pointer"]
    assert "'#' for the body as a whole" in described["description"]

    response = await embedded_platform.clients["intake"].post(
        "/applications", content=raw, headers={"content-type": "application/json"}
    )

    assert response.status_code == status, response.text
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == ("body", "body", "#"), param
