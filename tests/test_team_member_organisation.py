"""A social-services member of the case team is one municipality, kept by its code.

README: a social-services organisation is named by its code or exact name,
recorded as the code, else 422; a social-services caller's organisation is its
municipality code (`social-malmo-2` is `1280`). The team matches a member by
agency, organisation and user as written (policies/lib/match.rego, same_person):
a colleague named as {"organisation": "Malmö"} would be answered `member: true`
yet never be matched, and the new home town stay withheld from him.
"""

from __future__ import annotations

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import (
    POLICE_USER,
    STAY,
    _case_with_a_stay,
    _case_without_consent,
    _team_rows,
)

COLLEAGUE_BY_NAME = {"agency": "social", "organisation": "Malmö", "user": "socialsekreterare-2"}


async def test_a_colleague_named_by_municipality_name_is_recorded_by_code_and_reads_the_stay(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_with_a_stay(p)

    added = await p.clients["intake"].post(f"/cases/{case_id}/team-members", json=COLLEAGUE_BY_NAME)

    assert added.status_code == 201, added.text
    assert added.json()["organisation"] == "1280"
    assert added.json()["member"] is True

    async def social_knows_the_member() -> bool:
        where = f"WHERE case_id = '{case_id}' AND organisation = '1280'"
        return await count_rows(p.runtime("social"), "access_team_member", where) == 1

    assert await wait_until(social_knows_the_member)
    read = await p.get_as("social-malmo-2", "social", f"/cases/{case_id}/responsibility")
    assert read.status_code == 200, read.text
    assert read.json().get("stay_municipality") == STAY, read.json()


async def test_a_social_services_member_of_no_municipality_is_refused_naming_organisation(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    nowhere = {**COLLEAGUE_BY_NAME, "organisation": "Malmoe"}

    added = await intake.post(f"/cases/{case_id}/team-members", json=nowhere)
    removed = await intake.post(f"/cases/{case_id}/team-members/removal", json=nowhere)

    for refused in (added, removed):
        assert refused.status_code == 422, refused.text
        assert [i["name"] for i in refused.json()["invalid-params"]] == ["organisation"]
    assert await _team_rows(embedded_platform, case_id) == 0


async def test_a_colleague_named_by_code_is_taken_off_the_team_by_municipality_name(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    by_code = {**COLLEAGUE_BY_NAME, "organisation": "1280"}
    named = await intake.post(f"/cases/{case_id}/team-members", json=by_code)
    assert named.status_code == 201, named.text

    removed = await intake.post(f"/cases/{case_id}/team-members/removal", json=COLLEAGUE_BY_NAME)

    assert removed.status_code == 200, removed.text
    assert (removed.json()["organisation"], removed.json()["member"]) == ("1280", False)
    assert await _team_rows(embedded_platform, case_id) == 0


async def test_a_caseworker_named_by_code_takes_himself_off_by_municipality_name(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]
    named = await intake.post(
        f"/cases/{case_id}/team-members", json={**COLLEAGUE_BY_NAME, "organisation": "1280"}
    )
    assert named.status_code == 201, named.text

    himself = await intake.post(
        f"/cases/{case_id}/team-members/removal",
        json=COLLEAGUE_BY_NAME,
        headers=embedded_platform.auth("social-malmo-2"),
    )

    assert himself.status_code == 200, himself.text
    assert await _team_rows(embedded_platform, case_id) == 0


async def test_another_agencys_member_keeps_the_organisation_as_written(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    added = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/team-members", json=POLICE_USER
    )

    assert added.status_code == 201, added.text
    assert added.json()["organisation"] == POLICE_USER["organisation"]
