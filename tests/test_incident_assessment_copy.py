"""Social services' assessment of a provider's incident stays with social services.

Police learn of a provider's serious incident only when it concerns the person's
security (PROCESS.md step 11; ``access.copy_rules``). That social services assessed
an incident individually tells that one happened, so police get no copy of
``social.individual_assessment_made`` for an incident at all; police's services
consume no assessment. Only the assessment of a relapse, which police reported
themselves (seed 002, "Uppföljning"), may reach them (shared/tests/test_copy_rules.py).
"""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_followup_phases_and_reports import incident_task
from tests.test_police_case import _open_case
from tests.test_security_incidents import _consent_police_to_followup


def not_security() -> dict[str, Any]:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return {
        "occurred_on": today_in_sweden().isoformat(),
        "severity": "serious",
        "concerns_security": False,
        "description": "Relapsed into drinking over the weekend",
    }


async def test_police_get_no_copy_of_the_assessment_of_an_incident_that_did_not_concern_security(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await _open_case(platform)
    await _consent_police_to_followup(platform, case_id)
    task_id = await incident_task(platform, case_id, not_security())
    social = platform.clients["social"]
    done = await social.post(f"/tasks/{task_id}/completion", json={"outcome": "continue"})
    assert done.status_code == 200, done.text

    assessed = f"WHERE key = '{case_id}' AND event_type = 'social.individual_assessment_made'"
    runtime = platform.runtime("social")
    to_social = await count_rows(
        runtime, "outbox", f"{assessed} AND topic LIKE 'avhopp.for-social.%'"
    )
    to_police = await count_rows(
        runtime, "outbox", f"{assessed} AND topic LIKE 'avhopp.for-police.%'"
    )
    incidents = await platform.clients["threat"].get(f"/cases/{case_id}/security-incidents")

    # Social services' own services still count it (follow-up, ISU) ...
    assert to_social == 1
    # ... while police, who never heard of the incident, hear nothing of its assessment.
    assert incidents.json() == []
    assert to_police == 0
