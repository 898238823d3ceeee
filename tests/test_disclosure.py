"""The disclosure gate on the platform's own exchanges: REST reads and events between agencies."""

from __future__ import annotations

import random
import uuid
from functools import partial

from httpx import Response
from pydantic import BaseModel

from avhopp_shared.access.catalogue import Catalogue
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.access.state_handlers import apply_access_event
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.events.access_events import TeamMemberAdded
from avhopp_shared.events.consent_events import ConsentGranted, Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.database import count_rows, install_failing_trigger
from tests.fixtures.disclosure import disclose_to_police
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_social_municipality import social_case

UNKNOWN = "00000000-0000-4000-8000-000000000000"


async def _processed(runtime: ServiceRuntime, event_type: str, expected: int) -> bool:
    return await count_rows(runtime, "inbox", f"WHERE event_type = '{event_type}'") >= expected


async def test_police_see_identity_and_status_but_never_the_application_itself(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(3), channel="phone")
    case_id = (await embedded_platform.submit(body)).json()["case_id"]

    seen = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert seen.status_code == 200, seen.text
    case = seen.json()
    assert case["case_id"] == case_id
    assert case["applicant"]["family_name"] == body["applicant"]["family_name"]
    assert "channel" not in case and "applied_for" not in case and "summary" not in case
    assert "phone" not in case["applicant"]
    assert {w["category"]: w["reason"] for w in case["withheld"]} == {
        "application": "not permitted for police",
        "contact": "not permitted for police",
    }
    assert seen.headers["avhopp-decision-id"]


