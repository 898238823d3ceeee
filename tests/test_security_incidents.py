"""A provider's serious incident that concerns security reaches police, under the person's
consent covering follow-up, and leaves them when the consent is withdrawn (step 11)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.followup_events import IncidentReported
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.events import envelope_of
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_followup_phases_and_reports import HOUSING, PROVIDER_CLIENT, commission, report
from tests.test_police_case import _open_case
from tests.test_threat_assessments import known_case


def incidents() -> list[dict[str, Any]]:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return [
        {
            "occurred_on": today_in_sweden().isoformat(),
            "severity": "serious",
            "concerns_security": True,
            "description": "A car from the former town waited outside the housing",
        },
        {
            "occurred_on": today_in_sweden().isoformat(),
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
        json=report(incidents=incidents()),
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
    assert [(i["case_id"], i["occurred_on"]) for i in listed] == [
        (consented, today_in_sweden().isoformat())
    ]
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


# Police read an incident as the record of social services' follow-up that it is,
# under the consent it came under (ACCESS.md matrix: police ``followup`` is
# ``consent``), never as police's own record.
SYD = {"agency": "police", "organisation": "polisen-region-syd"}
NORD = {"agency": "police", "organisation": "polisen-region-nord"}
NORD_CALLER = {
    "client_id": "police-nord",
    "agency": "police",
    "organisation": "polisen-region-nord",
    "user": "samordnare-9",
}


def _as_nord(platform: RunningPlatform) -> dict[str, str]:
    return {"Authorization": "Bearer " + platform.issuer.mint(NORD_CALLER)}


async def _consent_to(
    platform: RunningPlatform, case_id: str, recipient: dict[str, str], **extra: str
) -> None:
    threat = platform.runtime("threat")
    where = f"WHERE case_id = '{case_id}'"
    before = await count_rows(threat, "access_consent", where)
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [recipient],
            "categories": ["case_ref", "followup"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Synthetic consent form, security",
            **extra,
        },
    )
    assert given.status_code == 201, given.text

    async def known() -> bool:
        return await count_rows(threat, "access_consent", where) > before

    assert await wait_until(known)


async def _incident_received(platform: RunningPlatform, case_id: str) -> None:
    payload = IncidentReported(
        case_id=case_id,
        report_id=str(uuid.uuid4()),
        occurred_on=today_in_sweden(),
        concerns_security=True,
    )
    runtime = platform.runtime("threat")
    assert runtime.consumer is not None
    await runtime.consumer(envelope_of(payload, case_id, source="/avhopp/followup"))
    where = f"WHERE case_id = '{case_id}'"
    assert await count_rows(runtime, "threat_security_incident", where) == 1


async def test_an_incident_consented_to_one_police_region_is_not_read_by_another(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)  # the application's consent: case_ref, identity to police
    await _consent_to(p, case_id, SYD)  # follow-up to region syd only
    await _incident_received(p, case_id)
    nord = _as_nord(p)
    threat = p.clients["threat"]

    syd_reads = (await threat.get("/security-incidents")).json()
    nord_reads = (await threat.get("/security-incidents", headers=nord)).json()
    nord_case_reads = (
        await threat.get(f"/cases/{case_id}/security-incidents", headers=nord)
    ).json()

    assert [i["case_id"] for i in syd_reads] == [case_id]
    assert nord_reads == [], nord_reads
    assert nord_case_reads == [], nord_case_reads


async def test_an_incident_is_no_longer_read_once_the_consent_it_came_under_expired(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    ends = (utcnow() + timedelta(days=1)).isoformat()
    await _consent_to(p, case_id, {"agency": "police"}, valid_to=ends)
    await _incident_received(p, case_id)
    threat = p.clients["threat"]
    before = (await threat.get("/security-incidents")).json()
    # Two days later the consent has expired: nothing was withdrawn, nothing purged.
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(p.runtime("threat").gate, "clock", lambda: later)

    after = (await threat.get("/security-incidents")).json()

    assert [i["case_id"] for i in before] == [case_id]
    assert after == [], after


async def test_a_page_of_incidents_is_cut_from_those_the_caller_may_read_and_only_they_are_audited(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    readable = await known_case(p)
    hidden = await known_case(p)
    await _consent_to(p, readable, NORD)
    await _consent_to(p, hidden, SYD)
    await _incident_received(p, readable)
    await _incident_received(p, hidden)  # the newer one, listed first
    threat = p.clients["threat"]

    page = await threat.get("/security-incidents", params={"limit": 1}, headers=_as_nord(p))

    assert [i["case_id"] for i in page.json()] == [readable], page.text
    audited = (
        f"WHERE client_id = 'police-nord' AND resource = 'SecurityIncidentPublic' "
        f"AND case_id = '{hidden}'"
    )
    assert await count_rows(p.runtime("threat"), "audit_log", audited) == 0
