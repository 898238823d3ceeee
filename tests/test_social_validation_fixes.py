"""Social services refuse what cannot be so, without echoing it (README, "Errors"), and
announce the start of an investigation once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlmodel import col

from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_social.adapters.tables import InvestigationRecord
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_aid_decisions import decision
from tests.test_social_municipality import social_case

SECRET = "Hemlig-Utforare-i-Umea"


def _names(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [p["name"] for p in response.json()["invalid-params"]]


async def test_an_aid_decision_dated_before_the_application_was_received_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)

    made = await embedded_platform.clients["social"].post(
        f"/cases/{case_id}/aid-decisions",
        json=decision(decided_on="2000-01-03", valid_from="2000-01-03", valid_to="2000-02-01"),
    )

    assert _names(made) == ["decided_on", "valid_from"]
    assert "2000-01-03" not in made.text
    assert await count_rows(embedded_platform.runtime("social"), "social_aid_decision") == 0


async def test_a_refused_provider_or_municipality_is_not_echoed_in_the_answer(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    today = today_in_sweden().isoformat()

    commissioned = await social.post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "protected_housing",
            "provider_organisation": SECRET,
            "disclosed_categories": ["case_ref"],
            "decided_on": today,
        },
    )
    stay = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": "1280", "stay_municipality": SECRET},
    )
    moved = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": SECRET,
            "requested_on": today,
            "decided_on": today,
            "effective_on": today,
        },
    )

    assert _names(commissioned) == ["provider_organisation"]
    assert _names(stay) == ["stay_municipality"]
    assert _names(moved) == ["to_municipality"]
    for refused in (commissioned, stay, moved):
        assert SECRET not in refused.text


async def test_choosing_the_scope_again_announces_no_second_start_and_keeps_the_first_start_time(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    path = f"/cases/{case_id}/investigation/scope"
    body = {"areas_in": ["housing"], "areas_out": [], "agreed_with_person": True}

    first = await social.post(path, json=body)
    second = await social.post(path, json=body | {"areas_in": ["housing", "debt"]})

    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert second.json()["areas_in"] == ["housing", "debt"]  # the scope itself is replaced
    runtime = embedded_platform.runtime("social")
    where = f"WHERE key = '{case_id}' AND event_type = 'social.investigation_started'"
    assert await count_events(runtime, where) == 1
    started_at = datetime.fromisoformat(first.json()["recorded_at"])
    async with runtime.engine.connect() as connection:
        announced = await connection.scalars(
            text(
                "SELECT payload FROM outbox WHERE key = :case "
                "AND event_type = 'social.investigation_started' "
                "AND topic LIKE 'avhopp.for-social.%'"
            ),
            {"case": case_id},
        )
        starts = [EventEnvelope.from_json_bytes(bytes(p)).data["started_at"] for p in announced]
        kept = await connection.scalar(
            select(col(InvestigationRecord.started_at)).where(
                col(InvestigationRecord.case_id) == case_id
            )
        )
    assert [datetime.fromisoformat(s) for s in starts] == [started_at]
    assert kept == started_at
