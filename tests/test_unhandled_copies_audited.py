"""An event of another agency that a service does nothing with was still delivered to
it: the delivery passes the gate and is audited (ACCESS.md, "Audit": every event
delivered to another agency), and nothing of it is kept."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_threat_assessments import assessment, known_case

#: Social services' services that hear police's threat events (every one that keeps
#: the threat level its gate decides by subscribes to the threat family's topic).
SOCIAL_SERVICES = ("intake", "social", "followup")


async def _assessment_event_id(platform: RunningPlatform, case_id: str) -> str:
    async with platform.runtime("threat").engine.connect() as connection:
        found = await connection.scalar(
            text(
                "SELECT event_id FROM outbox WHERE topic = 'avhopp.for-social.threat' "
                "AND event_type = 'threat.assessed' AND key = :case"
            ),
            {"case": case_id},
        )
    assert found is not None
    return str(found)


async def _entries(platform: RunningPlatform, service: str, event_id: str) -> list[dict[str, Any]]:
    async with platform.runtime(service).engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT channel, disclosed, withheld FROM audit_log "
                "WHERE channel = 'event' AND note LIKE :note"
            ),
            {"note": f"%{event_id}%"},
        )
        return [
            {
                "disclosed": _json(row.disclosed),
                "withheld": sorted(_json(row.withheld)),
            }
            for row in rows
        ]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def test_a_threat_assessment_no_social_service_handles_is_audited_once_by_each_that_got_it(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    # The application's consent is to police alone: social services may see nothing of
    # police's threat assessment, nor the case reference police's copy carries.
    case_id = await known_case(p)
    recorded = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert recorded.status_code == 201, recorded.text
    event_id = await _assessment_event_id(p, case_id)

    async def audited() -> bool:
        return all([await _entries(p, s, event_id) for s in SOCIAL_SERVICES])

    assert await wait_until(audited)
    for service in SOCIAL_SERVICES:
        [entry] = await _entries(p, service, event_id)
        assert entry["disclosed"] == [], (service, entry)
        assert "threat" in entry["withheld"], (service, entry)
