"""A map key refused for holding NUL is named by its map, never by its own text.

README, "Errors": validation errors never echo the rejected value; a refused key
of a map is named by the map (``web.problems``), and the text guard, which
refuses NUL before any route reads the body (``web.text_guard``), names it so too.
"""

from __future__ import annotations

import json

import httpx

from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

AREAS = [
    "antisocial_history",
    "procriminal_attitudes",
    "procriminal_associates",
    "antisocial_personality_pattern",
    "substance_abuse",
    "work_or_studies",
    "family_and_relations",
    "leisure",
]


async def test_a_map_key_holding_nul_is_named_by_its_map_not_by_its_text(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = (await p.submit(application_body())).json()["case_id"]
    await p.eventually("social", f"/cases/{case_id}/investigation")
    body = {
        "risk_areas": {area: {"rating": "moderate"} for area in AREAS},
        "other_needs": {"Skyddad adress Storgatan 1\u0000": {"rating": "high"}},
    }

    refused = await p.clients["social"].post(f"/cases/{case_id}/needs-mappings", json=body)

    assert refused.status_code == 422, refused.text
    assert "Storgatan" not in refused.text, refused.text
    [param] = refused.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == (
        "other_needs",
        "body",
        "#/other_needs",
    )


async def test_a_top_level_key_holding_nul_is_named_as_the_body(
    embedded_platform: RunningPlatform,
) -> None:
    transport = httpx.ASGITransport(app=embedded_platform.apps["intake"])
    body = {**application_body(), "Storgatan 1\u0000": "x"}
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        refused = await client.post(
            "/applications",
            content=json.dumps(body).encode(),
            headers={**embedded_platform.auth("social-malmo"), "content-type": "application/json"},
        )

    assert refused.status_code == 422, refused.text
    assert "Storgatan" not in refused.text, refused.text
    [param] = refused.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == ("body", "body", "#")
