"""A consent to police recorded after the application lets police assess the case.

PROCESS.md: the consent (step 4) may come after the application (step 1), and police's
threat assessment (step 5) follows it. README: without a consent the threat service never
hears of the case; once one opens the case to police, it must.
"""

from __future__ import annotations

from typing import Any

from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_threat_assessments import assessment

_APPLICATION = "event_type = 'case.application_received'"


async def _assessed_by_police(platform: RunningPlatform, case_id: str) -> None:
    task = await platform.eventually(
        "threat", f"/cases/{case_id}/threat-assessment-task", timeout=10
    )
    assessed = await platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert task.status_code == 200, task.text
    assert assessed.status_code == 201, assessed.text


async def _applications_sent(platform: RunningPlatform, case_id: str, agency: str) -> int:
    """The copies of the case's ``case.application_received`` intake wrote for ``agency``."""
    where = f"WHERE key = '{case_id}' AND {_APPLICATION} AND topic = 'avhopp.for-{agency}.case'"
    return await count_rows(platform.runtime("intake"), "outbox", where)


async def _case_without_consent(platform: RunningPlatform) -> str:
    created = await platform.submit(application_body(consents=[]))
    assert created.status_code == 201, created.text
    return str(created.json()["case_id"])


async def test_a_consent_recorded_after_the_application_lets_police_assess_the_case(
    platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(platform)

    consented = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents", json=POLICE_CONSENT
    )
    read = await platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert consented.status_code == 201, consented.text
    assert read.status_code == 200, read.text
    await _assessed_by_police(platform, case_id)


async def test_a_consent_given_again_after_a_withdrawal_lets_police_assess_the_case(
    platform: RunningPlatform,
) -> None:
    intake = platform.clients["intake"]
    case_id = (await platform.submit(application_body())).json()["case_id"]
    task = f"/cases/{case_id}/threat-assessment-task"
    assert (await platform.eventually("threat", task, timeout=10)).status_code == 200
    consent_id = (await intake.get(f"/cases/{case_id}/consents")).json()[0]["consent_id"]
    withdrawn = await intake.post(f"/cases/{case_id}/consents/{consent_id}/withdrawal", json={})
    assert withdrawn.status_code == 200, withdrawn.text

    async def purged() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(platform.runtime("threat"), "threat_assessment_task", where) == 0

    assert await wait_until(purged, timeout=10)

    again = await intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT)

    assert again.status_code == 201, again.text
    await _assessed_by_police(platform, case_id)


async def test_a_legal_basis_recorded_after_the_application_lets_police_assess_the_case(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    recorded = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json={
            "reference": "10 kap. 18 a § OSL",
            "recipient": {"agency": "police"},
            "categories": ["case_ref"],
            "note": "Needed to prevent a serious crime against the person",
        },
    )

    assert recorded.status_code == 201, recorded.text
    await _assessed_by_police(embedded_platform, case_id)


async def test_police_alone_are_sent_the_application_again_and_only_when_the_case_opens_to_them(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    intake = platform.clients["intake"]
    case_id = await _case_without_consent(platform)
    social_only: dict[str, Any] = POLICE_CONSENT | {
        "recipients": [{"agency": "social", "organisation": "0180"}],
        "categories": ["case_ref"],
        "purposes": ["investigation"],
    }
    more_for_police = POLICE_CONSENT | {"categories": ["case_ref", "identity", "decision_summary"]}

    not_for_police = await intake.post(f"/cases/{case_id}/consents", json=social_only)
    sent_before = await _applications_sent(platform, case_id, "police")
    opened = await intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT)
    sent_on_opening = await _applications_sent(platform, case_id, "police")
    widened = await intake.post(f"/cases/{case_id}/consents", json=more_for_police)

    assert [r.status_code for r in (not_for_police, opened, widened)] == [201, 201, 201], [
        r.text for r in (not_for_police, opened, widened)
    ]
    # The application's own copy, then one more when the consent opened the case to
    # police; none for a consent to others or one police's services knew of already.
    assert (sent_before, sent_on_opening) == (1, 2)
    assert await _applications_sent(platform, case_id, "police") == 2
    # Social services' services had the application from the start.
    assert await _applications_sent(platform, case_id, "social") == 1
    await _assessed_by_police(platform, case_id)
