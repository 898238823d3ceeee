"""A consent to police for some categories of a case and not others holds back nothing.

The person decides what police may see (10 kap. 1 § OSL; ACCESS.md): a consent
may name ``identity`` without ``case_ref``, or ``decision_summary`` alone.
Police's service then gets the event with the rest withheld, keeps what it
may, and goes on: an event it cannot use must not be delivered again and
again, which would hold back every later event of the publisher.
"""

from __future__ import annotations

from sqlalchemy import text

from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision


async def _scalar(runtime: ServiceRuntime, sql: str) -> int:
    async with runtime.engine.connect() as connection:
        return int(await connection.scalar(text(sql)) or 0)


async def _all_published(runtime: ServiceRuntime) -> bool:
    return await _scalar(runtime, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0


async def test_a_consent_to_identity_alone_gives_police_no_task_and_holds_back_no_later_case(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    identity_only = {**POLICE_CONSENT, "categories": ["identity"]}
    first = await platform.submit(application_body(consents=[identity_only]))
    second = await platform.submit(application_body())
    assert (first.status_code, second.status_code) == (201, 201)
    first_id, second_id = first.json()["case_id"], second.json()["case_id"]

    task = await platform.eventually("threat", f"/cases/{second_id}/threat-assessment-task")

    assert task.status_code == 200, task.text
    assert await wait_until(lambda: _all_published(platform.runtime("intake")), timeout=10)
    # Police were not told of the first case: no task, and no trace of one.
    threat = platform.runtime("threat")
    tasks = f"SELECT count(*) FROM threat_assessment_task WHERE case_id = '{first_id}'"
    assert await _scalar(threat, tasks) == 0


async def test_a_consent_to_the_decision_summary_alone_lets_police_record_that_aid_was_decided(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    summary_only = {**POLICE_CONSENT, "categories": ["decision_summary"]}
    created = await platform.submit(application_body(consents=[summary_only]))
    assert created.status_code == 201, created.text
    case_id = created.json()["case_id"]
    assert (await platform.eventually("social", f"/cases/{case_id}/investigation")).is_success

    granted = await platform.clients["social"].post(
        f"/cases/{case_id}/aid-decisions", json=decision()
    )

    assert granted.status_code == 201, granted.text
    assert await wait_until(lambda: _all_published(platform.runtime("social")), timeout=10)
    recorded = f"SELECT count(*) FROM threat_interventions_decision WHERE case_id = '{case_id}'"
    assert await wait_until(lambda: _recorded(platform.runtime("threat"), recorded), timeout=10)


async def _recorded(runtime: ServiceRuntime, sql: str) -> bool:
    return await _scalar(runtime, sql) == 1
