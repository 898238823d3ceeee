"""The case owner sees every read of the new home town and every break-glass grant.

ACCESS.md: every read of ``protected_location`` raises an access alert for the case
owner, and break-glass is notified to the data owner. Social services of the
municipality working the case read them at intake; who it was is shown to the case
team only, since it can tell where the person lives.
"""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import JUSTIFICATION
from tests.test_placement import name_to_team
from tests.test_threat_assessments import known_case

ALERTS = "/cases/{case_id}/access-alerts"
#: The demo's second caseworker of Malmö, the responsible municipality (social-malmo-2).
KEEPER = {"agency": "social", "organisation": "1280", "user": "socialsekreterare-2"}


async def _alerts(platform: RunningPlatform, case_id: str, **headers: str) -> Any:
    return await platform.clients["intake"].get(ALERTS.format(case_id=case_id), headers=headers)


async def test_a_read_of_the_new_home_town_is_listed_for_the_case_owner_naming_the_reader_to_the_team(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    await name_to_team(platform, case_id)  # the police placement unit
    threat = platform.clients["threat"]
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": "2480", "placed_on": today_in_sweden().isoformat()},
    )
    read = await threat.get(f"/cases/{case_id}/placement")
    assert [placed.status_code, read.status_code] == [201, 200], read.text

    async def both_reads_listed() -> bool:
        listed = await _alerts(platform, case_id)
        return listed.status_code == 200 and len(listed.json()) == 2

    assert await wait_until(both_reads_listed)
    off_team = (await _alerts(platform, case_id)).json()
    await name_to_team(platform, case_id, KEEPER)
    on_team = (await _alerts(platform, case_id, **platform.auth("social-malmo-2"))).json()

    assert [a["kind"] for a in off_team] == ["protected_location_read"] * 2
    assert all(a["agency"] == "police" and a["channel"] == "rest" for a in off_team)
    # Off the team, the caseworker is told that police read it, not which police.
    assert all("organisation" not in a and "user" not in a for a in off_team)
    assert {"category": "protected_location", "reason": "not on the case team"} in (
        off_team[0]["withheld"]
    )
    readers = {(a["organisation"], a["user"]) for a in on_team[:2]}
    assert readers == {("polisen-region-syd", "samordnare-1")}
    assert off_team[0]["at"] >= off_team[1]["at"]  # newest first


async def test_break_glass_on_a_case_is_listed_for_its_owner_with_what_it_opened_and_its_review(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    intake = embedded_platform.clients["intake"]
    police = embedded_platform.auth("police-syd")
    granted = await intake.post(
        f"/cases/{case_id}/break-glass",
        json={
            # Health is "none" for police: no break-glass opens it (test_grants_that_open_nothing).
            "categories": ["case_ref", "identity"],
            "justification": JUSTIFICATION,
            "legal_basis": "24 kap. 8 § OSL",
            "minutes": 60,
        },
        headers=police,
    )
    assert granted.status_code == 201, granted.text
    before = (await _alerts(embedded_platform, case_id)).json()
    approval = f"/cases/{case_id}/break-glass/{granted.json()['grant_id']}/approval"
    # The demo's second officer of the same region approves it (four eyes).
    approved = await intake.post(approval, headers=embedded_platform.auth("police-syd-2"))
    after = (await _alerts(embedded_platform, case_id)).json()

    assert approved.status_code == 200, approved.text
    assert [(a["kind"], a["alert_id"]) for a in before] == [
        ("break_glass", granted.json()["grant_id"])
    ]
    assert before[0]["categories"] == ["case_ref", "identity"]
    assert before[0]["expires_at"] == granted.json()["expires_at"]
    assert (before[0]["agency"], before[0]["approved"]) == ("police", False)
    assert after[0]["approved"] is True


async def test_only_social_services_working_the_case_read_its_access_alerts(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)

    police = await embedded_platform.get_as("police-syd", "intake", ALERTS.format(case_id=case_id))
    unknown = await _alerts(embedded_platform, "00000000-0000-4000-8000-000000000000")
    lund = embedded_platform.issuer.mint(
        {"client_id": "social-lund", "agency": "social", "organisation": "1281", "user": "l-1"}
    )
    other_municipality = await _alerts(embedded_platform, case_id, Authorization=f"Bearer {lund}")

    assert police.status_code == 403
    assert unknown.status_code == 404
    # Another municipality is told no more than of a case that does not exist.
    assert other_municipality.status_code in (403, 404), other_municipality.text
