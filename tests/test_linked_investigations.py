"""A family member's own needs are investigated apart, linked to the person's case."""

from __future__ import annotations

from tests.fixtures.platform import RunningPlatform
from tests.test_social_municipality import social_case


async def test_a_family_members_investigation_is_linked_to_the_case_and_read_only_by_its_municipality(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    path = f"/cases/{case_id}/linked-investigations"

    opened = await social.post(
        path, json={"relation": "partner", "needs": "Threatened by the same network"}
    )
    blank = await social.post(path, json={"relation": "partner", "needs": "   "})
    unknown = await social.post(path, json={"relation": "neighbour", "needs": "Worried"})
    listed = await social.get(path)
    other = await embedded_platform.get_as("social-lund", "social", path)
    police = await embedded_platform.get_as("police-syd", "social", path)

    assert opened.status_code == 201, opened.text
    assert opened.json()["relation"] == "partner"
    assert opened.json()["legal_basis"] == "11 kap. 1 § SoL"
    assert opened.json()["start_deadline"] > opened.json()["opened_at"]
    assert blank.status_code == 422
    assert [p["name"] for p in blank.json()["invalid-params"]] == ["needs"]
    assert unknown.status_code == 422
    assert [p["name"] for p in unknown.json()["invalid-params"]] == ["relation"]
    assert [i["investigation_id"] for i in listed.json()] == [opened.json()["investigation_id"]]
    assert other.status_code == 404  # another municipality cannot tell it exists
    # Police may ask, but family is never theirs (ACCESS.md): not even how many there are.
    assert police.status_code == 200 and police.json() == []
