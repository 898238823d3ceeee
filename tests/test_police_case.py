"""The police defector case: its conditions, register checks, protective measures, closing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from avhopp_shared.events.social_events import InterventionsDecided
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.events import envelope_of
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_threat_assessments import assessment, known_case


def answers() -> dict[str, object]:
    """The answers police record when opening their case, signed today."""
    return {
        "motivated": True,
        "conditions_form_signed_on": today_in_sweden().isoformat(),
        "witness": False,
    }


async def social_decides(platform: RunningPlatform, case_id: str) -> None:
    """Social services' decision on interventions, as their service announces it."""
    payload = InterventionsDecided(
        case_id=case_id, decided_on=today_in_sweden(), intervention_types=["protected_housing"]
    )
    envelope = envelope_of(payload, case_id, source="/avhopp/social")
    consumer = platform.runtime("threat").consumer
    assert consumer is not None
    await consumer(envelope)


async def consent_to_decision_summary(platform: RunningPlatform, case_id: str) -> None:
    threat = platform.runtime("threat")
    before = await count_rows(threat, "access_consent", f"WHERE case_id = '{case_id}'")
    consented = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "police"}],
            "categories": ["case_ref", "decision_summary"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Synthetic consent form 3",
        },
    )
    assert consented.status_code == 201, consented.text

    async def arrived() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(threat, "access_consent", where) > before

    assert await wait_until(arrived)


def _unmet(response: Any) -> list[str]:
    return [p["name"] for p in response.json()["invalid-params"]]


async def test_opening_is_refused_with_exactly_the_unmet_conditions_until_all_hold(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    path = f"/cases/{case_id}/police-case"

    nothing_yet = await threat.post(path, json={"motivated": False, "witness": True})
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    # Without a consent for it, police may not learn of the decision: it stays unmet.
    await social_decides(platform, case_id)
    no_decision = await threat.post(path, json=answers())
    await consent_to_decision_summary(platform, case_id)
    await social_decides(platform, case_id)
    opened = await threat.post(path, json=answers())

    assert nothing_yet.status_code == 422
    assert _unmet(nothing_yet) == [
        "conditions.meets_definition",
        "conditions.motivated",
        "conditions.conditions_form_signed",
        "conditions.not_a_witness",
        "conditions.social_services_decision",
    ]
    assert _unmet(no_decision) == ["conditions.social_services_decision"]
    assert opened.status_code == 201, opened.text
    assert opened.json()["status"] == "open"
    assert (await threat.post(path, json=answers())).status_code == 409
    where = f"WHERE event_type = 'threat.police_case_opened' AND key = '{case_id}'"
    assert await count_events(platform.runtime("threat"), where) == 1


async def test_a_person_with_no_threat_does_not_meet_the_definition(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("none"))

    refused = await threat.post(f"/cases/{case_id}/police-case", json=answers())

    assert "conditions.meets_definition" in _unmet(refused)


async def _open_case(platform: RunningPlatform) -> str:
    case_id = await known_case(platform)
    await platform.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    await consent_to_decision_summary(platform, case_id)
    await social_decides(platform, case_id)
    opened = await platform.clients["threat"].post(f"/cases/{case_id}/police-case", json=answers())
    assert opened.status_code == 201, opened.text
    return case_id


async def test_a_follow_up_hit_is_reported_as_a_relapse_and_blocks_a_completed_exit(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _open_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    check = {
        "purpose": "follow_up",
        "registers": ["belastningsregistret", "misstankeregistret"],
        "checked_on": today_in_sweden().isoformat(),
        "hit": True,
        "summary": "Suspected of a new offence",
    }

    recorded = await threat.post(f"/cases/{case_id}/register-checks", json=check)
    completion = await threat.post(
        f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
    )

    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["relapse"] is True
    runtime = embedded_platform.runtime("threat")
    where = f"WHERE event_type = 'relapse.reported' AND key = '{case_id}'"
    assert await count_events(runtime, where) == 1
    assert completion.status_code == 422
    assert _unmet(completion) == ["relapse"]


async def test_an_exit_is_completed_when_the_plan_is_carried_out_without_relapse(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _open_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    clean = {
        "purpose": "follow_up",
        "registers": ["belastningsregistret"],
        "checked_on": today_in_sweden().isoformat(),
        "hit": False,
    }
    await threat.post(f"/cases/{case_id}/register-checks", json=clean)

    completed = await threat.post(
        f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
    )

    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "completed"
    read = await threat.get(f"/cases/{case_id}/police-case")
    assert read.json()["status"] == "completed"


async def test_police_abort_with_a_reason_and_cannot_abort_twice(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _open_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    path = f"/cases/{case_id}/police-case/abort"

    no_reason = await threat.post(path, json={"reason": ""})
    aborted = await threat.post(path, json={"reason": "Returned to the network"})
    again = await threat.post(path, json={"reason": "Returned to the network"})

    assert no_reason.status_code == 422
    assert (aborted.status_code, aborted.json()["status"]) == (200, "aborted")
    assert aborted.json()["reason"] == "Returned to the network"
    assert again.status_code == 409


async def test_protected_personal_data_is_applied_for_then_granted_with_dates(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    started = (today_in_sweden() - timedelta(days=3)).isoformat()

    applied = await threat.post(
        f"/cases/{case_id}/protective-measures",
        json={"kind": "skyddad_folkbokforing", "started_on": started},
    )
    measure_id = applied.json()["measure_id"]
    granted = await threat.post(
        f"/cases/{case_id}/protective-measures/{measure_id}/status",
        json={"status": "granted", "on": today_in_sweden().isoformat()},
    )
    out_of_order = await threat.post(
        f"/cases/{case_id}/protective-measures/{measure_id}/status",
        json={"status": "refused", "on": today_in_sweden().isoformat()},
    )
    listed = await threat.get(f"/cases/{case_id}/protective-measures")

    assert (applied.status_code, applied.json()["status"]) == (201, "applied")
    assert (granted.json()["status"], granted.json()["decided_on"]) == (
        "granted",
        today_in_sweden().isoformat(),
    )
    assert out_of_order.status_code == 422
    assert [m["status"] for m in listed.json()] == ["granted"]


async def test_only_police_may_write_the_police_case(embedded_platform: RunningPlatform) -> None:
    case_id = await known_case(embedded_platform)
    social = embedded_platform.auth("social-malmo")

    refused = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/police-case", json=answers(), headers=social
    )
    measure = await embedded_platform.clients["threat"].post(
        f"/cases/{case_id}/protective-measures",
        json={"kind": "secure_mail", "started_on": today_in_sweden().isoformat()},
        headers=social,
    )

    assert (refused.status_code, measure.status_code) == (403, 403)
