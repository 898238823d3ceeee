"""Social services' services keep police's threat level to narrow access; each delivery is audited."""

from __future__ import annotations

import json
from functools import partial

from sqlalchemy import text

from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.database import count_rows, install_failing_trigger
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_threat_assessments import assessment, known_case

SOCIAL_SERVICES = ("intake", "social", "followup")


async def _kept(runtime: ServiceRuntime, case_id: str) -> bool:
    return await count_rows(runtime, "access_threat_level", f"WHERE case_id = '{case_id}'") == 1


async def _entries(runtime: ServiceRuntime, case_id: str) -> list[dict[str, object]]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT agency, channel, resource, disclosed, bases FROM audit_log "
                "WHERE case_id = :case_id AND resource = 'ThreatLevelChanged' "
                "AND decision_id LIKE 'access-state:%'"
            ),
            {"case_id": case_id},
        )
        return [dict(row._mapping) for row in rows]


def _loaded(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


async def test_each_social_services_service_audits_the_threat_level_it_keeps(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)

    recorded = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )

    assert recorded.status_code == 201, recorded.text
    for service in SOCIAL_SERVICES:
        runtime = embedded_platform.runtime(service)
        assert await wait_until(partial(_kept, runtime, case_id)), service
        entries = await _entries(runtime, case_id)
        assert len(entries) == 1, (service, entries)
        entry = entries[0]
        assert (entry["agency"], entry["channel"]) == ("social", "event")
        assert _loaded(entry["disclosed"]) == ["threat"]
        assert _loaded(entry["bases"]) == {
            "threat": {"rule": "access_state", "basis": "policies/access/threat_level.rego"}
        }
    # Police's own service keeps its own level: nothing crossed a boundary there.
    assert await _entries(embedded_platform.runtime("threat"), case_id) == []


async def test_a_threat_level_that_cannot_be_audited_is_not_kept(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.runtime("social")
    await install_failing_trigger(social, "audit_log")

    recorded = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )

    assert recorded.status_code == 201, recorded.text
    # The other services keep it; social services' own keeps nothing while its audit fails.
    for service in ("intake", "followup"):
        runtime = embedded_platform.runtime(service)
        assert await wait_until(partial(_kept, runtime, case_id)), service
    assert not await _kept(social, case_id)
