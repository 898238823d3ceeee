"""Reads of the alert list at intake and the notices they raise for the case owner."""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_placement import name_to_team
from tests.test_threat_assessments import known_case

ALERTS = "/cases/{case_id}/access-alerts"
KEEPER = {"agency": "social", "organisation": "1280", "user": "socialsekreterare-2"}


async def _alerts(platform: RunningPlatform, case_id: str, **headers: str) -> Any:
    return await platform.clients["intake"].get(ALERTS.format(case_id=case_id), headers=headers)


async def test_one_read_of_the_alert_list_by_the_team_raises_one_alert(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await known_case(platform)
    await name_to_team(platform, case_id)  # police placement unit
    threat = platform.clients["threat"]
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": "2480", "placed_on": today_in_sweden().isoformat()},
    )
    assert placed.status_code == 201, placed.text
    for _ in range(3):
        assert (await threat.get(f"/cases/{case_id}/placement")).status_code == 200

    async def four_listed() -> bool:
        listed = await _alerts(platform, case_id)
        return listed.status_code == 200 and len(listed.json()) == 4

    assert await wait_until(four_listed)
    await name_to_team(platform, case_id, KEEPER)
    intake = platform.runtime("intake")
    where = f"WHERE event_type = 'case.protected_location_read' AND key = '{case_id}'"
    before = await count_events(intake, where)

    # One read of the notices by a member of the team.
    one_read = await _alerts(platform, case_id, **platform.auth("social-malmo-2"))
    assert one_read.status_code == 200
    assert len(one_read.json()) == 4
    raised = await count_events(intake, where) - before

    # ACCESS.md, case team: every read of the new home town raises *an* alert for
    # the case owner; one read of four readers' names is one read, one alert.
    assert raised == 1, f"one read of the alert list raised {raised} new alerts"


async def test_an_alert_raised_by_a_read_at_intake_is_listed_for_the_case_owner(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await known_case(platform)
    await name_to_team(platform, case_id)
    threat = platform.clients["threat"]
    await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": "2480", "placed_on": today_in_sweden().isoformat()},
    )

    async def one_listed() -> bool:
        listed = await _alerts(platform, case_id)
        return listed.status_code == 200 and len(listed.json()) == 1

    assert await wait_until(one_listed)
    await name_to_team(platform, case_id, KEEPER)
    intake = platform.runtime("intake")
    where = f"WHERE event_type = 'case.protected_location_read' AND key = '{case_id}'"
    shown = await _alerts(platform, case_id, **platform.auth("social-malmo-2"))
    assert shown.json()[0]["organisation"] == "polisen-region-syd"  # the reader, to the team
    raised_here = await count_events(intake, where)
    assert raised_here >= 1  # intake raised an alert for this read of who read the town

    async def listed_for_the_owner() -> bool:
        listed = (await _alerts(platform, case_id)).json()
        return any(
            a["kind"] == "protected_location_read" and a["agency"] == "social" for a in listed
        )

    # Intake hears no event of its own: the alert it raised is listed in the same
    # transaction as the read, like any other service's alert once it arrives.
    assert await listed_for_the_owner(), (
        f"{raised_here} alert(s) raised by intake never listed for the case owner"
    )
