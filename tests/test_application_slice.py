"""The first slice, end to end: one application reaches all four services, in both modes."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import text

from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.database import count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until

APPLICATIONS = "WHERE event_type = 'case.application_received'"
EFFECT_TABLES = {
    "social": "social_investigation",
    "threat": "threat_assessment_task",
    "followup": "followup_timeline_entry",
}


async def test_an_application_opens_the_case_in_all_four_services(
    platform: RunningPlatform,
) -> None:
    body = application_body(
        random.Random(1), channel="phone", referral_source="probation", out_of_hours=True
    )

    response = await platform.submit(body)

    assert response.status_code == 201, response.text
    case = response.json()
    case_id = case["case_id"]
    assert response.headers["location"] == f"/cases/{case_id}"
    assert case["channel"] == "phone"
    assert case["referral_source"] == "probation"
    assert (
        case["applicant"]["personal_identity_number"]
        == body["applicant"]["personal_identity_number"]
    )

    intake = await platform.clients["intake"].get(f"/cases/{case_id}")
    assert intake.status_code == 200
    assert intake.json() == case

    investigation = await platform.eventually("social", f"/cases/{case_id}/investigation")
    assert investigation.status_code == 200, investigation.text
    received_at = datetime.fromisoformat(case["received_at"])
    # 11 kap. 1 § SoL "without delay", configured by default as one day from receipt.
    assert investigation.json()["status"] == "awaiting_start"
    assert investigation.json()["legal_basis"] == "11 kap. 1 § SoL"
    assert datetime.fromisoformat(
        investigation.json()["start_deadline"]
    ) == received_at + timedelta(days=1)

    task = await platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert task.status_code == 200, task.text
    assert task.json()["status"] == "pending"
    assert task.json()["priority"] == "urgent"  # out of hours

    timeline = await platform.eventually("followup", f"/cases/{case_id}/timeline")
    assert timeline.status_code == 200, timeline.text
    # The application, and the consent to police it came with.
    milestones = sorted(e["milestone"] for e in timeline.json()["entries"])
    assert milestones == ["application_received", "consent_granted"]
    assert datetime.fromisoformat(timeline.json()["started_at"]) == received_at

    queue = await platform.clients["threat"].get("/threat-assessment-tasks")
    assert [t["case_id"] for t in queue.json()] == [case_id]

    # Every disclosure above left exactly one audit entry where it happened:
    # intake answered the POST and one GET; threat received the event and
    # answered two reads; social and follow-up one read each.
    expected = {"intake": 2, "threat": 3, "social": 1, "followup": 1}
    audited = {
        service: await count_rows(
            platform.runtime(service), "audit_log", f"WHERE case_id = '{case_id}'"
        )
        for service in expected
    }
    assert audited == expected


async def test_the_same_event_delivered_twice_changes_nothing(platform: RunningPlatform) -> None:
    response = await platform.submit(application_body(random.Random(2)))
    case_id = response.json()["case_id"]
    for service in EFFECT_TABLES:
        assert (await platform.eventually(service, _read_path(service, case_id))).status_code == 200
    before = {s: await count_rows(platform.runtime(s), t) for s, t in EFFECT_TABLES.items()}

    intake = platform.runtime("intake")
    # Redeliver through the real path: the relay publishes the row again, and
    # a marker event on the same case (same key, so ordered after it) tells us
    # when every consumer has seen the duplicate.
    async with intake.engine.begin() as connection:
        await connection.execute(text("UPDATE outbox SET published_at = NULL"))
    async with intake.new_uow() as uow:
        original = (await platform.clients["intake"].get(f"/cases/{case_id}")).json()
        marker = uow.emit(
            ApplicationReceived(
                case_id=case_id,
                received_at=datetime.fromisoformat(original["received_at"]),
                channel=original["channel"],
                referral_source=original["referral_source"],
                applied_for=original["applied_for"],
                out_of_hours=original["out_of_hours"],
                municipality=original["municipality"],
                applicant_under_18=False,
            ),
            case_id=case_id,
        )
        await uow.commit()

    for service in EFFECT_TABLES:
        runtime = platform.runtime(service)
        assert await wait_until(partial(_processed, runtime, marker.id)), (
            f"{service} never processed the marker"
        )

    after = {s: await count_rows(platform.runtime(s), t) for s, t in EFFECT_TABLES.items()}
    assert after == before
    for service in EFFECT_TABLES:
        # one inbox row for the original, one for the marker: the duplicate left none
        assert await count_rows(platform.runtime(service), "inbox", APPLICATIONS) == 2


async def _processed(runtime: ServiceRuntime, event_id: str) -> bool:
    return await count_rows(runtime, "inbox", f"WHERE event_id = '{event_id}'") == 1


def _read_path(service: str, case_id: str) -> str:
    return {
        "social": f"/cases/{case_id}/investigation",
        "threat": f"/cases/{case_id}/threat-assessment-task",
        "followup": f"/cases/{case_id}/timeline",
    }[service]
