"""One case through social services, police and a provider, each seeing only its share.

Application → consent → investigation → threat assessment read under the
consent → aid decision → police case opened → provider commissioned → the
provider reads exactly the categories the board decided (PROCESS.md steps
1-10; ACCESS.md). Every step goes through the services' own APIs and events.
"""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_police_case import answers
from tests.test_threat_assessments import assessment

PROVIDER = "skyddat-boende-ab"


def consent(recipient: dict[str, Any], categories: list[str], purpose: str) -> dict[str, Any]:
    return {
        "recipients": [recipient],
        "categories": categories,
        "purposes": [purpose],
        "method": "written",
        "document_reference": "Synthetic consent form, end to end",
    }


async def rows(platform: RunningPlatform, service: str, table: str, case_id: str) -> int:
    return await count_rows(platform.runtime(service), table, f"WHERE case_id = '{case_id}'")


async def test_a_case_runs_from_application_to_a_provider_reading_exactly_the_decided_categories(
    platform: RunningPlatform,
) -> None:
    intake, social, threat = (platform.clients[s] for s in ("intake", "social", "threat"))

    # 1. The application, with the person's consents: police may see the case,
    # its identity and the decision summary; social services the threat picture.
    body = application_body(
        consents=[
            POLICE_CONSENT,
            consent({"agency": "police"}, ["case_ref", "decision_summary"], "protection"),
            consent({"agency": "social"}, ["case_ref", "threat"], "investigation"),
        ]
    )
    submitted = await intake.post("/applications", json=body)
    assert submitted.status_code == 201, submitted.text
    case_id = submitted.json()["case_id"]

    # 2. Social services open the investigation and choose its scope with the person.
    opened = await platform.eventually("social", f"/cases/{case_id}/investigation")
    assert opened.status_code == 200, opened.text
    scope = await social.post(
        f"/cases/{case_id}/investigation/scope",
        json={"areas_in": ["housing", "substance_use"], "agreed_with_person": True},
    )
    assert scope.status_code == 201, scope.text

    # 3. Police assess the threat; social services read it under the consent.
    task = await platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert task.status_code == 200, task.text
    assessed = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    assert assessed.status_code == 201, assessed.text
    read = await platform.get_as(
        "social-malmo", "threat", f"/cases/{case_id}/threat-assessments/current"
    )
    assert read.status_code == 200, read.text
    assert read.json()["level"] == "high"
    assert "criminal_history" in {w["category"] for w in read.json()["withheld"]}

    # 4. The board decides on protected housing; police learn only the summary.
    decided = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())
    assert decided.status_code == 201, decided.text

    async def police_know_the_decision() -> bool:
        return await rows(platform, "threat", "threat_interventions_decision", case_id) == 1

    assert await wait_until(police_know_the_decision)

    # 5. Police open their defector case: every condition now holds.
    police_case = await threat.post(f"/cases/{case_id}/police-case", json=answers())
    assert police_case.status_code == 201, police_case.text

    # 6. The board commissions the provider and decides what it may read.
    provider_consent = await intake.post(
        f"/cases/{case_id}/consents",
        json=consent(
            {"agency": "provider", "organisation": PROVIDER},
            ["case_ref", "threat", "health"],
            "intervention",
        ),
    )
    assert provider_consent.status_code == 201, provider_consent.text
    commissioned = await social.post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "protected_housing",
            "provider_organisation": PROVIDER,
            "disclosed_categories": ["case_ref", "threat"],
            "decided_on": today_in_sweden().isoformat(),
        },
    )
    assert commissioned.status_code == 201, commissioned.text

    async def police_service_knows_the_decision() -> bool:
        decisions = await rows(platform, "threat", "access_disclosure_decision", case_id)
        consents = await rows(platform, "threat", "access_consent", case_id)
        return decisions == 1 and consents == 4

    assert await wait_until(police_service_knows_the_decision)

    # 7. The provider reads the threat picture as decided, and nothing else:
    # health is consented but not decided, criminal history neither.
    provider_read = await platform.get_as(
        "provider-skyddat-boende", "threat", f"/cases/{case_id}/threat-assessments/current"
    )
    assert provider_read.status_code == 200, provider_read.text
    seen = provider_read.json()
    assert (seen["case_id"], seen["level"]) == (case_id, "high")
    assert {w["category"] for w in seen["withheld"]} == {"criminal_history", "family"}
    other_provider = await platform.get_as(
        "provider-kontakt", "threat", f"/cases/{case_id}/threat-assessments/current"
    )
    assert other_provider.status_code == 404
    # Of social services' own investigation, the provider sees the decided case
    # reference and nothing of the investigation itself.
    investigation = await platform.get_as(
        "provider-skyddat-boende", "social", f"/cases/{case_id}/investigation"
    )
    assert investigation.status_code == 200, investigation.text
    assert "status" not in investigation.json() and "start_deadline" not in investigation.json()
    assert {w["category"] for w in investigation.json()["withheld"]} == {
        "application",
        "investigation",
    }
