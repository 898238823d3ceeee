"""A listing's filters and order say something about every item in it: an item is listed
under them only where their category is disclosed to the caller (ACCESS.md, "Data
categories"), and a page counts only the items the caller is shown."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_followup_phases_and_reports import followed_case
from tests.test_threat_assessments import assessment, known_case


def consent_to(agency: str, purpose: str, *categories: str) -> dict[str, Any]:
    return {
        "recipients": [{"agency": agency}],
        "categories": ["case_ref", *categories],
        "purposes": [purpose],
        "method": "written",
        "document_reference": f"Synthetic consent form, {agency}",
    }


#: Probation may know the case, never its threat picture (ACCESS.md, matrix).
PROBATION_CASE_REF = consent_to("probation", "followup")
#: Social services may see the networks of the threat assessment, not its level.
SOCIAL_NETWORKS = consent_to("social", "investigation", "criminal_history")
SOCIAL_THREAT = consent_to("social", "investigation", "threat")


async def assessed_case(
    platform: RunningPlatform,
    level: str,
    consent: dict[str, Any],
    *,
    review_in_days: int = 30,
    seed: int | None = None,
) -> str:
    """A case police assessed, known to the threat service with ``consent`` beside police's."""
    body = application_body(random.Random(seed), consents=[POLICE_CONSENT, consent])
    case_id = str((await platform.submit(body)).json()["case_id"])
    task = await platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert task.status_code == 200, task.text
    review_on = (today_in_sweden() + timedelta(days=review_in_days)).isoformat()
    recorded = await platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment(level, next_review_on=review_on)
    )
    assert recorded.status_code == 201, recorded.text
    return case_id


async def listed(platform: RunningPlatform, client: str, service: str, path: str) -> list[str]:
    response = await platform.get_as(client, service, path)
    assert response.status_code == 200, response.text
    return [item["case_id"] for item in response.json()]


