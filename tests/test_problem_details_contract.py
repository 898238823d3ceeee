"""A 422 names each refused field where the request has it, and never repeats the value.

README, "Errors": validation errors list each offending field in
`invalid-params` (a dotted `name`, where it was, and a JSON Pointer into the
body) and never echo the rejected value. Integrators map these back to their
own forms, so the names must be the request's own, and the document must
describe every member an answer carries.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_placement import name_to_team
from tests.test_threat_assessments import assessment, known_case


def _params(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return list(response.json()["invalid-params"])


async def test_a_placement_assessment_refusal_names_the_field_as_the_request_has_it(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    await name_to_team(embedded_platform, case_id)
    threat = embedded_platform.clients["threat"]
    created = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    assert created.status_code == 201, created.text
    path = f"/cases/{case_id}/placement-assessments"

    blank = await threat.post(
        path, json={"towns": [{"municipality": "1280", "suitable": True, "reason": "   "}]}
    )
    twice = await threat.post(
        path,
        json={
            "towns": [
                {"municipality": "1280", "suitable": True, "reason": "Far from the network"},
                {"municipality": "Malmö", "suitable": False, "reason": "Too close"},
            ]
        },
    )

    assert [(p["name"], p["in"], p["pointer"]) for p in _params(blank)] == [
        ("towns.0.reason", "body", "#/towns/0/reason")
    ]
    assert [(p["name"], p["in"], p["pointer"]) for p in _params(twice)] == [
        ("towns.1.municipality", "body", "#/towns/1/municipality")
    ]
    # The town judged twice is not repeated back.
    assert "1280" not in twice.text and "Malmö" not in twice.text


async def test_a_request_without_a_body_is_pointed_at_as_a_whole(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = (await embedded_platform.submit(application_body())).json()["case_id"]

    no_body = await embedded_platform.clients["intake"].post(f"/cases/{case_id}/consents")

    [param] = _params(no_body)
    # RFC 6901: "#" is the whole document; "#/" would be a member named "".
    assert (param["in"], param["pointer"]) == ("body", "#"), param


async def test_the_documented_invalid_param_has_every_member_an_answer_carries(
    embedded_platform: RunningPlatform,
) -> None:
    document = (await embedded_platform.clients["intake"].get("/openapi.json")).json()
    documented = document["components"]["schemas"]["InvalidParam"]["properties"]

    refused = await embedded_platform.submit(application_body(channel="pigeon"))

    answered = {key for param in _params(refused) for key in param}
    assert answered == set(documented)
    assert documented["in"]["enum"] == ["body", "query", "path", "header"]


async def test_a_refused_key_of_a_map_is_named_by_the_map_and_not_repeated(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = (await platform.submit(application_body())).json()["case_id"]
    assert (await platform.eventually("social", f"/cases/{case_id}/investigation")).is_success

    refused = await platform.clients["social"].post(
        f"/cases/{case_id}/needs-mappings",
        json={"risk_areas": {"Hemlig/by": {"rating": "high"}}},
    )

    [param] = _params(refused)
    assert (param["name"], param["pointer"]) == ("risk_areas", "#/risk_areas"), param
    assert "Hemlig" not in refused.text


async def test_a_case_police_do_not_know_has_no_security_incident_list_but_a_404(
    embedded_platform: RunningPlatform,
) -> None:
    threat = embedded_platform.clients["threat"]
    document = (await threat.get("/openapi.json")).json()

    incidents = await threat.get(f"/cases/{uuid.uuid4()}/security-incidents")

    assert incidents.status_code == 404, incidents.text
    documented = document["paths"]["/cases/{case_id}/security-incidents"]["get"]["responses"]
    assert "404" in documented


ISU = "/statistics/isu"
PERIOD = {"first_day": "2026-01-01", "last_day": "2026-06-30"}


async def test_a_query_or_path_field_a_rule_refuses_is_named_in_the_query_or_the_path(
    embedded_platform: RunningPlatform,
) -> None:
    followup = embedded_platform.clients["followup"]
    backwards = await followup.get(
        ISU, params={"first_day": "2026-06-01", "last_day": "2026-01-01"}
    )
    nowhere = await followup.get(ISU, params={**PERIOD, "municipality": ""})
    gif = await followup.get("/statistics/isu/charts/outcomes.gif", params=PERIOD)
    case_id = await known_case(embedded_platform)
    atlantis = await embedded_platform.clients["threat"].get(
        f"/cases/{case_id}/rival-check", params={"towns": ["Atlantis"]}
    )

    located = [
        [(p["name"], p["in"], p["pointer"]) for p in _params(answer)]
        for answer in (backwards, nowhere, gif, atlantis)
    ]
    assert located == [
        [("last_day", "query", "")],
        [("municipality", "query", "")],
        [("image_format", "path", "")],
        [("towns.0", "query", "")],
    ]
    assert "Atlantis" not in atlantis.text


async def test_isu_days_are_iso_dates_and_a_number_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    followup = embedded_platform.clients["followup"]

    seconds = await followup.get(ISU, params={"first_day": "0", "last_day": "86400"})

    assert sorted(p["name"] for p in _params(seconds)) == ["first_day", "last_day"]


async def test_closed_sets_are_documented_as_the_values_accepted(
    embedded_platform: RunningPlatform,
) -> None:
    followup = (await embedded_platform.clients["followup"].get("/openapi.json")).json()
    social = (await embedded_platform.clients["social"].get("/openapi.json")).json()

    chart = followup["paths"]["/statistics/isu/charts/{series}.{image_format}"]["get"]
    [image_format] = [p for p in chart["parameters"] if p["name"] == "image_format"]
    measure = social["components"]["schemas"]["MeasureIn"]["properties"]["responsible"]

    assert sorted(image_format["schema"]["enum"]) == ["png", "svg"]
    assert sorted(measure["enum"]) == sorted(
        ["social", "police", "provider", "probation", "sis", "other", "person"]
    )


async def test_a_day_outside_the_years_1900_to_3000_is_refused_naming_it(
    embedded_platform: RunningPlatform,
) -> None:
    followup = embedded_platform.clients["followup"]

    year_one = await followup.get(ISU, params={"first_day": "0001-01-01", "last_day": "0001-06-30"})

    assert sorted(p["name"] for p in _params(year_one)) == ["first_day", "last_day"]
