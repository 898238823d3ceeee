"""Aid decisions end to end: the decision summary reaches police and opens their case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_police_case import answers, consent_to_decision_summary
from tests.test_threat_assessments import assessment, known_case

#: Social services' days are Swedish days (README): a decision dated the UTC date
#: would come before an application received after Swedish midnight.


def decision(outcome: str = "granted", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "aid_type": "protected_housing",
        "outcome": outcome,
        "reasons": "A high threat: the person cannot stay at home",
        "valid_from": today_in_sweden().isoformat(),
        "valid_to": (today_in_sweden() + timedelta(days=90)).isoformat(),
        "decided_on": today_in_sweden().isoformat(),
    }
    if outcome == "refused":
        body |= {"valid_from": None, "valid_to": None}
    return body | overrides


async def test_granted_aid_lets_police_open_their_case_and_a_refusal_does_not(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    await consent_to_decision_summary(platform, case_id)
    social = platform.clients["social"]
    await platform.eventually("social", f"/cases/{case_id}/investigation")

    refused = await social.post(f"/cases/{case_id}/aid-decisions", json=decision("refused"))
    after_refusal = await threat.post(f"/cases/{case_id}/police-case", json=answers())
    granted = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())

    async def police_know() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        found = await count_rows(platform.runtime("threat"), "threat_interventions_decision", where)
        return found == 1

    assert (refused.status_code, granted.status_code) == (201, 201), granted.text
    assert after_refusal.status_code == 422
    assert [p["name"] for p in after_refusal.json()["invalid-params"]] == [
        "conditions.social_services_decision"
    ]
    assert await wait_until(police_know)
    opened = await threat.post(f"/cases/{case_id}/police-case", json=answers())
    assert opened.status_code == 201, opened.text
    # Both decisions are announced for social services' own follow-up; only the
    # grant as a summary for police.
    runtime = platform.runtime("social")
    where = "WHERE key = '{}' AND event_type = '{}'"
    assert await count_events(runtime, where.format(case_id, "social.aid_decided")) == 2
    summaries = where.format(case_id, "social.interventions_decided")
    assert await count_events(runtime, summaries) == 1


async def test_aid_ending_soon_is_listed_before_it_expires(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    soon = (today_in_sweden() + timedelta(days=10)).isoformat()
    await social.post(f"/cases/{case_id}/aid-decisions", json=decision(valid_to=soon))
    await social.post(f"/cases/{case_id}/aid-decisions", json=decision(aid_type="financial_aid"))

    within_30 = await social.get("/aid-decisions/expiring", params={"within_days": 30})
    within_5 = await social.get("/aid-decisions/expiring", params={"within_days": 5})

    assert [(d["case_id"], d["valid_to"]) for d in within_30.json()] == [(case_id, soon)]
    assert within_5.json() == []


async def test_a_decision_without_reasons_or_from_another_agency_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")

    no_reasons = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(reasons=""))
    backwards = await social.post(
        f"/cases/{case_id}/aid-decisions",
        json=decision(valid_to=(today_in_sweden() - timedelta(days=1)).isoformat()),
    )
    by_police = await social.post(
        f"/cases/{case_id}/aid-decisions",
        json=decision(),
        headers=embedded_platform.auth("police-syd"),
    )

    assert [p["name"] for p in no_reasons.json()["invalid-params"]] == ["reasons"]
    assert [p["name"] for p in backwards.json()["invalid-params"]] == ["valid_to"]
    assert by_police.status_code == 403
    assert await count_rows(embedded_platform.runtime("social"), "social_aid_decision") == 0


async def test_the_action_plan_is_versioned_and_a_measure_without_an_actor_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    body: dict[str, Any] = {
        "goals": ["A safe home in a new town"],
        "measures": [
            {
                "description": "Protected housing",
                "responsible": "provider",
                "organisation": "skyddat-boende-ab",
            },
            {"description": "Weekly support talks", "responsible": "social"},
        ],
        "review_on": (today_in_sweden() + timedelta(days=60)).isoformat(),
        "persons_view": "Wants to study",
    }
    path = f"/cases/{case_id}/action-plans"

    first = await social.post(path, json=body)
    second = await social.post(path, json=body | {"goals": ["A safe home", "Studies"]})
    no_actor = await social.post(
        path, json=body | {"measures": [{"description": "Talks", "responsible": "someone"}]}
    )
    history = await social.get(path)

    assert [first.json()["version"], second.json()["version"]] == [1, 2]
    assert [p["name"] for p in no_actor.json()["invalid-params"]] == ["measures.0.responsible"]
    assert [plan["version"] for plan in history.json()] == [2, 1]


async def test_an_audit_is_scored_by_the_platform_and_a_bad_answer_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    path = f"/cases/{case_id}/screenings"
    audit = {
        "instrument": "audit",
        "answers": [2, 2, 1, 0, 0, 0, 1, 0, 0, 2],
        "sex": "female",
        "administered_on": today_in_sweden().isoformat(),
    }

    scored = await social.post(path, json=audit)
    out_of_range = await social.post(path, json=audit | {"answers": [0] * 8 + [3, 0]})
    police = await embedded_platform.get_as("police-syd", "social", path)

    assert scored.status_code == 201, scored.text
    result = scored.json()
    assert (result["total"], result["zone"], result["above_cutoff"]) == (8, 2, True)
    assert [p["name"] for p in out_of_range.json()["invalid-params"]] == ["answers.8"]
    # Health is never for police (ACCESS.md): not even that the person was screened.
    assert (police.status_code, police.json()) == (200, [])


async def test_an_investigation_not_started_by_its_deadline_is_listed_as_overdue(
    embedded_platform: RunningPlatform,
) -> None:
    late = await known_case(embedded_platform)
    started = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    for case_id in (late, started):
        await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    scope = await social.post(
        f"/cases/{started}/investigation/scope",
        json={"areas_in": ["housing", "debt"], "areas_out": ["family"], "agreed_with_person": True},
    )
    # Time passes: both start deadlines are behind us.
    async with embedded_platform.runtime("social").engine.begin() as connection:
        await connection.execute(
            text("UPDATE social_investigation SET start_deadline = :at"),
            {"at": utcnow() - timedelta(days=2)},
        )

    overdue = await social.get("/investigations", params={"overdue": "true"})

    assert scope.status_code == 201, scope.text
    assert scope.json()["status"] == "in_progress"
    assert [i["case_id"] for i in overdue.json()] == [late]
    started_events = "WHERE event_type = 'social.investigation_started' AND key = '{}'"
    runtime = embedded_platform.runtime("social")
    assert await count_events(runtime, started_events.format(started)) == 1
    assert await count_events(runtime, started_events.format(late)) == 0


async def test_a_needs_mapping_rates_all_eight_rbm_areas_and_is_versioned(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    areas = [
        "antisocial_history",
        "procriminal_attitudes",
        "procriminal_associates",
        "antisocial_personality_pattern",
        "substance_abuse",
        "work_or_studies",
        "family_and_relations",
        "leisure",
    ]
    rated = {area: {"rating": "moderate", "notes": "Synthetic note"} for area in areas}
    path = f"/cases/{case_id}/needs-mappings"

    first = await social.post(path, json={"risk_areas": rated})
    missing = await social.post(path, json={"risk_areas": {a: rated[a] for a in areas[:7]}})
    second = await social.post(
        path, json={"risk_areas": rated, "other_needs": {"housing": {"rating": "high"}}}
    )

    assert (first.status_code, second.status_code) == (201, 201), first.text
    assert [first.json()["version"], second.json()["version"]] == [1, 2]
    assert [p["name"] for p in missing.json()["invalid-params"]] == ["risk_areas.leisure"]
    assert second.json()["other_needs"] == {"housing": {"rating": "high", "notes": ""}}


async def test_external_results_are_kept_as_health_or_risk_and_read_as_such(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    result = {
        "assessed_on": today_in_sweden().isoformat(),
        "assessor": "Psychologist A",
        "summary": "Moderate",
    }

    hcr = await social.post(
        f"/cases/{case_id}/health-results", json=result | {"instrument": "hcr_20"}
    )
    savry = await social.post(
        f"/cases/{case_id}/risk-results", json=result | {"instrument": "savry"}
    )
    wrong_kind = await social.post(
        f"/cases/{case_id}/health-results", json=result | {"instrument": "savry"}
    )
    health = await social.get(f"/cases/{case_id}/health-results")
    risk = await social.get(f"/cases/{case_id}/risk-results")

    assert (hcr.status_code, savry.status_code, wrong_kind.status_code) == (201, 201, 422)
    assert [r["instrument"] for r in health.json()] == ["hcr_20"]
    assert [r["instrument"] for r in risk.json()] == ["savry"]


async def test_a_concern_for_a_child_opens_a_task_until_it_is_done(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")

    child = await social.post(
        f"/cases/{case_id}/children",
        json={
            "birth_year": today_in_sweden().year - 9,
            "lives_with_person": True,
            "concern": "Threats at school",
        },
    )
    task_id = child.json()["task_id"]
    open_before = await social.get("/tasks", params={"open": "true"})
    done = await social.post(f"/tasks/{task_id}/completion")
    again = await social.post(f"/tasks/{task_id}/completion")
    open_after = await social.get("/tasks", params={"open": "true"})

    assert child.status_code == 201, child.text
    assert [t["task_id"] for t in open_before.json()] == [task_id]
    assert open_before.json()[0]["kind"] == "consider_child_investigation"
    assert done.status_code == 200 and done.json()["done_at"]
    assert again.status_code == 409
    assert open_after.json() == []


async def test_the_municipality_of_stay_is_read_only_by_the_case_team(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.clients["social"]
    await embedded_platform.eventually("social", f"/cases/{case_id}/investigation")
    path = f"/cases/{case_id}/responsibility"

    recorded = await social.post(
        path, json={"residence_municipality": "Malmö", "stay_municipality": "2480"}
    )
    caseworker = {"agency": "social", "organisation": "1280", "user": "socialsekreterare-1"}
    # No one names himself to the team: a colleague in the responsible municipality does.
    colleague = embedded_platform.issuer.mint(
        {**caseworker, "client_id": "social-malmo", "user": "socialsekreterare-2"}
    )
    added = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/team-members",
        json=caseworker,
        headers={"Authorization": f"Bearer {colleague}"},
    )
    runtime = embedded_platform.runtime("social")

    async def on_team() -> bool:
        return await count_rows(runtime, "access_team_member", f"WHERE case_id = '{case_id}'") == 1

    assert await wait_until(on_team)
    moved = await social.post(
        f"{path}/transfers",
        json={
            "to_municipality": "Umeå",
            "requested_on": today_in_sweden().isoformat(),
            "decided_on": today_in_sweden().isoformat(),
            "effective_on": today_in_sweden().isoformat(),
        },
    )

    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["residence_municipality"] == "1280"
    assert "stay_municipality" not in recorded.json()  # not on the team yet
    assert added.status_code == 201, added.text
    assert moved.status_code == 201, moved.text
    assert moved.json()["stay_municipality"] == "2480"
    assert moved.json()["responsible_municipality"] == "2480"