async def test_a_threat_level_filter_lists_only_cases_whose_threat_level_the_caller_may_see(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    high = await assessed_case(p, "high", PROBATION_CASE_REF)
    low = await assessed_case(p, "low", PROBATION_CASE_REF)
    shown = await assessed_case(p, "high", SOCIAL_THREAT)
    hidden = await assessed_case(p, "high", SOCIAL_NETWORKS)
    # Time passes for one case: its review date is now behind us.
    async with p.runtime("threat").engine.begin() as connection:
        await connection.execute(
            text("UPDATE threat_assessment SET next_review_on = :day WHERE case_id = :case"),
            {"day": today_in_sweden() - timedelta(days=2), "case": high},
        )
    queries = ("level=high", "level=low", "handling_level=local", "review_due=true")

    probation = [
        await listed(p, "probation-syd", "threat", f"/threat-assessments?{query}")
        for query in queries
    ]
    police = [
        await listed(p, "police-syd", "threat", f"/threat-assessments?{query}") for query in queries
    ]
    social = await listed(p, "social-malmo", "threat", "/threat-assessments?level=high")

    assert probation == [[], [], [], []]
    assert police[0] == [high, *sorted([shown, hidden])]  # the overdue review first
    assert police[1:] == [[low], [low], [high]]
    assert social == [shown]
    # Social services still read the hidden case as far as their consent goes:
    # the networks, not the threat level.
    path = f"/cases/{hidden}/threat-assessments/current"
    direct = await p.get_as("social-malmo", "threat", path)
    assert direct.status_code == 200, direct.text
    assert "level" not in direct.json() and direct.json()["case_id"] == hidden
    # Probation's consent opens nothing police hold beyond the case reference, so
    # police's service never even learnt of it (access.copy_rules): no such record.
    path = f"/cases/{low}/threat-assessments/current"
    assert (await p.get_as("probation-syd", "threat", path)).status_code == 404


async def test_the_assessment_queue_lists_a_task_only_to_callers_who_may_see_its_status(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    done = await assessed_case(p, "low", PROBATION_CASE_REF)
    body = application_body(consents=[POLICE_CONSENT, PROBATION_CASE_REF])
    pending = str((await p.submit(body)).json()["case_id"])
    task = await p.eventually("threat", f"/cases/{pending}/threat-assessment-task")
    assert task.status_code == 200, task.text

    probation = [
        await listed(p, "probation-syd", "threat", f"/threat-assessment-tasks?status={status}")
        for status in ("pending", "assessed")
    ]
    police = [
        await listed(p, "police-syd", "threat", f"/threat-assessment-tasks?status={status}")
        for status in ("pending", "assessed")
    ]

    assert probation == [[], []]
    assert police == [[pending], [done]]


async def test_cases_left_out_of_a_listing_leave_no_audit_entry_saying_they_were_disclosed(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    await assessed_case(p, "high", PROBATION_CASE_REF)
    await assessed_case(p, "low", PROBATION_CASE_REF)

    for query in ("", "?level=high", "?level=low"):
        assert await listed(p, "probation-syd", "threat", f"/threat-assessments{query}") == []

    audited = "WHERE agency = 'probation' AND resource = 'ThreatAssessmentPublic'"
    assert await count_rows(p.runtime("threat"), "audit_log", audited) == 0


async def test_a_page_counts_only_the_items_the_caller_is_shown_and_is_full_until_the_end(
    platform: RunningPlatform,
) -> None:
    # Sorted by review date: hidden, shown, hidden, shown, shown. Social services
    # may see the threat level of the "shown" cases only.
    plan = [SOCIAL_NETWORKS, SOCIAL_THREAT, SOCIAL_NETWORKS, SOCIAL_THREAT, SOCIAL_THREAT]
    cases = [
        await assessed_case(platform, "high", consent, review_in_days=day, seed=day)
        for day, consent in enumerate(plan, start=1)
    ]
    shown = [
        case_id for case_id, consent in zip(cases, plan, strict=True) if consent is SOCIAL_THREAT
    ]

    async def social_knows_every_consent() -> bool:
        for case_id, consent in zip(cases, plan, strict=True):
            path = f"/cases/{case_id}/threat-assessments/current"
            read = await platform.get_as("social-malmo", "threat", path)
            if read.status_code != 200 or ("level" in read.json()) != (consent is SOCIAL_THREAT):
                return False
        return True

    assert await wait_until(social_knows_every_consent)

    pages = [
        await listed(platform, "social-malmo", "threat", f"/threat-assessments?{query}")
        for query in ("limit=2", "limit=2&offset=2", "limit=2&offset=3", "limit=1&offset=1")
    ]
    police = await listed(platform, "police-syd", "threat", "/threat-assessments?limit=2&offset=2")

    assert pages == [shown[:2], shown[2:], [], [shown[1]]]
    assert police == cases[2:4]


async def test_police_cannot_learn_from_the_overdue_filter_that_an_investigation_has_not_started(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    late = await known_case(p)  # police's consent covers the case reference only
    await p.eventually("social", f"/cases/{late}/investigation")
    async with p.runtime("social").engine.begin() as connection:
        await connection.execute(
            text("UPDATE social_investigation SET start_deadline = :at"),
            {"at": utcnow() - timedelta(days=2)},
        )

    police_overdue = await listed(p, "police-syd", "social", "/investigations?overdue=true")
    police_all = await listed(p, "police-syd", "social", "/investigations")
    social_overdue = await listed(p, "social-malmo", "social", "/investigations?overdue=true")

    assert police_overdue == []
    assert police_all == [late]  # the case reference is police's to see
    assert social_overdue == [late]


async def test_police_cannot_learn_from_the_expiring_list_when_a_persons_aid_ends(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    await p.eventually("social", f"/cases/{case_id}/investigation")
    soon = (today_in_sweden() + timedelta(days=10)).isoformat()
    made = await p.clients["social"].post(
        f"/cases/{case_id}/aid-decisions", json=decision(valid_to=soon)
    )
    assert made.status_code == 201, made.text

    police = [
        await listed(p, "police-syd", "social", f"/aid-decisions/expiring?within_days={days}")
        for days in (5, 30)
    ]
    social = await listed(p, "social-malmo", "social", "/aid-decisions/expiring?within_days=30")

    assert police == [[], []]
    assert social == [case_id]


async def test_a_meeting_is_listed_as_overdue_only_to_callers_who_may_see_follow_up_data(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await followed_case(p)  # police's consent covers the case reference only
    made = await p.clients["followup"].post(
        f"/cases/{case_id}/meetings",
        json={"kind": "security_follow_up", "scheduled_on": today_in_sweden().isoformat()},
    )
    assert made.status_code == 201, made.text
    async with p.runtime("followup").engine.begin() as connection:
        await connection.execute(
            text("UPDATE followup_meeting SET scheduled_on = :day WHERE meeting_id = :id"),
            {"day": today_in_sweden() - timedelta(days=7), "id": made.json()["meeting_id"]},
        )

    police = await listed(p, "police-syd", "followup", "/meetings/overdue")
    social = await listed(p, "social-malmo", "followup", "/meetings/overdue")

    assert police == []
    assert social == [case_id]
