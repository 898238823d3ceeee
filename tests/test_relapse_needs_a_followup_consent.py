"""Social services learn of a police relapse only under a consent covering police's
``followup`` (README, social services: "A relapse police report ... reaches social
services as a task to assess it individually — under the person's consent covering
followup, since that is police's record"; policies/data/catalogue.json:
RelapseReported.check_id/checked_on are ``followup``).

The open task is the relapse itself, so it goes when that consent is withdrawn, even
while a consent to police's case reference stays; a task social services completed
holds their own assessment and stays, no longer quoting police's check (ACCESS.md,
"Consent records").
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import (
    _consent,
    _relapse_reported,
    _relapse_tasks,
    _withdraw,
    hit,
)
from tests.test_police_case import _open_case

UNQUOTED = (
    "Police reported a relapse at a follow-up register check: "
    "assess individually what is to be done."
)


async def _purge_entries(p: RunningPlatform, case_id: str) -> list[dict[str, Any]]:
    async with p.runtime("social").engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT disclosed, withheld, note FROM audit_log "
                "WHERE channel = 'purge' AND case_id = :case_id"
            ),
            {"case_id": case_id},
        )
        return [dict(r._mapping) for r in rows]


def _loaded(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


async def test_social_services_get_no_relapse_task_under_a_consent_to_police_case_reference_alone(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await _consent(p, case_id, "social", "case_ref")

    checked = await p.clients["threat"].post(f"/cases/{case_id}/register-checks", json=hit())
    assert checked.status_code == 201, checked.text

    async def delivered() -> bool:
        where = f"WHERE case_id = '{case_id}' AND resource = 'RelapseReported'"
        return await count_rows(p.runtime("social"), "audit_log", where) == 1

    assert await wait_until(delivered)
    assert await _relapse_tasks(p, case_id) == []


async def test_withdrawing_the_consent_to_police_follow_up_removes_the_open_relapse_task_and_audits_it(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await _consent(p, case_id, "social", "case_ref")
    followup_consent = await _consent(p, case_id, "social", "followup")
    await _relapse_reported(p, case_id)

    await _withdraw(p, case_id, followup_consent, "social")

    # The case reference is still consented to; the relapse itself no longer is.
    assert await _relapse_tasks(p, case_id) == []
    [entry] = await _purge_entries(p, case_id)
    assert _loaded(entry["disclosed"]) == []
    assert list(_loaded(entry["withheld"])) == ["followup"]  # type: ignore[call-overload]
    assert "{'followup': 1}" in str(entry["note"]), entry


async def test_a_relapse_assessed_before_the_follow_up_consent_was_withdrawn_stays_without_police_check(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await _consent(p, case_id, "social", "case_ref")
    followup_consent = await _consent(p, case_id, "social", "followup")
    task = await _relapse_reported(p, case_id)
    done = await p.clients["social"].post(
        f"/tasks/{task['task_id']}/completion", json={"outcome": "continue"}
    )
    assert done.status_code == 200, done.text

    await _withdraw(p, case_id, followup_consent, "social")

    [kept] = await _relapse_tasks(p, case_id)
    assert (kept["task_id"], kept["outcome"], kept["reason"]) == (
        task["task_id"],
        "continue",
        UNQUOTED,
    )
    [entry] = await _purge_entries(p, case_id)
    assert "{'followup': 1}" in str(entry["note"]), entry
