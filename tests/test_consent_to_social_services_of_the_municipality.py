"""A consent to "social services" is a consent to the municipality that records it.

The person consents to the social services working the case, not to every
municipality in Sweden: each municipality is an authority of its own and secrecy
holds between them (OSL). A social-services recipient that names no municipality
is recorded as the recording one, in the answer, the record and the event alike.
"""

from __future__ import annotations

import json
import random
from typing import Any

from sqlalchemy import Table, select

from avhopp_intake.adapters.tables import ConsentRecordRow
from avhopp_shared.access.tables import ConsentGrantRow
from avhopp_shared.messaging.tables import OutboxMessage
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.database import count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_threat_assessments import assessment, known_case

_record: Table = ConsentRecordRow.__table__  # type: ignore[attr-defined]
_grant: Table = ConsentGrantRow.__table__  # type: ignore[attr-defined]
_outbox: Table = OutboxMessage.__table__  # type: ignore[attr-defined]

#: The default intake client is a caseworker of Malmö (1280).
MALMO = {"agency": "social", "organisation": "1280"}
TO_SOCIAL_SERVICES = {
    "recipients": [{"agency": "social"}, {"agency": "police"}],
    "categories": ["case_ref", "threat"],
    "purposes": ["investigation"],
    "method": "written",
    "document_reference": "Synthetic consent form, threat to social services",
}


async def _recipients(runtime: ServiceRuntime, table: Table, consent_id: str) -> Any:
    query = select(table.c.recipients).where(table.c.consent_id == consent_id)
    async with runtime.engine.connect() as connection:
        return (await connection.execute(query)).scalar_one()


async def _granted_events(runtime: ServiceRuntime, case_id: str) -> list[dict[str, Any]]:
    """Each ``case.consent_granted`` of the case once, whichever agencies get a copy."""
    query = select(_outbox.c.event_id, _outbox.c.payload).where(
        _outbox.c.event_type == "case.consent_granted", _outbox.c.key == case_id
    )
    async with runtime.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    copies = {event_id: json.loads(payload)["data"] for event_id, payload in rows}
    return list(copies.values())


async def test_a_consent_to_social_services_is_recorded_announced_and_answered_as_the_recording_municipality(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = str((await p.submit(application_body(consents=[]))).json()["case_id"])

    given = await p.clients["intake"].post(f"/cases/{case_id}/consents", json=TO_SOCIAL_SERVICES)

    assert given.status_code == 201, given.text
    consent_id = given.json()["consent_id"]
    named = [MALMO, {"agency": "police", "organisation": None}]
    assert given.json()["recipients"] == named
    assert await _recipients(p.runtime("intake"), _record, consent_id) == named
    assert [e["recipients"] for e in await _granted_events(p.runtime("intake"), case_id)] == [named]

    async def known_to_police() -> bool:
        where = f"WHERE consent_id = '{consent_id}'"
        return await count_rows(p.runtime("threat"), "access_consent", where) == 1

    assert await wait_until(known_to_police)
    assert await _recipients(p.runtime("threat"), _grant, consent_id) == named


async def test_an_application_carrying_a_consent_to_social_services_records_the_receiving_municipality(
    embedded_platform: RunningPlatform,
) -> None:
    consent = {**TO_SOCIAL_SERVICES, "recipients": [{"agency": "social"}]}
    created = await embedded_platform.submit(application_body(random.Random(7), consents=[consent]))
    assert created.status_code == 201, created.text
    case_id = created.json()["case_id"]

    listed = await embedded_platform.clients["intake"].get(f"/cases/{case_id}/consents")

    assert [c["recipients"] for c in listed.json()] == [[MALMO]]
    [event] = await _granted_events(embedded_platform.runtime("intake"), case_id)
    assert event["recipients"] == [MALMO]


async def test_another_municipality_reads_no_threat_picture_under_the_consent_malmo_recorded(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await known_case(p)  # received by Malmö (1280)
    given = await p.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={**TO_SOCIAL_SERVICES, "recipients": [{"agency": "social"}]},
    )
    assert given.status_code == 201, given.text
    consent_id = given.json()["consent_id"]

    async def arrived() -> bool:
        where = f"WHERE consent_id = '{consent_id}'"
        return await count_rows(p.runtime("threat"), "access_consent", where) == 1

    assert await wait_until(arrived)
    assessed = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert assessed.status_code == 201, assessed.text

    malmo = await p.get_as("social-malmo", "threat", f"/cases/{case_id}/threat-assessments")
    lund = await p.get_as("social-lund", "threat", f"/cases/{case_id}/threat-assessments")
    listed = await p.get_as("social-lund", "threat", "/threat-assessments")

    assert malmo.status_code == 200, malmo.text
    # Lund neither answers for the case nor stays in it: secrecy holds between municipalities.
    assert lund.status_code == 404, lund.text
    assert listed.status_code == 200, listed.text
    assert case_id not in [a.get("case_id") for a in listed.json()]
