"""Withdrawing a consent reaches the copies every recipient service holds (ACCESS.md,
"Consent records": withdrawal takes effect at once for every later read and every later
event delivery, and subscribers that already hold data are told to purge it).

Each service forgets what it received from another agency under the consent, for that
case and the categories it covered, and records the purge; its own agency's records
stay, and a consent naming another recipient touches nothing here.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from avhopp_shared.access.event_gate import service_caller
from avhopp_shared.access.purge import Purger, names_service, withdrawal_handler
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_threat.service_layer.handlers import purge_case_reference
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_rows
from tests.fixtures.events import envelope_of
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_police_case import (
    _open_case,
    answers,
    consent_to_decision_summary,
    social_decides,
)
from tests.test_threat_assessments import assessment, known_case


def hit() -> dict[str, Any]:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return {
        "purpose": "follow_up",
        "registers": ["misstankeregistret"],
        "checked_on": today_in_sweden().isoformat(),
        "hit": True,
        "summary": "Suspected of a new offence",
    }


async def _consent_id(
    platform: RunningPlatform, case_id: str, agency: str, *categories: str
) -> str:
    """The id of the case's consent to ``agency`` that covers exactly ``categories``."""
    listed = (await platform.clients["intake"].get(f"/cases/{case_id}/consents")).json()
    [found] = [
        c
        for c in listed
        if [r["agency"] for r in c["recipients"]] == [agency]
        and sorted(c["categories"]) == sorted(categories)
    ]
    return str(found["consent_id"])


async def _withdraw(platform: RunningPlatform, case_id: str, consent_id: str, *at: str) -> None:
    """Withdraws the consent; returns once each service in ``at`` has taken it in (the
    purge commits with it)."""
    withdrawn = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents/{consent_id}/withdrawal",
        json={"reason": "The person asked for it at the meeting"},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    for service in at:
        runtime = platform.runtime(service)
        where = f"WHERE consent_id = '{consent_id}' AND status = 'withdrawn'"

        async def known(runtime: Any = runtime, where: str = where) -> bool:
            return await count_rows(runtime, "access_consent", where) == 1

        assert await wait_until(known)


async def _consent(platform: RunningPlatform, case_id: str, agency: str, *categories: str) -> str:
    """A written consent to ``agency`` (for its usual purpose), known where it matters."""
    purpose = {"police": "protection", "social": "investigation"}[agency]
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": agency}],
            "categories": list(categories),
            "purposes": [purpose],
            "method": "written",
            "document_reference": "Synthetic consent form, withdrawal",
        },
    )
    assert given.status_code == 201, given.text
    consent_id = str(given.json()["consent_id"])
    services = ("threat",) if agency == "police" else ("social", "followup")
    for service in services:
        runtime = platform.runtime(service)
        where = f"WHERE consent_id = '{consent_id}'"

        async def known(runtime: Any = runtime, where: str = where) -> bool:
            return await count_rows(runtime, "access_consent", where) == 1

        assert await wait_until(known)
    return consent_id


async def _relapse_tasks(platform: RunningPlatform, case_id: str) -> list[dict[str, Any]]:
    listed = await platform.clients["social"].get(
        "/tasks", params={"case_id": case_id, "kind": "assess_relapse"}
    )
    assert listed.status_code == 200, listed.text
    return list(listed.json())


async def _relapse_reported(platform: RunningPlatform, case_id: str) -> dict[str, Any]:
    """Police find a relapse; returns social services' task once it is there."""
    checked = await platform.clients["threat"].post(f"/cases/{case_id}/register-checks", json=hit())
    assert checked.status_code == 201, checked.text

    async def arrived() -> bool:
        return bool(await _relapse_tasks(platform, case_id))

    assert await wait_until(arrived)
    [task] = await _relapse_tasks(platform, case_id)
    return task


async def _purges(platform: RunningPlatform, service: str, case_id: str) -> int:
    where = f"WHERE channel = 'purge' AND case_id = '{case_id}'"
    return await count_rows(platform.runtime(service), "audit_log", where)


# -- police: what social services told them ------------------------------------------


