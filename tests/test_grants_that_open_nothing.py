"""A legal basis or break-glass naming a category its recipient can never be given is refused.

ACCESS.md's baseline matrix gives police no access ("none") to health, finances
and the rest of social services' own findings, and no legal basis or break-glass
ever opens such a "none" cell (policies/README.md, the cells). Recorded anyway,
the grant would open nothing, yet be announced, audited as disclosing those
categories and shown to the case owner as what it opened: so it is refused as
input (422, ``categories``), and the policy (``data.avhopp.access.never_opened``;
``closed`` of ``data.avhopp.actions.legal_basis_record``) says which cells those are.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi import Request

from avhopp_intake.entrypoints.access_routes import _legal_basis_gaps, _never_opened
from avhopp_intake.entrypoints.access_schemas import LegalBasisIn
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.errors import InvalidInput
from avhopp_shared.policy.engine import PolicyError
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_access_grants import JUSTIFICATION, _Answering, _legal_bases, _legal_basis


def _break_glass(categories: list[str]) -> dict[str, Any]:
    return {
        "categories": categories,
        "justification": JUSTIFICATION,
        "legal_basis": "24 kap. 8 § OSL",
        "minutes": 60,
    }


def _invalid(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [p["name"] for p in response.json()["invalid-params"]]


@pytest.mark.parametrize(
    "categories", [["health", "finances"], ["case_ref", "health"]], ids=["only", "among others"]
)
async def test_police_breaking_the_glass_for_health_are_refused_and_the_owner_is_told_nothing(
    embedded_platform: RunningPlatform, categories: list[str]
) -> None:
    intake = embedded_platform.clients["intake"]
    case = await embedded_platform.submit(application_body(consents=[POLICE_CONSENT]))
    case_id = case.json()["case_id"]

    asked = await intake.post(
        f"/cases/{case_id}/break-glass",
        json=_break_glass(categories),
        headers=embedded_platform.auth("police-syd"),
    )
    alerts = await intake.get(f"/cases/{case_id}/access-alerts")

    assert _invalid(asked) == ["categories"]
    assert "health" in asked.text
    assert (alerts.status_code, alerts.json()) == (200, [])
    runtime = embedded_platform.runtime("intake")
    assert await count_rows(runtime, "access_break_glass", f"WHERE case_id = '{case_id}'") == 0
    granted = f"WHERE key = '{case_id}' AND event_type = 'case.break_glass_granted'"
    assert await count_events(runtime, granted) == 0


async def test_police_still_break_the_glass_for_what_a_consent_could_open_them(
    embedded_platform: RunningPlatform,
) -> None:
    case = await embedded_platform.submit(application_body(consents=[]))

    asked = await embedded_platform.clients["intake"].post(
        f"/cases/{case.json()['case_id']}/break-glass",
        json=_break_glass(["case_ref", "identity"]),
        headers=embedded_platform.auth("police-syd"),
    )

    assert asked.status_code == 201, asked.text


@pytest.mark.parametrize(
    "categories", [["health"], ["case_ref", "finances"]], ids=["only", "among others"]
)
async def test_a_legal_basis_opening_health_to_police_is_refused_rather_than_recorded(
    embedded_platform: RunningPlatform, categories: list[str]
) -> None:
    case = await embedded_platform.submit(application_body(consents=[]))
    case_id = case.json()["case_id"]

    recorded = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases", json=_legal_basis({"agency": "police"}, categories)
    )

    assert _invalid(recorded) == ["categories"]
    assert categories[-1] in recorded.text
    assert await _legal_bases(embedded_platform, case_id) == 0


def _request(answer: Any) -> Request:
    runtime = SimpleNamespace(policy=_Answering(answer))
    return cast(
        Request, SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(runtime=runtime)))
    )


def test_a_policy_answer_naming_only_closed_categories_is_refused_as_input() -> None:
    body = LegalBasisIn.model_validate(_legal_basis({"agency": "police"}, ["health"]))
    social = Caller("social-malmo", Agency.SOCIAL, "1280", "socialsekreterare-1")
    answer = {"allowed": False, "gaps": [], "closed": ["health"]}

    with pytest.raises(InvalidInput) as refused:
        _legal_basis_gaps(_request(answer), social, body)

    assert refused.value.field == "categories"


@pytest.mark.parametrize(
    "answer", [RuntimeError("engine fault"), None, {"health": True}, [1]], ids=str
)
def test_break_glass_fails_closed_when_the_policy_does_not_say_what_is_never_opened(
    answer: Any,
) -> None:
    with pytest.raises(PolicyError):
        _never_opened(_request(answer), "police")
