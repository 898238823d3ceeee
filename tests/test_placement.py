"""Placement assessment, the rival check across open police cases, and the placement itself."""

from __future__ import annotations

from typing import Any

import pytest

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_police_case import answers, consent_to_decision_summary, social_decides
from tests.test_threat_assessments import assessment, known_case

MALMO, UMEA, LUND = "1280", "2480", "1281"
POLICE_USER = {"agency": "police", "organisation": "polisen-region-syd", "user": "samordnare-1"}
HOUSING_STAFF = {
    "agency": "provider",
    "organisation": "skyddat-boende-ab",
    "user": "boendepersonal-1",
}


async def name_to_team(
    platform: RunningPlatform, case_id: str, person: dict[str, str] = POLICE_USER
) -> None:
    """Social services of the responsible municipality (the default intake client, a
    caseworker of Malmö) name ``person`` to the case team; returns once the threat
    service's gate knows it. Placement assessments and rival checks are for the
    case's named team only (ACCESS.md: protected_location, police "team (placement
    unit)")."""
    named = await platform.clients["intake"].post(f"/cases/{case_id}/team-members", json=person)
    assert named.status_code == 201, named.text
    runtime = platform.runtime("threat")
    where = (
        f"WHERE case_id = '{case_id}' AND agency = '{person['agency']}' "
        f"AND organisation = '{person['organisation']}' AND \"user\" = '{person['user']}'"
    )

    async def known() -> bool:
        return await count_rows(runtime, "access_team_member", where) == 1

    assert await wait_until(known)


def towns(*judged: tuple[str, bool]) -> dict[str, Any]:
    return {
        "towns": [
            {"municipality": town, "suitable": suitable, "reason": "Synthetic reason"}
            for town, suitable in judged
        ]
    }


