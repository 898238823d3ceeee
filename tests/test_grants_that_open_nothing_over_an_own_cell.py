"""A legal basis or consent naming a category its recipient holds only as its own is refused.

policies/README.md, the cells: an `own` cell is opened only by ownership, never by
a legal basis, break-glass or consent; ACCESS.md's baseline matrix gives probation
its own criminal history only, and social services' own records (identity, health,
...) are another municipality's only through the case team or not at all. Recorded
anyway, the grant would open nothing, yet be announced, audited and shown to the
case owner as opening it (README, "Beyond consent"): so it is refused as input
(422, ``categories``), as one naming a `none` cell is.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from avhopp_intake.entrypoints.consent_routes import refuse_never_given
from avhopp_intake.entrypoints.consent_schemas import ConsentCreate
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.policy.engine import PolicyError
from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_access_grants import _Answering, _case_without_consent, _legal_bases, _legal_basis
from tests.test_consent_withdrawal_purges import hit
from tests.test_threat_assessments import known_case

PROBATION = {"agency": "probation"}


def _invalid(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [p["name"] for p in response.json()["invalid-params"]]


async def test_police_opening_their_criminal_history_to_probation_by_legal_basis_are_refused(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    checked = await p.clients["threat"].post(f"/cases/{case_id}/register-checks", json=hit())
    assert checked.status_code == 201, checked.text

    recorded = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis(PROBATION, ["criminal_history"]),
        headers=p.auth("police-syd"),
    )

    assert _invalid(recorded) == ["categories"]
    assert "criminal_history" in recorded.text
    assert await _legal_bases(p, case_id) == 0


async def test_social_services_opening_their_own_records_to_another_municipality_are_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    lund = {"agency": "social", "organisation": "1281"}

    recorded = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases", json=_legal_basis(lund, ["case_ref", "identity"])
    )

    assert _invalid(recorded) == ["categories"]
    assert "identity" in recorded.text
    assert "case_ref" not in recorded.json()["invalid-params"][0]["reason"]
    assert await _legal_bases(embedded_platform, case_id) == 0


async def test_a_consent_opening_criminal_history_to_probation_is_refused_as_the_legal_basis_is(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)

    consent = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={**POLICE_CONSENT, "recipients": [PROBATION], "categories": ["criminal_history"]},
    )

    assert _invalid(consent) == ["categories"]
    assert await count_rows(embedded_platform.runtime("intake"), "consent_record") == 0


async def test_a_consent_opening_the_persons_identity_to_another_municipality_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    lund = {"agency": "social", "organisation": "Lund"}

    consent = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={**POLICE_CONSENT, "recipients": [lund], "categories": ["case_ref", "identity"]},
    )

    assert _invalid(consent) == ["categories"]
    assert "case_ref" not in consent.json()["invalid-params"][0]["reason"]


async def test_an_application_with_a_consent_to_probation_over_criminal_history_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    to_probation = {**POLICE_CONSENT, "recipients": [PROBATION], "categories": ["criminal_history"]}
    consents = [POLICE_CONSENT, to_probation]

    response = await embedded_platform.submit(application_body(random.Random(7), consents=consents))

    assert _invalid(response) == ["consents.1.categories"]
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 0


async def test_a_consent_to_the_recording_municipality_over_its_own_records_is_still_recorded(
    embedded_platform: RunningPlatform,
) -> None:
    # The recipient is the owner: it reads these records anyway, and the consent
    # names what it does read.
    case_id = await _case_without_consent(embedded_platform)
    for municipality in ({"agency": "social"}, {"agency": "social", "organisation": "Malmö"}):
        consent = await embedded_platform.clients["intake"].post(
            f"/cases/{case_id}/consents",
            json={**POLICE_CONSENT, "recipients": [municipality], "categories": ["identity"]},
        )

        assert consent.status_code == 201, consent.text


@pytest.mark.parametrize(
    "answer", [RuntimeError("engine fault"), None, {"identity": True}, [1]], ids=str
)
def test_a_consent_is_refused_when_the_policy_does_not_say_what_it_could_never_open(
    answer: Any,
) -> None:
    body = ConsentCreate.model_validate({**POLICE_CONSENT, "recipients": [PROBATION]})
    social = Caller("social-malmo", Agency.SOCIAL, "1280", "socialsekreterare-1")

    with pytest.raises(PolicyError):
        refuse_never_given(_Answering(answer), body, social)
