"""Which municipality works in a case, and the tasks the platform opens for it.

The receiving municipality answers for the case until a transfer; the
municipality of stay answers in an acute situation (2 a kap. SoL). No other
municipality reads or writes it. A person under 18 starts the youth path; a
police relapse report reaches social services as a task under the consent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text

from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_rows
from tests.fixtures.people import application_body, luhn_check_digit
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_police_case import _open_case

MALMO, LUND = "1280", "1281"


async def social_case(platform: RunningPlatform, **overrides: Any) -> str:
    """A case submitted by Malmö's social services, once their service has opened it."""
    submitted = await platform.submit(application_body(**overrides))
    assert submitted.status_code == 201, submitted.text
    case_id = str(submitted.json()["case_id"])
    opened = await platform.eventually("social", f"/cases/{case_id}/investigation")
    assert opened.status_code == 200, opened.text
    return case_id


def born_on(day: date) -> str:
    short = day.strftime("%y%m%d") + "123"
    return f"{day.year}{day.strftime('%m%d')}123{luhn_check_digit(short)}"


async def _tasks(platform: RunningPlatform, case_id: str, client: str = "social-malmo") -> Any:
    listed = await platform.get_as(client, "social", f"/tasks?case_id={case_id}")
    assert listed.status_code == 200, listed.text
    return listed.json()


async def test_the_receiving_municipality_is_responsible_and_no_other_municipality_reads_or_writes(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    lund = embedded_platform.auth("social-lund")

    responsibility = await social.get(f"/cases/{case_id}/responsibility")
    own_write = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())
    other_read = await social.get(f"/cases/{case_id}/investigation", headers=lund)
    other_write = await social.post(
        f"/cases/{case_id}/aid-decisions", json=decision(), headers=lund
    )
    other_list = await social.get("/investigations?limit=200", headers=lund)
    own_list = await social.get("/investigations?limit=200")

    assert responsibility.status_code == 200, responsibility.text
    assert responsibility.json()["residence_municipality"] == MALMO
    assert own_write.status_code == 201, own_write.text
    assert other_read.status_code == 404
    assert other_write.status_code == 403
    assert other_write.headers["content-type"] == "application/problem+json"
    assert case_id not in {i["case_id"] for i in other_list.json()}
    assert case_id in {i["case_id"] for i in own_list.json()}
    decisions = await count_rows(
        embedded_platform.runtime("social"), "social_aid_decision", f"WHERE case_id = '{case_id}'"
    )
    assert decisions == 1  # the refused write left nothing behind


async def test_a_transfer_hands_the_case_to_the_new_municipality_from_its_effective_date(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    lund = embedded_platform.auth("social-lund")
    today = today_in_sweden().isoformat()

    before = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(), headers=lund)
    moved = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": "Lund",
            "requested_on": today,
            "decided_on": today,
            "effective_on": today,
        },
    )
    after_lund = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(), headers=lund)
    after_malmo = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())

    assert before.status_code == 403
    assert moved.status_code == 201, moved.text
    # The transfer is announced; where to is protected_location (the catalogue),
    # for social services' own services, never another agency's but the team.
    async with embedded_platform.runtime("social").engine.connect() as connection:
        payloads = (
            await connection.execute(
                text(
                    "SELECT topic, payload FROM outbox WHERE key = :case "
                    "AND event_type = 'responsibility.transferred' ORDER BY topic"
                ),
                {"case": case_id},
            )
        ).all()
    # Police get no copy: it could carry neither where to nor the decision, and
    # that responsibility moved is itself the decision's (only the team reads it).
    assert [topic for topic, _ in payloads] == ["avhopp.for-social.responsibility"]
    data = EventEnvelope.from_json_bytes(bytes(payloads[0][1])).data
    assert (data["effective_on"], data["to_municipality"]) == (today, LUND)
    assert after_lund.status_code == 201, after_lund.text
    assert after_malmo.status_code == 403


async def test_the_municipality_of_stay_may_act_for_the_case_in_an_acute_situation(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    social = embedded_platform.clients["social"]
    lund = embedded_platform.auth("social-lund")

    stay = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": "Lund"},
    )
    acute = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(), headers=lund)
    # Acute responsibility is not the case's: the stay cannot make itself responsible.
    taken = await social.post(
        f"/cases/{case_id}/responsibility", json={"residence_municipality": LUND}, headers=lund
    )
    handed = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": LUND,
            "requested_on": today_in_sweden().isoformat(),
            "decided_on": today_in_sweden().isoformat(),
            "effective_on": today_in_sweden().isoformat(),
        },
        headers=lund,
    )

    assert stay.status_code == 201, stay.text
    assert acute.status_code == 201, acute.text
    assert (taken.status_code, handed.status_code) == (403, 403)


