"""An ad hoc rival check of a case without a threat assessment names the case in the
path, not a body field: the GET has no body (README, "Errors": each offending field is
named where it is; the pointer points into the body only for a field in the body)."""

from __future__ import annotations

from tests.fixtures.platform import RunningPlatform
from tests.test_placement import name_to_team
from tests.test_threat_assessments import known_case


async def test_a_rival_check_of_a_case_without_an_assessment_names_the_case_in_the_path(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    await name_to_team(embedded_platform, case_id)

    response = await embedded_platform.clients["threat"].get(
        f"/cases/{case_id}/rival-check", params={"towns": ["Lund"]}
    )

    assert response.status_code == 422, response.text
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == ("case_id", "path", "")