async def test_withdrawing_the_consent_to_social_services_decision_makes_police_forget_it(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await known_case(p)
    threat = p.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    await consent_to_decision_summary(p, case_id)
    await social_decides(p, case_id)
    held = f"WHERE case_id = '{case_id}'"
    assert await count_rows(p.runtime("threat"), "threat_interventions_decision", held) == 1
    consent_id = await _consent_id(p, case_id, "police", "case_ref", "decision_summary")

    await _withdraw(p, case_id, consent_id, "threat")

    assert await count_rows(p.runtime("threat"), "threat_interventions_decision", held) == 0
    refused = await threat.post(f"/cases/{case_id}/police-case", json=answers())
    assert refused.status_code == 422
    assert [e["name"] for e in refused.json()["invalid-params"]] == [
        "conditions.social_services_decision"
    ]
    # The case reference is still covered by the application's consent: kept, and the
    # purge names only what was lost.
    assert (await threat.get(f"/cases/{case_id}/threat-assessment-task")).status_code == 200
    where = f"WHERE channel = 'purge' AND case_id = '{case_id}' AND CAST(withheld AS TEXT) LIKE '%decision_summary%'"
    assert await count_rows(p.runtime("threat"), "audit_log", where) == 1
    assert await _purges(p, "threat", case_id) == 1


async def test_a_police_case_opened_on_social_services_decision_stays_open_and_social_services_keep_police_records(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await consent_social_to_police_records(p, case_id)
    task = await _relapse_reported(p, case_id)
    consent_id = await _consent_id(p, case_id, "police", "case_ref", "decision_summary")

    await _withdraw(p, case_id, consent_id, "threat", "social", "followup")

    held = f"WHERE case_id = '{case_id}'"
    assert await count_rows(p.runtime("threat"), "threat_interventions_decision", held) == 0
    # Police's own record, opened while the consent stood, stays.
    police_case = await p.clients["threat"].get(f"/cases/{case_id}/police-case")
    assert police_case.status_code == 200, police_case.text
    assert police_case.json()["status"] == "open"
    # The consent named police: social services' copies of police's records stay.
    assert await _relapse_tasks(p, case_id) == [task]
    assert await _purges(p, "social", case_id) == 0
    assert await _purges(p, "followup", case_id) == 0


# -- social services: police's relapse report ------------------------------------------


async def test_withdrawing_the_consent_to_police_records_removes_the_open_relapse_task_of_that_case_only(
    platform: RunningPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    p = platform
    withdrawn, kept = await _open_case(p), await _open_case(p)
    for case_id in (withdrawn, kept):
        await consent_social_to_police_records(p, case_id)
        await _relapse_reported(p, case_id)
    consent_id = await _consent_id(p, withdrawn, "social", "case_ref", "followup")

    with caplog.at_level(logging.ERROR, logger="avhopp.purge"):
        await _withdraw(p, withdrawn, consent_id, "social", "followup")

    assert await _relapse_tasks(p, withdrawn) == []
    assert await _purges(p, "social", withdrawn) == 1
    [other] = await _relapse_tasks(p, kept)
    assert "(check " in other["reason"]
    assert await _purges(p, "social", kept) == 0
    # Every service that received something under the consent had a purger for it.
    assert [r for r in caplog.records if r.name == "avhopp.purge"] == []


async def test_a_relapse_social_services_already_assessed_stays_with_its_outcome_but_no_longer_quotes_police_check(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await consent_social_to_police_records(p, case_id)
    task = await _relapse_reported(p, case_id)
    assert "(check " in task["reason"]
    done = await p.clients["social"].post(
        f"/tasks/{task['task_id']}/completion", json={"outcome": "adjust_plan"}
    )
    assert done.status_code == 200, done.text
    consent_id = await _consent_id(p, case_id, "social", "case_ref", "followup")

    await _withdraw(p, case_id, consent_id, "social")

    [kept] = await _relapse_tasks(p, case_id)
    assert (kept["task_id"], kept["outcome"]) == (task["task_id"], "adjust_plan")
    assert kept["reason"] == (
        "Police reported a relapse at a follow-up register check: "
        "assess individually what is to be done."
    )


async def test_withdrawing_only_the_consent_to_police_follow_up_removes_the_open_relapse_task(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await _consent(p, case_id, "social", "case_ref")
    followup_consent = await _consent(p, case_id, "social", "followup")
    task = await _relapse_reported(p, case_id)
    assert "(check " in task["reason"]

    await _withdraw(p, case_id, followup_consent, "social")

    # The open task is the relapse itself (followup): it goes while case_ref stays.
    assert await _relapse_tasks(p, case_id) == []


# -- follow-up: police's milestones, the exit, ISU -------------------------------------


async def _police_entries(platform: RunningPlatform, case_id: str, category: str) -> int:
    where = f"WHERE case_id = '{case_id}' AND reported_by = 'police' AND category = '{category}'"
    return await count_rows(platform.runtime("followup"), "followup_timeline_entry", where)


async def test_withdrawing_the_consent_to_police_records_makes_follow_up_forget_police_abort_and_relapse(
    platform: RunningPlatform,
) -> None:
    p = platform
    withdrawn, kept = await _open_case(p), await _open_case(p)
    followup = p.clients["followup"]
    for case_id in (withdrawn, kept):
        await consent_social_to_police_records(p, case_id)
        await _relapse_reported(p, case_id)
        aborted = await p.clients["threat"].post(
            f"/cases/{case_id}/police-case/abort", json={"reason": "Returned to the network"}
        )
        assert aborted.status_code == 200, aborted.text

        async def noted(case_id: str = case_id) -> bool:
            ended = (await followup.get(f"/cases/{case_id}/exit")).json()["status"] == "aborted"
            return ended and await _police_entries(p, case_id, "followup") == 1

        assert await wait_until(noted)
    consent_id = await _consent_id(p, withdrawn, "social", "case_ref", "followup")
    isu = f"WHERE case_id = '{withdrawn}' AND relapsed = true AND outcome = 'aborted'"
    assert await count_rows(p.runtime("followup"), "followup_isu_case", isu) == 1

    await _withdraw(p, withdrawn, consent_id, "followup")

    exit_now = (await followup.get(f"/cases/{withdrawn}/exit")).json()
    assert (exit_now["status"], exit_now.get("aborted_by"), exit_now.get("reason")) == (
        "ongoing",
        None,
        None,
    )
    assert await _police_entries(p, withdrawn, "case_ref") == 0
    assert await _police_entries(p, withdrawn, "followup") == 0
    isu = f"WHERE case_id = '{withdrawn}' AND relapsed = false AND outcome = 'ongoing'"
    assert await count_rows(p.runtime("followup"), "followup_isu_case", isu) == 1
    assert await _purges(p, "followup", withdrawn) == 1
    # Social services' own entries stay.
    timeline = (await followup.get(f"/cases/{withdrawn}/timeline")).json()
    assert "application_received" in [e["milestone"] for e in timeline["entries"]]
    # The other case's consent still stands: nothing of it is touched.
    other = (await followup.get(f"/cases/{kept}/exit")).json()
    assert (other["status"], other["reason"]) == ("aborted", "Returned to the network")
    assert await _police_entries(p, kept, "followup") == 1


async def test_withdrawing_the_consent_to_the_threat_level_removes_police_threat_entries_from_the_timeline(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    consent_id = await _consent(p, case_id, "social", "threat")
    assessed = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert assessed.status_code == 201, assessed.text

    async def noted() -> bool:
        return await _police_entries(p, case_id, "threat") == 1

    assert await wait_until(noted)

    await _withdraw(p, case_id, consent_id, "followup")

    assert await _police_entries(p, case_id, "threat") == 0
    assert await _purges(p, "followup", case_id) == 1


async def test_withdrawing_the_consent_to_police_records_purges_police_relapse_but_not_the_exit_the_person_aborted(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await consent_social_to_police_records(p, case_id)
    await _relapse_reported(p, case_id)

    async def noted() -> bool:
        return await _police_entries(p, case_id, "followup") == 1

    assert await wait_until(noted)
    followup = p.clients["followup"]
    aborted = await followup.post(
        f"/cases/{case_id}/exit/abortion",
        json={
            "aborted_on": today_in_sweden().isoformat(),
            "reason": "Changed their mind",
            "social_support_continues": True,
        },
    )
    assert aborted.status_code == 201, aborted.text
    consent_id = await _consent_id(p, case_id, "social", "case_ref", "followup")

    await _withdraw(p, case_id, consent_id, "followup")

    assert await _police_entries(p, case_id, "followup") == 0
    exit_now = (await followup.get(f"/cases/{case_id}/exit")).json()
    assert (exit_now["status"], exit_now["aborted_by"], exit_now["reason"]) == (
        "aborted",
        "person",
        "Changed their mind",
    )
    isu = f"WHERE case_id = '{case_id}' AND outcome = 'aborted'"
    assert await count_rows(p.runtime("followup"), "followup_isu_case", isu) == 1


# -- a category received without a purger ---------------------------------------------


async def test_a_withdrawal_covering_a_category_received_without_a_purger_is_logged_as_an_error(
    platform: RunningPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    p = platform
    case_id = await known_case(p)
    await consent_to_decision_summary(p, case_id)
    await social_decides(p, case_id)
    consent_id = await _consent_id(p, case_id, "police", "case_ref", "decision_summary")
    runtime = p.runtime("threat")
    # Police's service as it would be without a purger for social services' decision.
    handler = withdrawal_handler(
        runtime.gate,
        service_caller(runtime.settings.service_name, "police"),
        {"case_ref": Purger("social", purge_case_reference)},
    )
    payload = ConsentWithdrawn(case_id=case_id, consent_id=consent_id, withdrawn_at=utcnow())

    with caplog.at_level(logging.ERROR, logger="avhopp.purge"):
        async with runtime.new_uow() as uow:
            await handler(uow, payload, envelope_of(payload, case_id))
            await uow.commit()

    [error] = [r for r in caplog.records if r.name == "avhopp.purge"]
    assert error.levelno == logging.ERROR
    assert (error.case_id, error.consent_id, error.categories) == (  # type: ignore[attr-defined]
        case_id,
        consent_id,
        ["decision_summary"],
    )


# -- a consent to one organisation of the agency ---------------------------------------


async def test_withdrawing_a_consent_to_one_police_region_makes_police_forget_what_it_brought(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await known_case(p)
    given = await p.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "police", "organisation": "polisen-region-syd"}],
            "categories": ["decision_summary"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Synthetic consent form, one region",
        },
    )
    assert given.status_code == 201, given.text
    consent_id = str(given.json()["consent_id"])
    threat = p.runtime("threat")
    where = f"WHERE consent_id = '{consent_id}'"

    async def arrived() -> bool:
        return await count_rows(threat, "access_consent", where) == 1

    assert await wait_until(arrived)
    await social_decides(p, case_id)
    held = f"WHERE case_id = '{case_id}'"
    # The police service took in social services' decision under the region's consent
    # (policies/lib/match.rego: a service receives for every organisation of its agency).
    assert await count_rows(threat, "threat_interventions_decision", held) == 1

    await _withdraw(p, case_id, consent_id, "threat")

    assert await count_rows(threat, "threat_interventions_decision", held) == 0
    assert await _purges(p, "threat", case_id) == 1


@pytest.mark.parametrize(
    ("recipient", "named"),
    [
        ({"agency": "police", "organisation": None}, True),
        ({"agency": "police", "organisation": "polisen-region-syd"}, True),
        ({"agency": "police", "organisation": "polisen-region-nord"}, True),
        ({"agency": "social", "organisation": None}, False),
        ({"agency": "social", "organisation": "1280"}, False),
    ],
)
def test_a_consent_names_the_police_service_for_any_one_organisation_of_police_only(
    recipient: dict[str, object], named: bool
) -> None:
    police = service_caller("threat", "police")

    assert names_service(recipient, police) is named


@pytest.mark.parametrize(
    ("organisation", "named"),
    [(None, True), ("polisen-region-syd", True), ("polisen-region-nord", False)],
)
def test_a_consent_to_one_region_names_a_police_client_of_that_region_only(
    organisation: str | None, named: bool
) -> None:
    # As policies/lib/match.rego matches a caller that is no service of the platform.
    syd = Caller("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-1")

    assert names_service({"agency": "police", "organisation": organisation}, syd) is named
