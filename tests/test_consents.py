"""Consent records on intake: recorded, listed, read and withdrawn, with the law's recording rules."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_social_municipality import LUND, MALMO, social_case


async def _new_case(platform: RunningPlatform, **overrides: Any) -> str:
    response = await platform.submit(application_body(random.Random(), **overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


async def test_a_written_consent_without_a_document_reference_is_refused_naming_the_field(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _new_case(embedded_platform, consents=[])
    body = {**POLICE_CONSENT, "document_reference": None}

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents", json=body
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalid-params"]] == ["document_reference"]


async def test_an_oral_consent_needs_a_note_of_when_and_how_it_was_given(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _new_case(embedded_platform, consents=[])
    oral = {**POLICE_CONSENT, "method": "oral", "document_reference": None}
    intake = embedded_platform.clients["intake"]

    refused = await intake.post(f"/cases/{case_id}/consents", json=oral)
    noted = "Given by phone 2026-11-20 14:10 to socialsekreterare-1, read back to the person"
    accepted = await intake.post(f"/cases/{case_id}/consents", json={**oral, "oral_note": noted})

    assert refused.status_code == 422
    assert [p["name"] for p in refused.json()["invalid-params"]] == ["oral_note"]
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["oral_note"] == noted


async def test_a_consent_is_recorded_listed_and_withdrawn_and_its_history_stays_readable(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _new_case(embedded_platform, consents=[])
    intake = embedded_platform.clients["intake"]

    created = await intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT)
    assert created.status_code == 201, created.text
    consent = created.json()
    assert consent["status"] == "active"
    assert consent["recorded_by"]["client_id"] == "social-malmo"
    assert created.headers["location"] == f"/cases/{case_id}/consents/{consent['consent_id']}"

    withdrawn = await intake.post(
        f"/cases/{case_id}/consents/{consent['consent_id']}/withdrawal",
        json={"reason": "The person asked for it at the meeting"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawn_by"]["agency"] == "social"

    listed = await intake.get(f"/cases/{case_id}/consents")
    assert [(c["consent_id"], c["status"]) for c in listed.json()] == [
        (consent["consent_id"], "withdrawn")
    ]
    one = await intake.get(f"/cases/{case_id}/consents/{consent['consent_id']}")
    assert one.json()["categories"] == ["case_ref", "identity"]


async def test_withdrawing_a_consent_twice_is_a_conflict(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _new_case(embedded_platform)
    intake = embedded_platform.clients["intake"]
    consent_id = (await intake.get(f"/cases/{case_id}/consents")).json()[0]["consent_id"]
    path = f"/cases/{case_id}/consents/{consent_id}/withdrawal"

    first = await intake.post(path, json={})
    second = await intake.post(path, json={})

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"


async def test_consent_on_an_unknown_case_is_not_found(embedded_platform: RunningPlatform) -> None:
    response = await embedded_platform.clients["intake"].post(
        "/cases/00000000-0000-4000-8000-000000000000/consents", json=POLICE_CONSENT
    )
    assert response.status_code == 404


async def test_only_social_services_may_record_or_read_consent(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _new_case(embedded_platform)
    intake = embedded_platform.clients["intake"]
    police = embedded_platform.auth("police-syd")

    written = await intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT, headers=police)
    read = await intake.get(f"/cases/{case_id}/consents", headers=police)

    assert written.status_code == 403
    assert written.headers["content-type"] == "application/problem+json"
    assert read.status_code == 403


async def test_a_request_without_a_valid_token_is_refused_with_401(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _new_case(embedded_platform)
    intake = embedded_platform.clients["intake"]

    missing = await intake.get(f"/cases/{case_id}", headers={"Authorization": ""})
    forged = await intake.get(f"/cases/{case_id}", headers={"Authorization": "Bearer a.b.c"})

    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert forged.status_code == 401
    assert 'error="invalid_token"' in forged.headers["www-authenticate"]
    assert forged.headers["content-type"] == "application/problem+json"


async def test_the_municipality_of_stay_neither_records_nor_withdraws_consent_in_the_responsible_ones_case(
    embedded_platform: RunningPlatform,
) -> None:
    # policies/actions/actions.rego, consent.write: consent is recorded by the municipality
    # responsible for the case; the municipality of stay acts only in acute matters
    # (2 a kap. SoL) and is another authority under secrecy (OSL).
    p = embedded_platform
    received = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    case_id = await social_case(p, received_at=received)
    stay = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    assert stay.status_code == 201, stay.text

    async def intake_knows_the_stay() -> bool:
        where = f"WHERE case_id = '{case_id}' AND stay = '{LUND}'"
        return await count_rows(p.runtime("intake"), "access_responsibility", where) == 1

    assert await wait_until(intake_knows_the_stay)
    intake = p.clients["intake"]
    by_malmo = await intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT)
    assert by_malmo.status_code == 201, by_malmo.text
    withdrawal = f"/cases/{case_id}/consents/{by_malmo.json()['consent_id']}/withdrawal"
    lund = p.auth("social-lund")

    recorded = await intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT, headers=lund)
    withdrawn = await intake.post(withdrawal, json={}, headers=lund)

    assert (recorded.status_code, withdrawn.status_code) == (403, 403), withdrawn.text
    assert recorded.headers["content-type"] == "application/problem+json"
    consent = await intake.get(withdrawal.removesuffix("/withdrawal"))
    assert consent.json()["status"] == "active"
    # The responsible municipality still withdraws it.
    assert (await intake.post(withdrawal, json={})).status_code == 200


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        ({"document_reference": None}, "document_reference"),
        ({"method": "oral", "document_reference": None}, "oral_note"),
        ({"recipients": [{"agency": "police"}, {"agency": "police"}]}, "recipients"),
        ({"categories": ["case_ref", "case_ref"]}, "categories"),
        ({"purposes": ["protection", "protection"]}, "purposes"),
    ],
)
async def test_a_consent_rule_broken_inside_an_application_is_named_where_that_consent_sits(
    embedded_platform: RunningPlatform, broken: dict[str, Any], field: str
) -> None:
    # As the schema names consents.1.valid_to (tests/test_consent_validity.py): a bare
    # field name points at nothing in an application's body.
    body = application_body(
        random.Random(3), consents=[POLICE_CONSENT, {**POLICE_CONSENT, **broken}]
    )
    before = await count_rows(embedded_platform.runtime("intake"), "intake_case")

    response = await embedded_platform.submit(body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == (
        f"consents.1.{field}",
        "body",
        f"#/consents/1/{field}",
    )
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == before