async def test_without_consent_police_cannot_tell_the_case_from_one_that_does_not_exist(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = (await embedded_platform.submit(application_body(consents=[]))).json()["case_id"]

    hidden = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")
    absent = await embedded_platform.get_as("police-syd", "intake", f"/cases/{UNKNOWN}")

    assert_same_not_found(hidden, absent, case_id)
    intake = embedded_platform.runtime("intake")
    # The refused read is still on the record, with what was withheld and why.
    assert (
        await count_rows(intake, "audit_log", f"WHERE case_id = '{case_id}' AND agency = 'police'")
        == 1
    )


async def test_another_municipality_gets_the_same_404_for_a_case_it_may_not_see_as_for_no_case(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform, consents=[])

    for path in ("/cases/{}", "/cases/{}/consents"):
        hidden = await embedded_platform.get_as("social-lund", "intake", path.format(case_id))
        absent = await embedded_platform.get_as("social-lund", "intake", path.format(UNKNOWN))

        assert_same_not_found(hidden, absent, case_id)


async def test_a_sub_resource_of_a_hidden_case_answers_the_404_of_a_case_that_does_not_exist(
    embedded_platform: RunningPlatform,
) -> None:
    # Police know of this case only under the person's consent: probation, with
    # none, may see nothing of it in the threat service; police, with a consent
    # that covers neither social services' investigation nor its case reference
    # there, nothing in the social service; Lund nothing of a Malmö case.
    case_id = await social_case(embedded_platform)
    task = await embedded_platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert task.status_code == 200, task.text
    reads = [
        ("probation-syd", "threat", "/cases/{}/threat-assessment-task"),
        ("social-lund", "social", "/cases/{}/investigation"),
    ]

    for client, service, path in reads:
        hidden = await embedded_platform.get_as(client, service, path.format(case_id))
        absent = await embedded_platform.get_as(client, service, path.format(UNKNOWN))

        assert_same_not_found(hidden, absent, case_id)


async def test_a_list_of_a_hidden_cases_records_answers_the_404_of_a_case_that_does_not_exist(
    embedded_platform: RunningPlatform,
) -> None:
    # An empty list would say the case is there. Police know this case under a
    # consent (case reference and identity), the other not at all; probation
    # knows neither.
    known = await social_case(embedded_platform)
    unknown_to_police = await social_case(embedded_platform, consents=[])
    task = await embedded_platform.eventually("threat", f"/cases/{known}/threat-assessment-task")
    assert task.status_code == 200, task.text
    lists = [
        ("police-syd", "social", "/cases/{}/aid-decisions", unknown_to_police),
        ("police-syd", "social", "/cases/{}/needs-mappings", unknown_to_police),
        ("probation-syd", "social", "/cases/{}/action-plans", known),
        ("probation-syd", "threat", "/cases/{}/threat-assessments", known),
    ]

    for client, service, path, case_id in lists:
        hidden = await embedded_platform.get_as(client, service, path.format(case_id))
        absent = await embedded_platform.get_as(client, service, path.format(UNKNOWN))

        assert_same_not_found(hidden, absent, case_id)
    # Where the caller may see the case's reference, its empty list is no secret.
    seen = await embedded_platform.get_as("police-syd", "social", f"/cases/{known}/aid-decisions")
    assert (seen.status_code, seen.json()) == (200, [])


async def test_the_threat_service_learns_of_a_case_only_under_the_persons_consent(
    platform: RunningPlatform,
) -> None:
    without = (await platform.submit(application_body(consents=[]))).json()["case_id"]
    with_consent = (await platform.submit(application_body())).json()["case_id"]
    threat = platform.runtime("threat")

    assert await wait_until(partial(_processed, threat, "case.application_received", 2))

    assert (
        await platform.eventually("threat", f"/cases/{with_consent}/threat-assessment-task")
    ).status_code == 200
    assert (
        await platform.clients["threat"].get(f"/cases/{without}/threat-assessment-task")
    ).status_code == 404
    assert await count_rows(threat, "threat_assessment_task", f"WHERE case_id = '{without}'") == 0
    # The delivery that showed police nothing is audited as such.
    assert (
        await count_rows(
            threat,
            "audit_log",
            f"WHERE case_id = '{without}' AND channel = 'event' AND CAST(disclosed AS TEXT) = '[]'",
        )
        == 1
    )


async def test_after_withdrawal_police_are_refused_at_once(platform: RunningPlatform) -> None:
    case_id = (await platform.submit(application_body())).json()["case_id"]
    intake = platform.clients["intake"]
    consent_id = (await intake.get(f"/cases/{case_id}/consents")).json()[0]["consent_id"]
    assert (await platform.get_as("police-syd", "intake", f"/cases/{case_id}")).status_code == 200
    held = await platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert held.status_code == 200

    withdrawn = await intake.post(f"/cases/{case_id}/consents/{consent_id}/withdrawal", json={})

    assert withdrawn.status_code == 200
    assert (await platform.get_as("police-syd", "intake", f"/cases/{case_id}")).status_code == 404
    threat = platform.runtime("threat")
    assert await wait_until(partial(_processed, threat, "case.consent_withdrawn", 1))
    assert await count_rows(threat, "access_consent", "WHERE status = 'withdrawn'") == 1
    # What police held under the consent is gone, and the purge is on the record.
    assert await count_rows(threat, "threat_assessment_task", f"WHERE case_id = '{case_id}'") == 0
    assert await count_rows(threat, "audit_log", "WHERE channel = 'purge'") == 1


async def test_every_read_leaves_exactly_one_audit_entry(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = (await embedded_platform.submit(application_body())).json()["case_id"]
    intake = embedded_platform.runtime("intake")
    before = await count_rows(intake, "audit_log")

    for client in ("social-malmo", "police-syd", "social-malmo"):
        await embedded_platform.get_as(client, "intake", f"/cases/{case_id}")

    assert await count_rows(intake, "audit_log") == before + 3


async def test_when_the_audit_write_fails_nothing_is_disclosed(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = (await embedded_platform.submit(application_body())).json()["case_id"]
    await install_failing_trigger(embedded_platform.runtime("intake"), "audit_log")

    response = await embedded_platform.clients["intake"].get(f"/cases/{case_id}")

    assert response.status_code == 503
    assert "applicant" not in response.text


class _FailingEngine:
    revision = "failing"

    def evaluate(self, rule: str, input: object) -> object:
        raise RuntimeError("policy engine down")


async def test_when_the_policy_engine_fails_nothing_is_disclosed(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = (await embedded_platform.submit(application_body())).json()["case_id"]
    intake = embedded_platform.runtime("intake")

    intake.gate.engine = _FailingEngine()
    read = await embedded_platform.clients["intake"].get(f"/cases/{case_id}")
    intake.policy = _FailingEngine()
    acted = await embedded_platform.clients["intake"].get(f"/cases/{case_id}")

    # The decision fails closed (every category withheld: as good as absent),
    # and so does the action check in front of it.
    assert read.status_code == 404
    assert "applicant" not in read.text
    assert acted.status_code == 403


class _Person(BaseModel):
    """A stand-in record: the case reference and an identity field."""

    case_id: str
    name: str


async def test_a_replica_that_cached_the_access_state_sees_a_withdrawal_made_elsewhere_at_once(
    platform: RunningPlatform,
) -> None:
    case_id = (await platform.submit(application_body())).json()["case_id"]
    intake = platform.clients["intake"]
    runtime = platform.runtime("intake")
    # A second replica of intake: its own gate and cache, the same database.
    replica = DisclosureGate(
        runtime.policy,
        Catalogue({"_Person": {"case_id": "case_ref", "name": "identity"}}),
        Owner("social"),
    )
    police = Caller("police-syd", Agency.POLICE, "polisen-region-syd")
    item = _Person(case_id=case_id, name="Synthetic Name")

    async def identity_seen() -> bool:
        return "name" in (await disclose_to_police(replica, runtime, police, item)).data

    assert await identity_seen()
    assert await identity_seen()
    assert (replica.states.misses, replica.states.hits) == (1, 1)  # read once, then cached
    consent_id = (await intake.get(f"/cases/{case_id}/consents")).json()[0]["consent_id"]

    withdrawn = await intake.post(f"/cases/{case_id}/consents/{consent_id}/withdrawal", json={})

    assert withdrawn.status_code == 200
    assert not await identity_seen()


async def test_a_consent_that_rolled_back_never_opens_a_later_read(
    platform: RunningPlatform,
) -> None:
    case_id = (await platform.submit(application_body(consents=[]))).json()["case_id"]
    runtime = platform.runtime("intake")
    gate = DisclosureGate(
        runtime.policy,
        Catalogue({"_Person": {"case_id": "case_ref", "name": "identity"}}),
        Owner("social"),
    )
    police = Caller("police-syd", Agency.POLICE, "polisen-region-syd")
    item = _Person(case_id=case_id, name="Synthetic Name")
    granted = ConsentGranted(
        case_id=case_id,
        consent_id=str(uuid.uuid4()),
        recipients=[Recipient(agency="police")],
        categories=[Category.CASE_REF, Category.IDENTITY],
        purposes=[Purpose.PROTECTION],
        valid_from=utcnow(),
        valid_to=None,
    )
    # A consent seen inside its own transaction, which then rolls back...
    async with runtime.new_uow() as uow:
        await apply_access_event(uow.session, granted)
        inside = await gate.disclose(
            uow, recipient=police, purpose="protection", case_id=case_id, item=item, channel="rest"
        )
    # ...and another change that commits and takes the same version of the state.
    member = TeamMemberAdded(
        case_id=case_id, agency="police", organisation="polisen-region-syd", user="other"
    )
    async with runtime.new_uow() as uow:
        await apply_access_event(uow.session, member)
        await uow.commit()

    after = await disclose_to_police(gate, runtime, police, item)

    assert "name" in inside.data
    assert "name" not in after.data


def assert_same_not_found(hidden: Response, absent: Response, case_id: str) -> None:
    """Byte for byte the same 404, body and headers, but for the path the caller
    asked for (``instance``): even a case's existence is ``case_ref`` (ACCESS.md)."""
    assert hidden.status_code == absent.status_code == 404, hidden.text
    assert hidden.content.replace(case_id.encode(), UNKNOWN.encode()) == absent.content
    assert hidden.headers.multi_items() == absent.headers.multi_items()
