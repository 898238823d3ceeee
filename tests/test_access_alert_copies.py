"""Who is told that the new home town was read, or that a break-glass grant was approved.

Read by the municipality of stay, the alert's reader is where the person lives;
an approval by a colleague there names it too. Neither may reach police's topics
(ACCESS.md, ``protected_location``; access.copy_rules).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_social_municipality import social_case

STAY = "1281"  # Lund: where the person now stays
LUND_USER = {"sub": "lund-1", "agency": "social", "organisation": STAY, "user": "lund-1"}
LUND_COLLEAGUE = {"sub": "lund-2", "agency": "social", "organisation": STAY, "user": "lund-2"}
MALMO_KEEPER = {"sub": "ss-2", "agency": "social", "organisation": "1280", "user": "ss-2"}


def _as(platform: RunningPlatform, claims: dict[str, str]) -> dict[str, str]:
    token = platform.issuer.mint({**claims, "client_id": f"{claims['agency']}-test"})
    return {"Authorization": f"Bearer {token}"}


async def _copies(runtime: ServiceRuntime, event_type: str) -> dict[str, list[dict[str, Any]]]:
    """The data of each copy of ``event_type`` in the service's outbox, by topic prefix."""
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT topic, payload FROM outbox WHERE event_type = :type"),
            {"type": event_type},
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for topic, payload in rows:
            audience = topic.split(".")[1]
            found.setdefault(audience, []).append(
                EventEnvelope.from_json_bytes(bytes(payload)).data
            )
    return found


async def _stay_recorded(platform: RunningPlatform, case_id: str) -> None:
    recorded = await platform.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": "1280", "stay_municipality": STAY},
    )
    assert recorded.status_code == 201, recorded.text


async def test_the_alert_that_the_municipality_of_stay_read_the_new_home_town_reaches_no_police_topic(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)  # with the usual consent to police
    await _stay_recorded(p, case_id)
    added = await p.clients["intake"].post(
        f"/cases/{case_id}/team-members",
        json={"agency": "social", "organisation": STAY, "user": "lund-1"},
        headers=_as(p, MALMO_KEEPER),
    )
    assert added.status_code == 201, added.text

    async def read_by_stay() -> bool:
        seen = await p.clients["social"].get(
            f"/cases/{case_id}/responsibility", headers=_as(p, LUND_USER)
        )
        return seen.status_code == 200 and seen.json().get("stay_municipality") == STAY

    assert await wait_until(read_by_stay)

    alerts = await _copies(p.runtime("social"), "case.protected_location_read")
    assert "for-police" not in alerts
    assert {a["reader_organisation"] for a in alerts["for-social"]} == {STAY}


async def test_an_approval_by_the_municipality_of_stay_stays_with_social_services(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)
    await _stay_recorded(p, case_id)
    grants: list[str] = []

    async def broke_the_glass() -> bool:
        # Intake must first hear of the stay (its copy of the responsibility).
        asked = await p.clients["intake"].post(
            f"/cases/{case_id}/break-glass",
            json={
                "categories": ["contact"],
                "justification": "acute: the person must be reached",
                "legal_basis": "2 a kap. 3 § SoL",
                "minutes": 60,
            },
            headers=_as(p, LUND_USER),
        )
        if asked.status_code == 201:
            grants.append(asked.json()["grant_id"])
        return bool(grants)

    assert await wait_until(broke_the_glass)
    approved = await p.clients["intake"].post(
        f"/cases/{case_id}/break-glass/{grants[0]}/approval", headers=_as(p, LUND_COLLEAGUE)
    )
    assert approved.status_code == 200, approved.text

    # Contact is social services' record alone: police learn of neither step.
    granted = await _copies(p.runtime("intake"), "case.break_glass_granted")
    approvals = await _copies(p.runtime("intake"), "case.break_glass_approved")
    assert set(granted) == set(approvals) == {"for-social"}
    assert approvals["for-social"][0]["approver_organisation"] == STAY