async def test_a_referral_from_another_agency_must_name_the_receiving_municipality(
    embedded_platform: RunningPlatform,
) -> None:
    intake = embedded_platform.clients["intake"]
    police = embedded_platform.auth("police-syd")

    unnamed = await intake.post("/applications", json=application_body(), headers=police)
    unknown = await intake.post(
        "/applications", json=application_body(municipality="Malmo"), headers=police
    )
    # Police record no consent (consent.write is social services'), so their
    # referral carries none, and the case id is withheld from them: it is
    # read from intake's own table here.
    named = await intake.post(
        "/applications", json=application_body(municipality="Lund", consents=[]), headers=police
    )

    assert unnamed.status_code == 422
    assert [p["name"] for p in unnamed.json()["invalid-params"]] == ["municipality"]
    assert unknown.status_code == 422
    assert [p["name"] for p in unknown.json()["invalid-params"]] == ["municipality"]
    assert named.status_code == 201, named.text
    async with embedded_platform.runtime("intake").engine.connect() as connection:
        case_id = await connection.scalar(text("SELECT case_id FROM intake_case"))

    async def lund_responsible() -> bool:
        read = await embedded_platform.get_as(
            "social-lund", "social", f"/cases/{case_id}/responsibility"
        )
        return read.status_code == 200 and read.json()["residence_municipality"] == LUND

    assert await wait_until(lund_responsible)
    malmo = await embedded_platform.get_as(
        "social-malmo", "social", f"/cases/{case_id}/investigation"
    )
    assert malmo.status_code == 404


async def test_an_applicant_under_18_opens_the_youth_path_and_an_adult_does_not(
    embedded_platform: RunningPlatform,
) -> None:
    today = today_in_sweden()
    minor = {"given_name": "Alex", "family_name": "Test", "personal_identity_number": ""}
    minor["personal_identity_number"] = born_on(date(today.year - 16, 3, 1))
    young = await social_case(embedded_platform, applicant=minor)
    adult = await social_case(embedded_platform)

    young_tasks = await _tasks(embedded_platform, young)
    adult_tasks = await _tasks(embedded_platform, adult)

    assert sorted(t["kind"] for t in young_tasks) == ["consider_lvu", "sis_joint_planning"]
    assert all(t["done_at"] is None and "LVU" in t["legal_basis"] for t in young_tasks)
    assert adult_tasks == []


async def test_a_police_relapse_report_becomes_a_task_only_under_a_consent_that_covers_it(
    embedded_platform: RunningPlatform,
) -> None:
    consented = await _open_case(embedded_platform)
    silent = await _open_case(embedded_platform)
    await consent_social_to_police_records(embedded_platform, consented)
    social = embedded_platform.runtime("social")
    check = {
        "purpose": "follow_up",
        "registers": ["belastningsregistret"],
        "checked_on": today_in_sweden().isoformat(),
        "hit": True,
        "summary": "Suspected of a new offence",
    }
    for case_id in (consented, silent):
        recorded = await embedded_platform.clients["threat"].post(
            f"/cases/{case_id}/register-checks", json=check
        )
        assert recorded.status_code == 201, recorded.text

    async def task_opened() -> bool:
        return any(
            t["kind"] == "assess_relapse" for t in await _tasks(embedded_platform, consented)
        )

    assert await wait_until(task_opened)
    [task] = [
        t for t in await _tasks(embedded_platform, consented) if t["kind"] == "assess_relapse"
    ]
    assert today_in_sweden().isoformat() in task["reason"]

    async def delivered_to_social() -> bool:
        where = f"WHERE case_id = '{silent}' AND resource = 'RelapseReported'"
        return await count_rows(social, "audit_log", where) == 1

    # The report without a consent was decided on (and audited) but opened no task.
    assert await wait_until(delivered_to_social)
    assert [
        t for t in await _tasks(embedded_platform, silent) if t["kind"] == "assess_relapse"
    ] == []


async def test_in_intake_another_municipality_neither_reads_the_case_nor_records_consent(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await social_case(embedded_platform)
    intake = embedded_platform.clients["intake"]
    lund = embedded_platform.auth("social-lund")
    consent = {
        "recipients": [{"agency": "provider", "organisation": "skyddat-boende-ab"}],
        "categories": ["case_ref", "threat"],
        "purposes": ["intervention"],
        "method": "written",
        "document_reference": "Synthetic consent form 9",
    }

    own_read = await intake.get(f"/cases/{case_id}")
    other_read = await intake.get(f"/cases/{case_id}", headers=lund)
    other_consents = await intake.get(f"/cases/{case_id}/consents", headers=lund)
    other_consent = await intake.post(f"/cases/{case_id}/consents", json=consent, headers=lund)
    other_team = await intake.post(
        f"/cases/{case_id}/team-members",
        json={"agency": "social", "organisation": LUND, "user": "u-9"},
        headers=lund,
    )
    police_read = await embedded_platform.get_as("police-syd", "intake", f"/cases/{case_id}")

    assert own_read.status_code == 200 and own_read.json()["municipality"] == MALMO
    assert (other_read.status_code, other_consents.status_code) == (404, 404)
    assert (other_consent.status_code, other_team.status_code) == (403, 403)
    assert police_read.status_code == 200  # police go by their consent, as before
    where = f"WHERE case_id = '{case_id}' AND recipients LIKE '%skyddat-boende-ab%'"
    assert await count_rows(embedded_platform.runtime("intake"), "consent_record", where) == 0


async def test_after_a_transfer_intake_follows_social_services_to_the_new_municipality(
    platform: RunningPlatform,
) -> None:
    case_id = await social_case(platform)
    today = today_in_sweden().isoformat()
    moved = await platform.clients["social"].post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": LUND,
            "requested_on": today,
            "decided_on": today,
            "effective_on": today,
        },
    )
    assert moved.status_code == 201, moved.text

    async def lund_reads_intake() -> bool:
        read = await platform.get_as("social-lund", "intake", f"/cases/{case_id}")
        return read.status_code == 200

    assert await wait_until(lund_reads_intake)
    malmo = await platform.get_as("social-malmo", "intake", f"/cases/{case_id}")
    assert malmo.status_code == 404
