"""Two changes of one record in flight together (a retry on another replica, a double
click) are decided one after the other: the first is made, the second refused.

On PostgreSQL two requests run in parallel transactions; read without a lock,
both found a consent active, and each recorded and announced its own
withdrawal, so services disagreed on who withdrew it and when. Two approvals
of one break-glass grant both passed the check and the loser failed on the
approval table's key as a 503, which invites a retry. Two completions of one
assessment task both found it open, and each recorded and announced its own
individual assessment (continue, abort), contradicting each other.
"""

from __future__ import annotations

import asyncio
import random

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_access_grants import break_glass
from tests.test_followup_phases_and_reports import incident_task
from tests.test_social_municipality import social_case

IN_FLIGHT = 4


async def test_withdrawals_of_one_consent_in_flight_together_record_and_announce_one(
    platform: RunningPlatform,
) -> None:
    created = await platform.submit(application_body(random.Random(31)))
    case_id = created.json()["case_id"]
    intake = platform.clients["intake"]
    [consent] = (await intake.get(f"/cases/{case_id}/consents")).json()
    path = f"/cases/{case_id}/consents/{consent['consent_id']}/withdrawal"

    answers = await asyncio.gather(
        *(intake.post(path, json={"reason": f"reason {index}"}) for index in range(IN_FLIGHT))
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (IN_FLIGHT - 1), [a.text for a in answers]
    [made] = [answer.json() for answer in answers if answer.status_code == 200]
    recorded = (await intake.get(f"/cases/{case_id}/consents/{consent['consent_id']}")).json()
    assert recorded["withdrawn_at"] == made["withdrawn_at"]
    announced = "WHERE event_type = 'case.consent_withdrawn'"
    assert await count_events(platform.runtime("intake"), announced) == 1


async def test_approvals_of_one_break_glass_grant_in_flight_together_approve_it_once(
    platform: RunningPlatform,
) -> None:
    created = await platform.submit(application_body(random.Random(32), consents=[]))
    case_id = created.json()["case_id"]
    intake = platform.clients["intake"]
    grant_id = await break_glass(platform, case_id, ["case_ref"], platform.auth("police-syd"))
    approval = f"/cases/{case_id}/break-glass/{grant_id}/approval"
    colleagues = [
        platform.issuer.mint(
            {
                "client_id": f"police-syd-{index}",
                "agency": "police",
                "organisation": "polisen-region-syd",
                "user": f"samordnare-{index}",
            }
        )
        for index in range(2, 2 + IN_FLIGHT)
    ]

    answers = await asyncio.gather(
        *(intake.post(approval, headers={"Authorization": f"Bearer {t}"}) for t in colleagues)
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (IN_FLIGHT - 1), [a.text for a in answers]
    announced = "WHERE event_type = 'case.break_glass_approved'"
    assert await count_events(platform.runtime("intake"), announced) == 1


async def test_completions_of_one_assessment_task_in_flight_together_record_and_announce_one(
    platform: RunningPlatform,
) -> None:
    case_id = await social_case(platform)
    incident = {
        "occurred_on": today_in_sweden().isoformat(),
        "severity": "serious",
        "concerns_security": True,
        "description": "A car from the former town waited outside the housing",
    }
    task_id = await incident_task(platform, case_id, incident)
    social = platform.clients["social"]
    outcomes = ["continue", "abort", "adjust_plan", "continue"][:IN_FLIGHT]

    answers = await asyncio.gather(
        *(
            social.post(f"/tasks/{task_id}/completion", json={"outcome": outcome})
            for outcome in outcomes
        )
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (IN_FLIGHT - 1), [a.text for a in answers]
    assert all(
        a.headers["content-type"].startswith("application/problem+json")
        for a in answers
        if a.status_code == 409
    )
    [made] = [answer.json() for answer in answers if answer.status_code == 200]
    [recorded] = (await social.get(f"/tasks?case_id={case_id}&kind=assess_incident")).json()
    assert made["outcome"] in outcomes
    assert (recorded["outcome"], recorded["done_at"]) == (made["outcome"], made["done_at"])
    announced = f"WHERE key = '{case_id}' AND event_type = 'social.individual_assessment_made'"
    assert await count_events(platform.runtime("social"), announced) == 1
