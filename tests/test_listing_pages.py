"""Every listing pages with ``limit`` and ``offset``; an offset no database can take is the
client's error (422 naming it), not a fault of the service."""

from __future__ import annotations

import pytest

from avhopp_shared.web.params import MAX_OFFSET
from tests.fixtures.platform import RunningPlatform

LISTINGS = [
    ("social", "/investigations"),
    ("social", "/aid-decisions/expiring"),
    ("social", "/tasks"),
    ("threat", "/threat-assessment-tasks"),
    ("threat", "/threat-assessments"),
    ("threat", "/security-incidents"),
    ("followup", "/phases/acute-overdue"),
    ("followup", "/meetings/overdue"),
]
PROBLEM = "application/problem+json"


@pytest.mark.parametrize(("service", "path"), LISTINGS)
async def test_an_offset_beyond_a_64_bit_integer_is_a_422_naming_the_offset(
    embedded_platform: RunningPlatform, service: str, path: str
) -> None:
    client = embedded_platform.clients[service]

    response = await client.get(path, params={"offset": str(MAX_OFFSET + 1)})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalid-params"]] == ["offset"]


async def test_the_largest_offset_is_an_empty_page_on_either_database(
    platform: RunningPlatform,
) -> None:
    for service, path in LISTINGS:
        response = await platform.clients[service].get(path, params={"offset": str(MAX_OFFSET)})

        assert response.status_code == 200, (path, response.text)
        assert response.json() == [], path
