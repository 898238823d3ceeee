"""A consent opens nothing its recipient's agency is never given, so it names none of it.

ACCESS.md, baseline matrix: a "none" cell is opened by no consent, legal basis
or break-glass. Recorded, such a consent would be reported active and announced
to every service as opening what it cannot; it is refused as a legal basis with
the same content is (422 naming ``categories``).
"""

from __future__ import annotations

import random

from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_access_grants import _case_without_consent, _legal_basis


async def test_a_consent_opening_a_category_police_are_never_given_is_refused_as_a_legal_basis_is(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)

    consent = await p.clients["intake"].post(
        f"/cases/{case_id}/consents", json={**POLICE_CONSENT, "categories": ["case_ref", "health"]}
    )
    legal_basis = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases", json=_legal_basis({"agency": "police"}, ["health"])
    )

    assert legal_basis.status_code == 422, legal_basis.text
    assert consent.status_code == 422, consent.text
    [param] = consent.json()["invalid-params"]
    assert param["name"] == "categories"
    assert "case_ref" not in param["reason"]
    assert await count_rows(p.runtime("intake"), "consent_record") == 0


async def test_a_consent_to_several_agencies_is_refused_for_a_category_one_of_them_is_never_given(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)
    # Threat: social services may be given it by consent; probation never.
    body = {
        **POLICE_CONSENT,
        "recipients": [{"agency": "social", "organisation": "1281"}, {"agency": "probation"}],
        "categories": ["threat"],
    }

    response = await p.clients["intake"].post(f"/cases/{case_id}/consents", json=body)

    assert response.status_code == 422, response.text
    assert [i["name"] for i in response.json()["invalid-params"]] == ["categories"]


async def test_an_application_with_a_consent_to_what_police_are_never_given_is_refused_naming_it(
    embedded_platform: RunningPlatform,
) -> None:
    consents = [POLICE_CONSENT, {**POLICE_CONSENT, "categories": ["application"]}]

    response = await embedded_platform.submit(application_body(random.Random(6), consents=consents))

    assert response.status_code == 422, response.text
    assert [i["name"] for i in response.json()["invalid-params"]] == ["consents.1.categories"]
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 0


async def test_a_consent_naming_only_what_police_may_be_given_is_recorded(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    given = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={**POLICE_CONSENT, "categories": ["case_ref", "identity", "decision_summary"]},
    )

    assert given.status_code == 201, given.text
