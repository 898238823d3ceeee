"""A consent's recipient organisations are the callers' own: trimmed, and municipalities by code.

A gate matches a recipient's organisation with the caller's as written
(policies/lib/match.rego). A value no caller holds would be recorded and
reported active, yet open nothing; a social-services organisation is a
municipality, whose callers' organisation is its four-digit code.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from avhopp_intake.entrypoints.consent_schemas import WithdrawalCreate
from avhopp_intake.entrypoints.schemas import ApplicationCreate
from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_access_grants import _case_without_consent


def _example(model: Any) -> dict[str, Any]:
    [example] = model.model_config["json_schema_extra"]["examples"]
    return dict(example)


@pytest.mark.parametrize("organisation", ["9999", "Lundby", "   "], ids=["code", "name", "blank"])
async def test_a_consent_to_social_services_of_no_municipality_is_refused_naming_it(
    embedded_platform: RunningPlatform, organisation: str
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    recipients = [{"agency": "police"}, {"agency": "social", "organisation": organisation}]

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents", json={**POLICE_CONSENT, "recipients": recipients}
    )

    assert response.status_code == 422, response.text
    assert [i["name"] for i in response.json()["invalid-params"]] == ["recipients.1.organisation"]
    assert await count_rows(embedded_platform.runtime("intake"), "consent_record") == 0


@pytest.mark.parametrize("organisation", ["Lund", "lund", " 1281", "1281 "])
async def test_a_consent_to_a_municipality_by_name_or_padded_code_is_recorded_by_its_code(
    embedded_platform: RunningPlatform, organisation: str
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    recipient = {"agency": "social", "organisation": organisation}

    # The case's reference: another municipality's identity is Malmö's own record,
    # which no consent opens to Lund (an own cell).
    body = {**POLICE_CONSENT, "recipients": [recipient], "categories": ["case_ref"]}
    given = await embedded_platform.clients["intake"].post(f"/cases/{case_id}/consents", json=body)

    assert given.status_code == 201, given.text
    assert given.json()["recipients"] == [{"agency": "social", "organisation": "1281"}]


async def test_a_consent_to_police_region_written_with_a_space_lets_that_region_read(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)
    padded = {"agency": "police", "organisation": "polisen-region-syd "}

    given = await p.clients["intake"].post(
        f"/cases/{case_id}/consents", json={**POLICE_CONSENT, "recipients": [padded]}
    )
    read = await p.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert given.status_code == 201, given.text
    assert given.json()["recipients"] == [
        {"agency": "police", "organisation": "polisen-region-syd"}
    ]
    # 201 "active" tells the caseworker region syd may now read the case: it can.
    assert read.status_code == 200, read.text


async def test_an_application_with_a_consent_to_no_municipality_is_refused_naming_it(
    embedded_platform: RunningPlatform,
) -> None:
    consent = {**POLICE_CONSENT, "recipients": [{"agency": "social", "organisation": "9999"}]}

    response = await embedded_platform.submit(
        application_body(random.Random(5), consents=[consent])
    )

    assert response.status_code == 422, response.text
    names = [i["name"] for i in response.json()["invalid-params"]]
    assert names == ["consents.0.recipients.0.organisation"]
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 0


async def test_the_application_and_withdrawal_examples_are_accepted_as_posted(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    intake = p.clients["intake"]

    registered = await p.submit(_example(ApplicationCreate))
    assert registered.status_code == 201, registered.text
    case_id = registered.json()["case_id"]
    [consent] = (await intake.get(f"/cases/{case_id}/consents")).json()
    withdrawn = await intake.post(
        f"/cases/{case_id}/consents/{consent['consent_id']}/withdrawal",
        json=_example(WithdrawalCreate),
    )

    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
