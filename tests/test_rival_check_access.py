"""Who may run placement assessments and rival checks, how many towns one names, and
what a ``placed`` flag on another case leaves behind.

A ``placed`` flag says a protected person tied to a rival network lives in the
town: another case's new home town, its ``protected_location``, which ACCESS.md
opens to police only as "team (placement unit)" and whose every read raises
``case.protected_location_read`` for the case owner.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, select

from avhopp_shared.access import audit
from avhopp_shared.access.tables import AuditEntryRow
from avhopp_shared.events.topics import topic_for
from avhopp_shared.messaging.tables import OutboxMessage
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.municipalities import all_municipalities
from avhopp_shared.service_app import ServiceRuntime
from avhopp_shared.web.problems import PROBLEM_JSON
from avhopp_threat.service_layer.placement import RIVAL_CHECK_CHANNEL
from tests.fixtures.platform import RunningPlatform
from tests.test_placement import LUND, POLICE_USER, UMEA, name_to_team, towns
from tests.test_threat_assessments import assessment, known_case

#: An officer of another police region, on no team of these cases.
NORD = {"agency": "police", "organisation": "polisen-region-nord", "user": "utredare-9"}
#: A police machine client of the placement unit's own organisation: no named user.
MACHINE = {"agency": "police", "organisation": "polisen-region-syd"}
ALERT = "case.protected_location_read"

_audit_log: Table = AuditEntryRow.__table__  # type: ignore[attr-defined]
_outbox: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


def _as(platform: RunningPlatform, person: dict[str, str], client_id: str) -> dict[str, str]:
    claims = {**person, "client_id": client_id, "sub": person.get("user", client_id)}
    return {"Authorization": f"Bearer {platform.issuer.mint(claims)}"}


def _refused(response: Any) -> bool:
    return bool(
        response.status_code == 403 and response.headers["content-type"].startswith(PROBLEM_JSON)
    )


async def _placed_case(platform: RunningPlatform, town: str, network: str) -> str:
    """A case whose person, once of ``network``, is placed in ``town``; its team named."""
    threat = platform.clients["threat"]
    case_id = await known_case(platform)
    assessed = await threat.post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high", affiliations=[network])
    )
    # The team's placement unit records the town (only the case team may).
    await name_to_team(platform, case_id)
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": town, "placed_on": today_in_sweden().isoformat()},
    )
    assert [assessed.status_code, placed.status_code] == [201, 201], placed.text
    return case_id


async def _alerts(runtime: ServiceRuntime, case_id: str) -> list[dict[str, Any]]:
    """The alerts a rival check raised for the case (its team's own reads raise others).

    Social services' copy: the alert is for the case's owner."""
    query = select(_outbox.c.payload).where(
        _outbox.c.event_type == ALERT,
        _outbox.c.key == case_id,
        _outbox.c.topic == topic_for(ALERT, "social"),
    )
    async with runtime.engine.connect() as connection:
        payloads = (await connection.execute(query)).scalars().all()
    alerts = [json.loads(payload)["data"] for payload in payloads]
    return [alert for alert in alerts if alert["channel"] == RIVAL_CHECK_CHANNEL]


async def _rival_check_audit(runtime: ServiceRuntime, case_id: str) -> list[dict[str, Any]]:
    query = (
        select(_audit_log)
        .where(_audit_log.c.case_id == case_id, _audit_log.c.channel == "rival_check")
        .order_by(_audit_log.c.id)
    )
    async with runtime.engine.connect() as connection:
        return [dict(row) for row in (await connection.execute(query)).mappings().all()]


async def test_an_officer_not_on_the_case_team_gets_403_for_its_rival_check_and_placement_assessment(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    threat, runtime = p.clients["threat"], p.runtime("threat")
    other = await _placed_case(p, UMEA, "Nätverk 777")
    nord = _as(p, NORD, "police-nord")
    # The officer reads the other case's networks (police own the threat picture)
    # and names them as the threat of a case whose team he is not on ...
    networks = (await threat.get(f"/cases/{other}/threat-assessments/current", headers=nord)).json()
    case_id = await known_case(p)
    wrote = await threat.post(
        f"/cases/{case_id}/threat-assessments",
        headers=nord,
        json=assessment("low", networks=networks["affiliations"], threat_actors=[]),
    )
    assert wrote.status_code == 201, wrote.text
    check = f"/cases/{case_id}/rival-check"
    judge = f"/cases/{case_id}/placement-assessments"

    # ... but neither checks nor judges towns for it; nor does the other case's own
    # team member, nor a police client without a named user.
    refused = [
        await threat.get(check, params={"towns": [UMEA]}, headers=nord),
        await threat.post(judge, json=towns((UMEA, True)), headers=nord),
        await threat.get(check, params={"towns": [UMEA]}),
        await threat.post(judge, json=towns((UMEA, True))),
        await threat.get(
            check, params={"towns": [UMEA]}, headers=_as(p, MACHINE, "police-placering")
        ),
    ]

    assert all(_refused(response) for response in refused), [r.text for r in refused]
    assert all(UMEA not in response.text for response in refused)
    assert await _alerts(runtime, other) == []
    assert await _rival_check_audit(runtime, other) == []
    listed = await threat.get(judge)
    assert listed.json() == [], listed.text  # nothing was judged


async def test_a_team_members_check_naming_more_than_ten_towns_gets_422_naming_the_field(
    embedded_platform: RunningPlatform,
) -> None:
    threat = embedded_platform.clients["threat"]
    case_id = await known_case(embedded_platform)
    await name_to_team(embedded_platform, case_id)
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    eleven = [m.code for m in all_municipalities()[:11]]
    check = f"/cases/{case_id}/rival-check"
    judge = f"/cases/{case_id}/placement-assessments"

    too_many_checked = await threat.get(check, params={"towns": eleven})
    ten_checked = await threat.get(check, params={"towns": eleven[:10]})
    too_many_suitable = await threat.post(judge, json=towns(*((t, True) for t in eleven)))
    # Unsuitable towns are never rival-checked: they are not bounded.
    ten_suitable = await threat.post(
        judge, json=towns(*((t, True) for t in eleven[:10]), (eleven[10], False))
    )

    assert too_many_checked.status_code == 422
    assert [p["name"] for p in too_many_checked.json()["invalid-params"]] == ["towns"]
    assert ten_checked.status_code == 200, ten_checked.text
    assert ten_checked.json()["towns_checked"] == eleven[:10]
    assert too_many_suitable.status_code == 422
    assert [p["name"] for p in too_many_suitable.json()["invalid-params"]] == ["towns.10.suitable"]
    assert ten_suitable.status_code == 201, ten_suitable.text


async def test_a_placed_flag_on_another_case_leaves_an_audit_entry_and_an_alert_for_that_case(
    platform: RunningPlatform,
) -> None:
    threat, runtime = platform.clients["threat"], platform.runtime("threat")
    placed = await _placed_case(platform, UMEA, "Nätverk 777")
    # Another case whose threat actor of the same network lives in Lund: a
    # ``resides`` flag, the threat picture police own, not anyone's home town.
    residing = await known_case(platform)
    actor = {"name": "Person D", "network": "Nätverk 777", "resides_in": LUND}
    await threat.post(
        f"/cases/{residing}/threat-assessments", json=assessment("low", threat_actors=[actor])
    )
    asking = await known_case(platform)
    await name_to_team(platform, asking)
    await threat.post(
        f"/cases/{asking}/threat-assessments", json=assessment("high", networks=["Nätverk 777"])
    )
    check = f"/cases/{asking}/rival-check"
    alerts_before = await _alerts(runtime, placed)

    resides_only = await threat.get(check, params={"towns": [LUND]})
    after_resides = await _alerts(runtime, placed)
    adhoc = await threat.get(check, params={"towns": [UMEA, LUND]})
    judged = await threat.post(
        f"/cases/{asking}/placement-assessments", json=towns((UMEA, True), (LUND, False))
    )

    assert alerts_before == after_resides == []
    assert [f["kinds"] for f in resides_only.json()["rival_flags"]] == [["resides"]]
    assert adhoc.status_code == 200, adhoc.text
    flags = [(f["municipality_code"], f["kinds"]) for f in adhoc.json()["rival_flags"]]
    assert flags == [(UMEA, ["placed"]), (LUND, ["resides"])]
    assert judged.status_code == 201, judged.text
    assert [f["municipality_code"] for f in judged.json()["rival_flags"]] == [UMEA]
    for answer in (resides_only.text, adhoc.text, judged.text):
        assert placed not in answer and residing not in answer  # no other case is named
    # One audit entry and one alert under the placed person's case for each answer
    # that flagged the town; nothing for the case whose threat actor lives in Lund.
    entries = await _rival_check_audit(runtime, placed)
    assert [e["resource"] for e in entries] == ["RivalCheckPublic", "PlacementAssessmentPublic"]
    for entry in entries:
        assert (entry["agency"], entry["organisation"], entry["user"]) == tuple(
            POLICE_USER.values()
        )
        assert entry["disclosed"] == ["protected_location"]
        assert entry["bases"]["protected_location"]["rule"] == "rival_check"
        assert asking in entry["note"]
    alerts = await _alerts(runtime, placed)
    assert [(a["reader_user"], a["channel"]) for a in alerts] == [
        ("samordnare-1", "rival_check")
    ] * 2
    assert sorted(a["decision_id"] for a in alerts) == sorted(e["decision_id"] for e in entries)
    assert await _alerts(runtime, residing) == []
    assert await _rival_check_audit(runtime, residing) == []
    async with runtime.sessions() as session:
        assert (await audit.verify_chain(audit.entries_in_order(session))).intact
