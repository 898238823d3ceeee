"""A provider's serious incident that concerns security reaches police, under the person's
consent covering follow-up, and leaves them when the consent is withdrawn (step 11)."""

from __future__ import annotations

from typing import Any

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import HOUSING, PROVIDER_CLIENT, commission, report
from tests.test_police_case import TODAY, _open_case

INCIDENTS = [
    {
        "occurred_on": TODAY.isoformat(),
        "severity": "serious",
        "concerns_security": True,
        "description": "A car from the former town waited outside the housing",
    },
    {
        "occurred_on": TODAY.isoformat(),
        "severity": "serious",
        "concerns_security": False,
        "description": "Relapsed into drinking over the weekend",
    },
]


async def _consent_police_to_followup(platform: RunningPlatform, case_id: str) -> str:
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "police"}],
            "categories": ["case_ref", "followup"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Synthetic consent form, security",
        },
    )
    assert given.status_code == 201, given.text
    threat = platform.runtime("threat")

    async def known() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(threat, "access_consent", where) == 3

    assert await wait_until(known)
    return str(given.json()["consent_id"])


async def _report(platform: RunningPlatform, case_id: str) -> None:
    await commission(platform, case_id, HOUSING)
    reported = await platform.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=report(incidents=INCIDENTS),
        headers=platform.auth(PROVIDER_CLIENT[HOUSING]),
    )
    assert reported.status_code == 201, reported.text


async def test_police_learn_of_a_security_incident_only_under_the_consent_and_forget_it_after(
    embedded_platform: RunningPlatform,
) -> None:
    consented = await _open_case(embedded_platform)
    silent = await _open_case(embedded_platform)
    consent_id = await _consent_police_to_followup(embedded_platform, consented)
    for case_id in (consented, silent):
        await _report(embedded_platform, case_id)
    threat = embedded_platform.clients["threat"]

    async def police_know() -> bool:
        return len((await threat.get("/security-incidents")).json()) == 1

    assert await wait_until(police_know)
    listed: list[dict[str, Any]] = (await threat.get("/security-incidents")).json()
    social = await embedded_platform.get_as("social-malmo", "threat", "/security-incidents")
    assert [(i["case_id"], i["occurred_on"]) for i in listed] == [(consented, TODAY.isoformat())]
    assert social.status_code == 403  # police's work list
    silent_list = await threat.get(f"/cases/{silent}/security-incidents")
    assert silent_list.json() == []

    withdrawn = await embedded_platform.clients["intake"].post(
        f"/cases/{consented}/consents/{consent_id}/withdrawal",
        json={"reason": "The person no longer wants police to hear from follow-up"},
    )
    assert withdrawn.status_code in (200, 201), withdrawn.text

    async def forgotten() -> bool:
        where = f"WHERE case_id = '{consented}'"
        runtime = embedded_platform.runtime("threat")
        return await count_rows(runtime, "threat_security_incident", where) == 0

    assert await wait_until(forgotten)
