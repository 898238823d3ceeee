"""Registering an application discloses nothing of other cases and records no consent by proxy.

POST /applications answers with a case; that answer is a disclosure like any
read (ACCESS.md: everything not allowed is denied). A client's Idempotency-Key
finds that client's own case only; consent given with an application is
recorded only by social services of the receiving municipality, as on
``POST /cases/{id}/consents``; a re-application links an earlier case of the
same municipality only, as secrecy holds between municipalities (OSL); and
the Location header names the case only to a caller who may see its id.
"""

from __future__ import annotations

import asyncio
import random
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until

PROBLEM = "application/problem+json"
MALMO, LUND = "1280", "1281"


async def _post(
    platform: RunningPlatform, client: str, body: dict[str, Any], key: str | None = None
) -> Any:
    headers = platform.auth(client)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await platform.clients["intake"].post("/applications", json=body, headers=headers)


def _same_person(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    number = first["applicant"]["personal_identity_number"]
    return {**second, "applicant": {**second["applicant"], "personal_identity_number": number}}


async def test_a_key_reused_by_another_client_opens_a_new_case_and_shows_nothing_of_the_first(
    embedded_platform: RunningPlatform,
) -> None:
    key = "intake-form-0001"
    malmo_body = application_body(random.Random(7), consents=[])
    lund_body = application_body(random.Random(99), consents=[])
    police_body = application_body(random.Random(98), consents=[], municipality=MALMO)

    first = await _post(embedded_platform, "social-malmo", malmo_body, key)
    lund = await _post(embedded_platform, "social-lund", lund_body, key)
    police = await _post(embedded_platform, "police-syd", police_body, key)
    retry = await _post(embedded_platform, "social-malmo", malmo_body, key)

    assert first.status_code == 201, first.text
    case_id = first.json()["case_id"]
    number = malmo_body["applicant"]["personal_identity_number"]
    assert lund.status_code == 201, lund.text
    assert lund.json()["case_id"] != case_id
    assert (
        lund.json()["applicant"]["personal_identity_number"]
        == (lund_body["applicant"]["personal_identity_number"])
    )
    assert police.status_code == 201, police.text
    for other in (lund, police):
        assert case_id not in other.text and number not in other.text
        assert case_id not in other.headers.get("location", "")
    # The first client's own retry still finds its own case.
    assert retry.status_code == 200, retry.text
    assert retry.json()["case_id"] == case_id
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 3


async def test_a_key_reused_by_the_same_client_for_another_body_is_a_422_naming_the_header(
    embedded_platform: RunningPlatform,
) -> None:
    key = "intake-form-0002"
    body = application_body(random.Random(12), consents=[])
    other = application_body(random.Random(13), consents=[])

    first = await _post(embedded_platform, "social-malmo", body, key)
    reused = await _post(embedded_platform, "social-malmo", other, key)
    retry = await _post(embedded_platform, "social-malmo", body, key)

    assert first.status_code == 201, first.text
    assert reused.status_code == 422, reused.text
    assert reused.headers["content-type"] == PROBLEM
    params = reused.json()["invalid-params"]
    assert [(p["name"], p["in"]) for p in params] == [("Idempotency-Key", "header")]
    assert first.json()["case_id"] not in reused.text
    assert retry.status_code == 200 and retry.json()["case_id"] == first.json()["case_id"]
    intake = embedded_platform.runtime("intake")
    assert await count_rows(intake, "intake_case") == 1
    assert await count_events(intake, "WHERE event_type = 'case.application_received'") == 1


async def test_two_bodies_in_flight_together_with_one_key_open_one_case_and_the_other_is_a_422(
    platform: RunningPlatform,
) -> None:
    key = "intake-form-0003"
    bodies = [application_body(random.Random(seed), consents=[]) for seed in (31, 32)]

    responses = await asyncio.gather(
        *(_post(platform, "social-malmo", body, key) for body in bodies)
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 422], [r.text for r in responses]
    assert await count_rows(platform.runtime("intake"), "intake_case") == 1


@pytest.mark.parametrize("client", ["police-syd", "probation-syd", "sis-ungdomshem"])
async def test_a_referral_that_carries_consent_is_refused_and_stores_nothing(
    embedded_platform: RunningPlatform, client: str
) -> None:
    self_granted = {
        "recipients": [{"agency": client.split("-")[0]}],
        "categories": ["case_ref", "identity", "decision_summary"],
        "purposes": ["followup"],
        "method": "oral",
        "oral_note": "the referrer says the person agreed",
    }
    body = application_body(random.Random(8), municipality=MALMO, consents=[self_granted])

    refused = await _post(embedded_platform, client, body)

    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == PROBLEM
    intake = embedded_platform.runtime("intake")
    assert await count_rows(intake, "intake_case") == 0
    assert await count_rows(intake, "consent_record") == 0
    assert await count_events(intake) == 0


async def test_social_services_record_consent_with_an_application_to_their_own_municipality_only(
    embedded_platform: RunningPlatform,
) -> None:
    elsewhere = await _post(
        embedded_platform, "social-lund", application_body(random.Random(14), municipality=MALMO)
    )
    own = await _post(embedded_platform, "social-malmo", application_body(random.Random(15)))

    assert elsewhere.status_code == 403, elsewhere.text
    assert own.status_code == 201, own.text
    consents = await embedded_platform.get_as(
        "social-malmo", "intake", f"/cases/{own.json()['case_id']}/consents"
    )
    assert [c["recorded_by"]["organisation"] for c in consents.json()] == [MALMO]
    assert await count_rows(embedded_platform.runtime("intake"), "consent_record") == 1


async def test_a_re_application_links_only_an_earlier_case_of_the_same_municipality(
    embedded_platform: RunningPlatform,
) -> None:
    malmo_body = application_body(random.Random(16), consents=[])
    first = await _post(embedded_platform, "social-malmo", malmo_body)
    lund = await _post(
        embedded_platform,
        "social-lund",
        _same_person(malmo_body, application_body(random.Random(17), consents=[])),
    )
    again = await _post(
        embedded_platform,
        "social-malmo",
        _same_person(malmo_body, application_body(random.Random(18), consents=[])),
    )

    assert (first.status_code, lund.status_code, again.status_code) == (201, 201, 201)
    # Lund learns nothing of Malmö's case; Malmö's own later case links its own
    # earlier one, not Lund's, though Lund's is the person's latest.
    assert lund.json()["previous_case_id"] is None
    assert first.json()["case_id"] not in lund.text
    assert again.json()["previous_case_id"] == first.json()["case_id"]


async def _malmo_case_moved(
    platform: RunningPlatform, body: dict[str, Any], responsibility: dict[str, Any]
) -> str:
    """Malmö's case for the person in ``body``, once intake's copy holds ``responsibility``
    (a transfer, or a municipality of stay) as social services recorded it."""
    first = await _post(platform, "social-malmo", body)
    assert first.status_code == 201, first.text
    case_id = str(first.json()["case_id"])
    opened = await platform.eventually("social", f"/cases/{case_id}/investigation")
    assert opened.status_code == 200, opened.text
    social = platform.clients["social"]
    if "to_municipality" in responsibility:
        recorded = await social.post(
            f"/cases/{case_id}/responsibility/transfers", json=responsibility
        )
        copy, where = "access_responsibility_transfer", f"case_id = '{case_id}'"
    else:
        recorded = await social.post(f"/cases/{case_id}/responsibility", json=responsibility)
        stay = responsibility["stay_municipality"]
        copy, where = "access_responsibility", f"case_id = '{case_id}' AND stay = '{stay}'"
    assert recorded.status_code == 201, recorded.text

    async def intake_knows() -> bool:
        return await count_rows(platform.runtime("intake"), copy, f"WHERE {where}") == 1

    assert await wait_until(intake_knows)
    return case_id


def _transfer_to_lund(effective_on: date) -> dict[str, Any]:
    today = today_in_sweden().isoformat()
    return {
        "to_municipality": LUND,
        "requested_on": today,
        "decided_on": today,
        "effective_on": effective_on.isoformat(),
    }


async def test_after_a_transfer_a_re_application_links_the_case_in_the_new_municipality_only(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(19), consents=[])
    earlier = await _malmo_case_moved(embedded_platform, body, _transfer_to_lund(today_in_sweden()))

    again = await _post(embedded_platform, "social-malmo", _same_person(body, body))
    in_lund = await _post(embedded_platform, "social-lund", _same_person(body, body))

    assert (again.status_code, in_lund.status_code) == (201, 201)
    # The case is Lund's record now: Malmö, which received it, learns nothing of it.
    assert again.json()["previous_case_id"] is None
    assert earlier not in again.text
    assert in_lund.json()["previous_case_id"] == earlier


async def test_before_a_transfer_takes_effect_the_re_application_links_the_case_where_it_is(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(20), consents=[])
    in_a_month = today_in_sweden() + timedelta(days=30)
    earlier = await _malmo_case_moved(embedded_platform, body, _transfer_to_lund(in_a_month))

    again = await _post(embedded_platform, "social-malmo", _same_person(body, body))
    in_lund = await _post(embedded_platform, "social-lund", _same_person(body, body))

    assert (again.status_code, in_lund.status_code) == (201, 201)
    assert again.json()["previous_case_id"] == earlier
    assert in_lund.json()["previous_case_id"] is None


async def test_a_re_application_to_the_municipality_of_stay_does_not_link_the_responsible_ones_case(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(21), consents=[])
    stay = {"residence_municipality": MALMO, "stay_municipality": LUND}
    earlier = await _malmo_case_moved(embedded_platform, body, stay)

    in_lund = await _post(embedded_platform, "social-lund", _same_person(body, body))

    assert in_lund.status_code == 201, in_lund.text
    # Lund acts in Malmö's case in an acute situation; the case stays Malmö's record.
    assert in_lund.json()["previous_case_id"] is None
    assert earlier not in in_lund.text


async def test_the_location_header_names_the_case_only_to_a_caller_who_may_see_its_id(
    embedded_platform: RunningPlatform,
) -> None:
    police_body = application_body(random.Random(5), consents=[], municipality=MALMO)

    police = await _post(embedded_platform, "police-syd", police_body, "police-req-0101")
    police_retry = await _post(embedded_platform, "police-syd", police_body, "police-req-0101")
    social = await _post(embedded_platform, "social-malmo", application_body(random.Random(6)))

    assert (police.status_code, police_retry.status_code) == (201, 200)
    assert {"category": "case_ref", "reason": "no consent"} in police.json()["withheld"]
    assert "location" not in police.headers and "location" not in police_retry.headers
    assert social.status_code == 201, social.text
    assert social.headers["location"] == f"/cases/{social.json()['case_id']}"


async def test_social_services_sending_an_application_to_another_municipality_see_it_as_a_referrer(
    embedded_platform: RunningPlatform,
) -> None:
    malmo_body = application_body(random.Random(21), consents=[])
    first = await _post(embedded_platform, "social-malmo", malmo_body)
    sent_on = _same_person(
        malmo_body, application_body(random.Random(22), consents=[], municipality=MALMO)
    )

    lund = await _post(embedded_platform, "social-lund", sent_on)

    assert (first.status_code, lund.status_code) == (201, 201), lund.text
    # The case is Malmö's: Lund reads neither its id nor the earlier case it links.
    assert "case_ref" in {w["category"] for w in lund.json()["withheld"]}
    assert "case_id" not in lund.json() and "previous_case_id" not in lund.json()
    assert first.json()["case_id"] not in lund.text
    assert "location" not in lund.headers
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 2


async def test_police_reading_a_re_application_under_consent_never_learn_the_earlier_case(
    embedded_platform: RunningPlatform,
) -> None:
    # The earlier case: no consent to police, so police may not even know it exists.
    earlier_body = application_body(random.Random(31), consents=[])
    earlier = await _post(embedded_platform, "social-malmo", earlier_body)
    assert earlier.status_code == 201, earlier.text
    earlier_id = earlier.json()["case_id"]
    # The same person applies again, consenting to police for this case only.
    again = await _post(
        embedded_platform,
        "social-malmo",
        _same_person(earlier_body, application_body(random.Random(32), consents=[POLICE_CONSENT])),
    )
    assert again.status_code == 201, again.text
    case_id = again.json()["case_id"]
    # Social services, whose cases both are, see the link (an "application" fact).
    assert again.json()["previous_case_id"] == earlier_id
    exit_ = await embedded_platform.eventually("followup", f"/cases/{case_id}/exit")
    assert exit_.json()["earlier_case_id"] == earlier_id

    earlier_read = await embedded_platform.get_as("police-syd", "intake", f"/cases/{earlier_id}")
    again_read = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")
    police_exit = await embedded_platform.get_as("police-syd", "followup", f"/cases/{case_id}/exit")
    async with embedded_platform.runtime("intake").engine.connect() as connection:
        copies = (
            await connection.execute(
                text(
                    "SELECT topic, payload FROM outbox WHERE key = :case "
                    "AND event_type = 'case.application_received' ORDER BY topic"
                ),
                {"case": case_id},
            )
        ).all()

    assert earlier_read.status_code == 404  # police may see nothing of the earlier case ...
    assert again_read.status_code == 200, again_read.text
    assert police_exit.status_code == 200, police_exit.text
    # ... so reading the new case, or how its exit stands, does not tell them it exists.
    assert earlier_id not in again_read.text
    assert "previous_case_id" not in again_read.json()
    assert earlier_id not in police_exit.text
    # Nor does police's copy of the event announcing the new case.
    police_copy = {
        topic: EventEnvelope.from_json_bytes(bytes(payload)) for topic, payload in copies
    }["avhopp.for-police.case"]
    assert "previous_case_id" not in police_copy.data
    assert "application" in (police_copy.withheld or "").split()