async def test_a_placement_assessment_needs_a_threat_assessment_and_real_towns(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    await name_to_team(embedded_platform, case_id)
    threat = embedded_platform.clients["threat"]
    path = f"/cases/{case_id}/placement-assessments"

    too_early = await threat.post(path, json=towns((MALMO, True)))
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    unknown = await threat.post(path, json=towns((MALMO, True), ("Atlantis", False)))
    by_name = await threat.post(path, json=towns(("Malmö", True), ("0180", False)))

    assert too_early.status_code == 422
    assert [p["name"] for p in too_early.json()["invalid-params"]] == ["case"]
    assert unknown.status_code == 422
    assert [p["name"] for p in unknown.json()["invalid-params"]] == ["towns.1.municipality"]
    assert by_name.status_code == 201, by_name.text
    judged = [(t["municipality_code"], t["municipality_name"]) for t in by_name.json()["towns"]]
    assert judged == [(MALMO, "Malmö"), ("0180", "Stockholm")]


async def test_the_rival_check_flags_towns_of_threatening_networks_without_naming_the_cases(
    platform: RunningPlatform,
) -> None:
    threat = platform.clients["threat"]
    # Case A: a former member of Nätverk 017, placed in Malmö.
    placed = await known_case(platform)
    await name_to_team(platform, placed)
    await threat.post(
        f"/cases/{placed}/threat-assessments",
        json=assessment("high", affiliations=["Nätverk 017"]),
    )
    recorded = await threat.post(
        f"/cases/{placed}/placement",
        json={"municipality": MALMO, "placed_on": today_in_sweden().isoformat()},
    )
    assert recorded.status_code == 201, recorded.text
    # Case C: threatened by someone of Nätverk 044 who lives in Umeå.
    other = await known_case(platform)
    actor = {"name": "Person C", "network": "Nätverk 044", "resides_in": "Umeå"}
    await threat.post(
        f"/cases/{other}/threat-assessments", json=assessment("low", threat_actors=[actor])
    )
    # Case B: threatened by both networks; its team's police placement unit checks.
    asking = await known_case(platform)
    await name_to_team(platform, asking)
    await threat.post(
        f"/cases/{asking}/threat-assessments",
        json=assessment("high", networks=["nätverk 017 ", "Nätverk 044"]),
    )

    judged = await threat.post(
        f"/cases/{asking}/placement-assessments",
        json=towns((MALMO, True), (UMEA, True), (LUND, True)),
    )
    adhoc = await threat.get(f"/cases/{asking}/rival-check", params={"towns": ["Lund", UMEA]})

    assert judged.status_code == 201, judged.text
    flags = {(f["municipality_code"], tuple(f["kinds"])) for f in judged.json()["rival_flags"]}
    assert flags == {(MALMO, ("placed",)), (UMEA, ("resides",))}
    assert [f["municipality_code"] for f in adhoc.json()["rival_flags"]] == [UMEA]
    for answer in (judged.text, adhoc.text):
        assert placed not in answer and other not in answer


async def test_a_closed_police_case_no_longer_counts_in_rival_checks(
    embedded_platform: RunningPlatform,
) -> None:
    threat = embedded_platform.clients["threat"]
    placed = await known_case(embedded_platform)
    await name_to_team(embedded_platform, placed)
    await threat.post(
        f"/cases/{placed}/threat-assessments",
        json=assessment("high", affiliations=["Nätverk 017"]),
    )
    await threat.post(
        f"/cases/{placed}/placement",
        json={"municipality": MALMO, "placed_on": today_in_sweden().isoformat()},
    )
    asking = await known_case(embedded_platform)
    await name_to_team(embedded_platform, asking)
    await threat.post(f"/cases/{asking}/threat-assessments", json=assessment("high"))
    check = f"/cases/{asking}/rival-check"
    before = await threat.get(check, params={"towns": [MALMO]})
    runtime = embedded_platform.runtime("threat")
    presences = await count_rows(runtime, "threat_network_presence", f"WHERE case_id = '{placed}'")

    await _close_police_case(embedded_platform, placed)
    after = await threat.get(check, params={"towns": [MALMO]})

    assert [f["municipality_code"] for f in before.json()["rival_flags"]] == [MALMO]
    assert presences == 1
    assert after.json()["rival_flags"] == []


async def test_a_reopened_police_case_counts_in_rival_checks_again(
    platform: RunningPlatform,
) -> None:
    # An abort takes the case's networks off the map; opening it again must put
    # them back, or a rival could be placed in the protected person's town.
    threat = platform.clients["threat"]
    placed = await known_case(platform)
    await name_to_team(platform, placed)
    await threat.post(
        f"/cases/{placed}/threat-assessments",
        json=assessment("high", affiliations=["Nätverk 017"]),
    )
    recorded = await threat.post(
        f"/cases/{placed}/placement",
        json={"municipality": MALMO, "placed_on": today_in_sweden().isoformat()},
    )
    assert recorded.status_code == 201, recorded.text
    asking = await known_case(platform)
    await name_to_team(platform, asking)
    await threat.post(f"/cases/{asking}/threat-assessments", json=assessment("high"))
    check = f"/cases/{asking}/rival-check"
    before = (await threat.get(check, params={"towns": [MALMO]})).json()["rival_flags"]

    await _close_police_case(platform, placed)
    closed = (await threat.get(check, params={"towns": [MALMO]})).json()["rival_flags"]
    reopened = await threat.post(f"/cases/{placed}/police-case", json=answers())
    after = (await threat.get(check, params={"towns": [MALMO]})).json()["rival_flags"]

    assert reopened.status_code == 201, reopened.text
    assert reopened.json()["status"] == "open"
    assert [(f["municipality_code"], f["kinds"]) for f in before] == [(MALMO, ["placed"])]
    assert closed == []
    assert after == before


async def _close_police_case(platform: RunningPlatform, case_id: str) -> None:
    """Open the police case (every condition met) and abort it."""
    await consent_to_decision_summary(platform, case_id)
    await social_decides(platform, case_id)
    threat = platform.clients["threat"]
    opened = await threat.post(f"/cases/{case_id}/police-case", json=answers())
    assert opened.status_code == 201, opened.text
    aborted = await threat.post(
        f"/cases/{case_id}/police-case/abort", json={"reason": "Conditions no longer met"}
    )
    assert aborted.status_code == 200, aborted.text


async def test_only_the_case_team_records_and_reads_where_the_person_is_placed_and_each_read_alerts(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    placement = {"municipality": MALMO, "placed_on": today_in_sweden().isoformat()}
    runtime = embedded_platform.runtime("threat")
    alerts = f"WHERE event_type = 'case.protected_location_read' AND key = '{case_id}'"

    # Off the team, an officer neither moves the person on the map nor reads it.
    refused = await threat.post(f"/cases/{case_id}/placement", json=placement)
    not_on_team = await threat.get(f"/cases/{case_id}/placement")
    await name_to_team(embedded_platform, case_id)
    written = await threat.post(f"/cases/{case_id}/placement", json=placement)
    on_team = await threat.get(f"/cases/{case_id}/placement")

    assert refused.status_code == 403, refused.text
    assert not_on_team.status_code == 404, not_on_team.text  # nothing recorded yet
    assert written.status_code == 201, written.text
    assert on_team.status_code == 200, on_team.text
    assert on_team.json()["municipality_name"] == "Malmö"
    # The answer to the write and the read each disclosed it to the team member.
    assert await count_events(runtime, alerts) == 2


async def test_an_officer_off_the_team_reads_nothing_of_where_the_person_is_placed(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    await name_to_team(embedded_platform, case_id)
    written = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": MALMO, "placed_on": today_in_sweden().isoformat()},
    )
    token = embedded_platform.issuer.mint(
        {"agency": "police", "organisation": "polisen-region-nord", "user": "utredare-9"}
        | {"client_id": "police-nord"}
    )
    other = await threat.get(
        f"/cases/{case_id}/placement", headers={"Authorization": f"Bearer {token}"}
    )

    assert written.status_code == 201, written.text
    # All the read would show is the case reference: the 404 of an unplaced case, as
    # that the person was placed at all is the placement's own news.
    assert other.status_code == 404, other.text
    assert "municipality_code" not in other.text


async def test_only_police_may_judge_towns(embedded_platform: RunningPlatform) -> None:
    case_id = await known_case(embedded_platform)

    refused = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/placement-assessments",
        json=towns((MALMO, True)),
        headers=embedded_platform.auth("social-malmo"),
    )

    assert refused.status_code == 403


async def test_at_high_threat_every_service_narrows_the_new_home_town_to_the_case_team(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))
    social = platform.runtime("social")

    async def social_knows(level: str) -> bool:
        where = f"WHERE case_id = '{case_id}' AND level = '{level}'"
        return await count_rows(social, "access_threat_level", where) == 1

    assert await wait_until(lambda: social_knows("low"))
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))

    assert await wait_until(lambda: social_knows("high"))
    # The threat service's own gate knew it in the same transaction.
    own = await count_rows(
        platform.runtime("threat"),
        "access_threat_level",
        f"WHERE case_id = '{case_id}' AND level = 'high'",
    )
    assert own == 1


