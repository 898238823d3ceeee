"""Each delivery of police's threat level to a social-services service gets exactly one
audit entry, which says what the service did with it (ACCESS.md, "Audit": every event
delivered to another agency is recorded; README, "Known limits": the level is kept for
the gate whatever the consent).

The access state keeps only the person's own level (avhopp_shared.access.
threat_level_state); a relative's level is delivered but kept nowhere, and its entry
says so instead of claiming it was kept.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import _consent
from tests.test_threat_assessments import assessment, known_case

ENFORCEMENT_BASIS = {"rule": "access_state", "basis": "policies/access/threat_level.rego"}


async def _level_event(p: RunningPlatform, case_id: str) -> str:
    async with p.runtime("threat").engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT DISTINCT event_id FROM outbox WHERE key = :case_id "
                "AND event_type = 'threat.level_changed'"
            ),
            {"case_id": case_id},
        )
        [event_id] = [r.event_id for r in rows]
        return str(event_id)


async def _entries(p: RunningPlatform, service: str, event_id: str) -> list[dict[str, Any]]:
    async with p.runtime(service).engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT disclosed, withheld, bases, note FROM audit_log WHERE note LIKE :like "
                "ORDER BY id"
            ),
            {"like": f"%{event_id}%"},
        )
        return [
            {k: json.loads(v) if k != "note" and isinstance(v, str) else v for k, v in r.items()}
            for r in (row._mapping for row in rows)
        ]


async def _assessed(p: RunningPlatform, case_id: str, **overrides: Any) -> str:
    recorded = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment(**overrides)
    )
    assert recorded.status_code == 201, recorded.text
    event_id = await _level_event(p, case_id)
    for service in ("social", "followup"):

        async def audited(service: str = service) -> bool:
            return bool(await _entries(p, service, event_id))

        assert await wait_until(audited), service
    return event_id


async def test_follow_up_audits_a_threat_level_it_keeps_but_may_not_note_once(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)

    event_id = await _assessed(p, case_id, level="high")

    [entry] = await _entries(p, "followup", event_id)
    assert entry["disclosed"] == ["threat"]
    assert "threat" not in entry["withheld"]
    assert entry["bases"] == {"threat": ENFORCEMENT_BASIS}
    assert "kept to enforce access only" in entry["note"]


async def test_follow_up_audits_a_threat_level_it_keeps_and_notes_under_consent_once(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    await _consent(p, case_id, "social", "case_ref", "threat")

    event_id = await _assessed(p, case_id, level="high")

    [entry] = await _entries(p, "followup", event_id)
    assert entry["disclosed"] == ["case_ref", "threat"]
    assert entry["withheld"] == {}
    assert entry["bases"]["threat"] != ENFORCEMENT_BASIS
    assert "kept to enforce access only" not in entry["note"]
    noted = f"WHERE case_id = '{case_id}' AND milestone = 'threat_level_changed'"
    assert await count_rows(p.runtime("followup"), "followup_timeline_entry", noted) == 1


async def test_a_relatives_threat_level_is_audited_once_as_delivered_and_not_kept(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    relative = {"relative_id": "rel-1", "relation": "sibling"}

    event_id = await _assessed(p, case_id, level="low", relative=relative)

    [entry] = await _entries(p, "social", event_id)
    assert entry["disclosed"] == []
    assert list(entry["withheld"]) == ["threat"]
    assert "kept to enforce" not in entry["note"]
    [observed] = await _entries(p, "followup", event_id)
    assert "threat" not in observed["disclosed"]
    assert "kept to enforce" not in observed["note"]
    kept = f"WHERE case_id = '{case_id}'"
    assert await count_rows(p.runtime("social"), "access_threat_level", kept) == 0
