"""Each service's OpenAPI document describes the answers the service really gives.

Integrators generate clients from these documents: a problem schema under a
media type never answered, a parameter that may be "null", or an answer a
body can provoke but the document omits all end up as client bugs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI

from avhopp_followup.app import create_app as followup_app
from avhopp_intake.app import create_app as intake_app
from avhopp_shared.web.problems import PROBLEM_JSON
from avhopp_social.app import create_app as social_app
from avhopp_threat.app import create_app as threat_app
from tests.fixtures.platform import RunningPlatform

APPS: dict[str, Callable[[], FastAPI]] = {
    "intake": intake_app,
    "threat": threat_app,
    "social": social_app,
    "followup": followup_app,
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
METHODS = ("get", "put", "post", "delete", "patch")


@cache
def _document(service: str) -> dict[str, Any]:
    return APPS[service]().openapi()


def _operations(service: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in _document(service)["paths"].items():
        for method in METHODS:
            if method in operations:
                yield f"{method.upper()} {path}", operations[method]


@pytest.mark.parametrize("service", APPS)
def test_no_optional_parameter_is_documented_as_nullable(service: str) -> None:
    nullable = [
        (operation, parameter["name"])
        for operation, described in _operations(service)
        for parameter in described.get("parameters", [])
        if not parameter.get("required", False)
        and {"type": "null"} in parameter["schema"].get("anyOf", [])
    ]

    assert nullable == []


@pytest.mark.parametrize("service", APPS)
def test_every_problem_answer_has_its_schema_under_the_problem_media_type_only(
    service: str,
) -> None:
    misplaced = []
    problems = 0
    for operation, described in _operations(service):
        for status, answer in described["responses"].items():
            content = answer.get("content", {})
            schemas = [media.get("schema") for media in content.values()]
            if PROBLEM_REF not in schemas:
                continue
            problems += 1
            if set(content) != {PROBLEM_JSON} or content[PROBLEM_JSON]["schema"] != PROBLEM_REF:
                misplaced.append((operation, status))

    assert problems > 0
    assert misplaced == []


@pytest.mark.parametrize("service", APPS)
def test_every_operation_with_a_body_documents_400_and_413(service: str) -> None:
    with_body = [op for op, described in _operations(service) if "requestBody" in described]
    missing = [
        (operation, status)
        for operation, described in _operations(service)
        if "requestBody" in described
        for status in ("400", "413")
        if status not in described["responses"]
    ]

    assert with_body
    assert missing == []


async def test_a_body_that_cannot_be_parsed_is_the_documented_400_problem(
    embedded_platform: RunningPlatform,
) -> None:
    response = await embedded_platform.clients["intake"].post(
        "/applications", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == 400
