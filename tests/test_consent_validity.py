"""A consent's and a legal basis's validity window, as intake takes and reports it.

A consent may be given ahead of time (from the day a placement starts, say):
until then it is ``pending`` and shares nothing. One that has already ended, or
a legal basis that has, allows nothing, so recording it is refused with a 422
naming ``valid_to`` rather than leaving a record that looks like a live ground
for sharing. Neither kind of refusal leaves anything behind.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform

LEGAL_BASIS: dict[str, Any] = {
    "reference": "10 kap. 18 a § OSL",
    "recipient": {"agency": "police"},
    "categories": ["case_ref"],
    "note": "Needed to prevent a serious crime against the person",
}
ENDED = {"valid_from": "2020-01-01T00:00:00+00:00", "valid_to": "2020-02-01T00:00:00+00:00"}
LATER = {"valid_from": "2099-01-01T00:00:00+01:00", "valid_to": "2099-02-01T00:00:00+01:00"}


async def _case_without_consent(platform: RunningPlatform) -> str:
    response = await platform.submit(application_body(random.Random(), consents=[]))
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


def _names(response: Any) -> list[str]:
    return [p["name"] for p in response.json()["invalid-params"]]


async def test_a_consent_that_starts_later_is_reported_pending_and_opens_nothing_until_then(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    intake = embedded_platform.clients["intake"]

    created = await intake.post(f"/cases/{case_id}/consents", json={**POLICE_CONSENT, **LATER})
    listed = await intake.get(f"/cases/{case_id}/consents")
    while_pending = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")
    await intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT)
    once_in_force = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending"
    assert [c["status"] for c in listed.json()] == ["pending"]
    # The same consent starting now lets police read the case: the refusal
    # before it was the start date's doing, not the consent's content.
    assert while_pending.status_code == 404
    assert once_in_force.status_code == 200, once_in_force.text


async def test_a_consent_that_has_already_ended_is_refused_naming_valid_to_and_not_recorded(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents", json={**POLICE_CONSENT, **ENDED}
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert _names(response) == ["valid_to"]
    recorded = await count_rows(
        embedded_platform.runtime("intake"), "consent_record", f"WHERE case_id = '{case_id}'"
    )
    assert recorded == 0


async def test_an_application_carrying_an_ended_consent_is_refused_naming_that_consents_valid_to(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(), consents=[POLICE_CONSENT, {**POLICE_CONSENT, **ENDED}])
    before = await count_rows(embedded_platform.runtime("intake"), "intake_case")

    response = await embedded_platform.submit(body)

    assert response.status_code == 422, response.text
    assert _names(response) == ["consents.1.valid_to"]
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == before


async def test_a_legal_basis_that_has_already_ended_is_refused_naming_valid_to_and_not_recorded(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases", json={**LEGAL_BASIS, "valid_to": ENDED["valid_to"]}
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert _names(response) == ["valid_to"]
    recorded = await count_rows(
        embedded_platform.runtime("intake"), "access_legal_basis", f"WHERE case_id = '{case_id}'"
    )
    assert recorded == 0


async def test_a_legal_basis_ending_in_the_future_is_still_recorded(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases", json={**LEGAL_BASIS, "valid_to": LATER["valid_to"]}
    )

    assert response.status_code == 201, response.text
    assert datetime.fromisoformat(response.json()["valid_to"]) == datetime(
        2099, 1, 31, 23, tzinfo=UTC
    )
