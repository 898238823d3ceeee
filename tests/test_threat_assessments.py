"""Police record threat assessments; versions, level changes and who may read them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until


def assessment(level: str = "high", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "level": level,
        "threat_picture": "Threats from the former network since the person left",
        "risk_analysis": "Violence likely if the person is found",
        "threat_actors": [{"name": "Person A", "network": "Nätverk 017"}],
        "networks": ["Nätverk 017"],
        "assessed_on": today_in_sweden().isoformat(),
        "next_review_on": (today_in_sweden() + timedelta(days=30)).isoformat(),
    }
    if level == "none":
        body |= {"threat_picture": "", "next_review_on": None, "threat_actors": [], "networks": []}
    return body | overrides


async def known_case(platform: RunningPlatform) -> str:
    """A case police know of: the application came with the person's consent."""
    case_id = str((await platform.submit(application_body())).json()["case_id"])
    task = await platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert task.status_code == 200, task.text
    return case_id


async def _events(platform: RunningPlatform, event_type: str, case_id: str) -> int:
    where = f"WHERE event_type = '{event_type}' AND key = '{case_id}'"
    return await count_events(platform.runtime("threat"), where)


async def test_police_record_an_assessment_and_a_reassessment_as_versions_with_level_events(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]

    first = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))
    same = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))
    rise = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))

    assert [r.status_code for r in (first, same, rise)] == [201, 201, 201], first.text
    assert [r.json()["version"] for r in (first, same, rise)] == [1, 2, 3]
    assert first.json()["handling_level"] == "local"
    assert rise.json()["handling_level"] == "regional"
    current = await threat.get(f"/cases/{case_id}/threat-assessments/current")
    assert (current.json()["version"], current.json()["level"]) == (3, "high")
    history = await threat.get(f"/cases/{case_id}/threat-assessments")
    assert [a["version"] for a in history.json()] == [3, 2, 1]
    # Three assessments, two level changes (none → low, low → high).
    assert await _events(platform, "threat.assessed", case_id) == 3
    assert await _events(platform, "threat.level_changed", case_id) == 2
    task = await threat.get(f"/cases/{case_id}/threat-assessment-task")
    assert task.json()["status"] == "assessed"


async def test_no_threat_means_the_person_is_not_in_the_target_group(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)

    recorded = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("none")
    )

    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["in_target_group"] is False
    assert recorded.json()["handling_level"] is None


async def test_a_relative_is_assessed_apart_from_the_person(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    relative = {"relative_id": "rel-1", "relation": "sibling"}

    person = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    sibling = await threat.post(
        f"/cases/{case_id}/threat-assessments", json=assessment("low", relative=relative)
    )

    assert (person.json()["version"], sibling.json()["version"]) == (1, 1)
    assert sibling.json()["relative"] == relative
    current = await threat.get(f"/cases/{case_id}/threat-assessments/current")
    assert current.json()["level"] == "high"  # the person's, not the relative's


async def test_bad_assessments_are_refused_naming_the_problem(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    path = f"/cases/{case_id}/threat-assessments"
    yesterday = (today_in_sweden() - timedelta(days=1)).isoformat()

    past_review = await threat.post(path, json=assessment(next_review_on=yesterday))
    unknown_level = await threat.post(path, json=assessment(level="extreme"))
    unknown_case = await threat.post(
        "/cases/00000000-0000-4000-8000-000000000000/threat-assessments", json=assessment()
    )

    assert past_review.status_code == 422
    assert past_review.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in past_review.json()["invalid-params"]] == ["next_review_on"]
    assert unknown_level.status_code == 422
    assert "level" in unknown_level.text
    assert unknown_case.status_code == 404
    assert await count_rows(embedded_platform.runtime("threat"), "threat_assessment") == 0


async def test_only_police_clients_may_record_an_assessment(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)

    refused = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments",
        json=assessment(),
        headers=embedded_platform.auth("social-malmo"),
    )

    assert refused.status_code == 403


async def test_social_services_read_the_threat_level_only_under_a_consent_that_covers_it(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    await platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    path = f"/cases/{case_id}/threat-assessments/current"

    before = await platform.get_as("social-malmo", "threat", path)
    consented = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "social"}],
            "categories": ["case_ref", "threat"],
            "purposes": ["investigation"],
            "method": "written",
            "document_reference": "Synthetic consent form 2",
        },
    )
    assert consented.status_code == 201, consented.text

    async def social_sees_it() -> bool:
        return (await platform.get_as("social-malmo", "threat", path)).status_code == 200

    assert before.status_code == 404  # not even that an assessment exists
    assert await wait_until(social_sees_it)
    after = (await platform.get_as("social-malmo", "threat", path)).json()
    assert (after["level"], after["handling_level"]) == ("high", "regional")
    assert "relative" not in after  # family is not covered, nor the person's affiliations
    assert "affiliations" not in after
    # The consent covers the case reference too: police's own records open to
    # social services only under a consent (own_or_consent, policies/README.md).
    assert after["case_id"] == case_id
    withheld = {w["category"] for w in after["withheld"]}
    assert withheld == {"family", "criminal_history"}


async def test_the_list_filters_by_level_and_handling_level_and_finds_reviews_due(
    embedded_platform: RunningPlatform,
) -> None:
    threat = embedded_platform.clients["threat"]
    high = await known_case(embedded_platform)
    low = await known_case(embedded_platform)
    due = await known_case(embedded_platform)
    for case_id, level in ((high, "high"), (low, "low"), (due, "high")):
        recorded = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment(level))
        assert recorded.status_code == 201, recorded.text
    # Time passes for one case: its review date is now behind us.
    async with embedded_platform.runtime("threat").engine.begin() as connection:
        await connection.execute(
            text("UPDATE threat_assessment SET next_review_on = :day WHERE case_id = :case"),
            {"day": today_in_sweden() - timedelta(days=2), "case": due},
        )

    highs = await threat.get("/threat-assessments", params={"level": "high"})
    locals_ = await threat.get("/threat-assessments", params={"handling_level": "local"})
    reviews = await threat.get("/threat-assessments", params={"review_due": "true"})
    first = await threat.get("/threat-assessments", params={"limit": 1})

    assert {a["case_id"] for a in highs.json()} == {high, due}
    assert [a["case_id"] for a in locals_.json()] == [low]
    assert [(a["case_id"], a["review_due"]) for a in reviews.json()] == [(due, True)]
    assert [a["case_id"] for a in first.json()] == [due]  # the most overdue review first
