"""Social services' records kept within what the investigation is about: its scope
chosen with the person, the application that opened it, the providers the municipality
may commission, and every child under 18."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_threat_assessments import known_case


def audit_screening() -> dict[str, Any]:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return {
        "instrument": "audit",
        "answers": [2, 2, 1, 0, 0, 0, 1, 0, 0, 2],
        "sex": "female",
        "administered_on": today_in_sweden().isoformat(),
    }


def dudit_screening() -> dict[str, Any]:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return {
        "instrument": "dudit",
        "answers": [0] * 11,
        "sex": "male",
        "administered_on": today_in_sweden().isoformat(),
    }


RBM = (
    "antisocial_history",
    "procriminal_attitudes",
    "procriminal_associates",
    "antisocial_personality_pattern",
    "substance_abuse",
    "work_or_studies",
    "family_and_relations",
    "leisure",
)


def _mapping(**other_needs: str) -> dict[str, Any]:
    return {
        "risk_areas": {a: {"rating": "low", "notes": "Noted"} for a in RBM},
        "other_needs": {n: {"rating": r, "notes": "Noted"} for n, r in other_needs.items()},
    }


async def _investigated(platform: RunningPlatform) -> str:
    case_id = await known_case(platform)
    await platform.eventually("social", f"/cases/{case_id}/investigation")
    return case_id


async def _scoped(platform: RunningPlatform, areas_in: list[str], areas_out: list[str]) -> str:
    case_id = await _investigated(platform)
    scope = await platform.clients["social"].post(
        f"/cases/{case_id}/investigation/scope",
        json={"areas_in": areas_in, "areas_out": areas_out, "agreed_with_person": True},
    )
    assert scope.status_code == 201, scope.text
    return case_id


def _names(answer: Any) -> list[str]:
    return [p["name"] for p in answer.json()["invalid-params"]]


async def test_an_audit_or_dudit_is_refused_when_substance_use_was_left_out_of_the_scope(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _scoped(embedded_platform, ["housing"], ["substance_use"])
    social = embedded_platform.clients["social"]

    audit = await social.post(f"/cases/{case_id}/screenings", json=audit_screening())
    dudit = await social.post(f"/cases/{case_id}/screenings", json=dudit_screening())

    # 004 Del 2: which needs are investigated is decided with the person; an
    # investigation is never wider than the matter.
    assert (audit.status_code, dudit.status_code) == (422, 422), (audit.text, dudit.text)
    assert _names(audit) == _names(dudit) == ["instrument"]
    assert "substance" not in audit.text.split('"invalid-params"')[1].lower()
    assert await count_rows(embedded_platform.runtime("social"), "social_screening") == 0


async def test_an_audit_is_accepted_before_any_scope_and_when_substance_use_is_not_left_out(
    embedded_platform: RunningPlatform,
) -> None:
    social = embedded_platform.clients["social"]
    unscoped = await _investigated(embedded_platform)
    scoped = await _scoped(embedded_platform, ["substance_use"], ["debt"])

    before_scope = await social.post(f"/cases/{unscoped}/screenings", json=audit_screening())
    in_scope = await social.post(f"/cases/{scoped}/screenings", json=audit_screening())

    assert (before_scope.status_code, in_scope.status_code) == (201, 201), in_scope.text


async def test_a_needs_mapping_rating_a_need_left_out_of_the_scope_is_refused_naming_it(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _scoped(embedded_platform, ["housing"], ["debt", "loneliness"])
    social = embedded_platform.clients["social"]

    mapped = await social.post(
        f"/cases/{case_id}/needs-mappings",
        json=_mapping(housing="high", debt="high", loneliness="low"),
    )
    within = await social.post(f"/cases/{case_id}/needs-mappings", json=_mapping(housing="high"))

    assert mapped.status_code == 422, mapped.text
    assert sorted(_names(mapped)) == ["other_needs.debt", "other_needs.loneliness"]
    assert within.status_code == 201, within.text
    assert within.json()["version"] == 1


async def test_a_screening_administered_before_the_application_was_received_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _investigated(embedded_platform)
    early = (today_in_sweden() - timedelta(days=400)).isoformat()

    screened = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/screenings", json=audit_screening() | {"administered_on": early}
    )

    # As aid decisions and commissions: the audit_screening() is an instrument of the
    # investigation the application opened (11 kap. 1 § SoL).
    assert screened.status_code == 422, screened.text
    assert _names(screened) == ["administered_on"]
    assert "cannot come before the application was received" in screened.text


async def test_a_seventeen_year_old_born_eighteen_calendar_years_ago_is_recorded_as_a_child(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _investigated(embedded_platform)
    # Born in December of (this year - 18): 17 years old until that birthday.
    body = {
        "birth_year": today_in_sweden().year - 18,
        "lives_with_person": True,
        "concern": "Has been missing from school since the threat was made",
    }

    recorded = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/children", json=body
    )

    # 14 kap. 1 § SoL concerns every child under 18.
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["task_id"] is not None


async def test_a_provider_measure_naming_no_known_provider_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _investigated(embedded_platform)
    measure = {"description": "Protected housing", "responsible": "provider"}
    body = {
        "goals": ["A safe home in a new town"],
        "measures": [
            {"description": "Weekly support talks", "responsible": "social"},
            measure | {"organisation": "no-such-provider-anywhere"},
        ],
        "review_on": (today_in_sweden() + timedelta(days=90)).isoformat(),
        "persons_view": "",
    }
    path = f"/cases/{case_id}/action-plans"

    unknown = await embedded_platform.clients["social"].post(path, json=body)
    known = await embedded_platform.clients["social"].post(
        path, json=body | {"measures": [measure | {"organisation": "skyddat-boende-ab"}]}
    )

    # As a commission (domain/commission.py): a provider's name can tell where the
    # person is placed, and the plan names the provider "as commissioned".
    assert unknown.status_code == 422, unknown.text
    assert _names(unknown) == ["measures.1.organisation"]
    assert "no-such-provider" not in unknown.text
    assert known.status_code == 201, known.text