@pytest.mark.parametrize("level", ["low", "high"])
async def test_a_provider_on_the_case_team_without_a_board_decision_reads_no_new_home_town(
    embedded_platform: RunningPlatform, level: str
) -> None:
    # A high threat narrows the new home town to the team; it never opens it to a
    # member his own cell keeps it from (a provider: the board's decision and consent).
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    assessed = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment(level))
    await name_to_team(embedded_platform, case_id)
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": UMEA, "placed_on": today_in_sweden().isoformat()},
    )
    assert [assessed.status_code, placed.status_code] == [201] * 2, placed.text
    # Police's service never learns who of a provider is on the team (which provider
    # works with the person is not police's to know), so it can never open the town.
    named = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/team-members", json=HOUSING_STAFF
    )
    assert named.status_code == 201, named.text
    runtime = embedded_platform.runtime("threat")
    alerts_before = await count_events(
        runtime, f"WHERE event_type = 'case.protected_location_read' AND key = '{case_id}'"
    )
    token = embedded_platform.issuer.mint({**HOUSING_STAFF, "client_id": "provider-skyddat-boende"})
    read = await threat.get(
        f"/cases/{case_id}/placement", headers={"Authorization": f"Bearer {token}"}
    )

    assert read.status_code == 404, read.text
    alerts = f"WHERE event_type = 'case.protected_location_read' AND key = '{case_id}'"
    assert await count_events(runtime, alerts) == alerts_before
