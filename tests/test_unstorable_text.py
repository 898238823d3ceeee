"""Text with a NUL character or a lone surrogate is the client's error (422) in both modes,
and stores nothing.

PostgreSQL cannot hold U+0000 in text and SQLite can: without a check at the
door the same request opened a case on one and answered 503 on the other. A
lone surrogate has no UTF-8 form: stored, it made the answer to the write, and
every later read, a 500.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_threat_assessments import known_case

PROBLEM = "application/problem+json"


async def test_a_nul_in_a_body_field_is_a_422_naming_the_field_and_nothing_is_stored(
    platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(3))
    body["applicant"] = {**body["applicant"], "given_name": "An\u0000na"}

    response = await platform.clients["intake"].post("/applications", json=body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == (
        "applicant.given_name",
        "body",
        "#/applicant/given_name",
    )
    assert await count_rows(platform.runtime("intake"), "intake_case") == 0


async def test_a_nul_in_the_path_or_a_query_parameter_is_a_422(
    platform: RunningPlatform,
) -> None:
    in_path = await platform.clients["intake"].get("/cases/case%00one")
    in_query = await platform.clients["social"].get("/tasks", params={"case_id": "a\u0000b"})

    assert in_path.status_code == 422, in_path.text
    assert in_path.json()["invalid-params"][0]["in"] == "path"
    assert in_query.status_code == 422, in_query.text
    assert in_query.json()["invalid-params"][0]["name"] == "case_id"


async def test_a_backslash_followed_by_u0000_is_ordinary_text(
    embedded_platform: RunningPlatform,
) -> None:
    body = {**application_body(random.Random(4)), "summary": "the file C:\\u0000\\notes"}

    response = await embedded_platform.clients["intake"].post("/applications", json=body)

    assert response.status_code == 201, response.text
    assert response.json()["summary"] == "the file C:\\u0000\\notes"


async def test_a_lone_surrogate_in_a_free_text_list_item_is_a_422_naming_it_and_nothing_is_stored(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    await platform.eventually("social", f"/cases/{case_id}/investigation")
    plan = {
        "goals": ["A safe home", "Studies \ud800"],
        "measures": [{"description": "Weekly support talks", "responsible": "social"}],
        "review_on": (today_in_sweden() + timedelta(days=60)).isoformat(),
    }
    path = f"/cases/{case_id}/action-plans"

    # json.dumps writes the lone surrogate as the escape a client would send.
    response = await platform.clients["social"].post(
        path, content=json.dumps(plan), headers={"content-type": "application/json"}
    )
    history = await platform.clients["social"].get(path)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["pointer"]) == ("goals.1", "#/goals/1")
    assert (history.status_code, history.json()) == (200, [])
    assert await count_rows(platform.runtime("social"), "social_action_plan") == 0


async def test_a_character_written_as_an_escaped_surrogate_pair_is_ordinary_text(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(6))
    raw = json.dumps({**body, "summary": "moved \U0001f3e0"})  # ascii-escaped: \\ud83c\\udfe0
    assert "\\ud83c\\udfe0" in raw

    response = await embedded_platform.clients["intake"].post(
        "/applications", content=raw, headers={"content-type": "application/json"}
    )

    assert response.status_code == 201, response.text
    assert response.json()["summary"] == "moved \U0001f3e0"
