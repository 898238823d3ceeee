"""Follow-up: the case's phases, and what commissioned providers report (seed 000, step 11)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_social_municipality import social_case

HOUSING, CONTACT = "skyddat-boende-ab", "kontaktpersoner-ab"
PROVIDER_CLIENT = {HOUSING: "provider-skyddat-boende", CONTACT: "provider-kontakt"}


def invalid(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [p["name"] for p in response.json()["invalid-params"]]


async def followed_case(platform: RunningPlatform, **overrides: Any) -> str:
    case_id = await social_case(platform, **overrides)
    opened = await platform.eventually("followup", f"/cases/{case_id}/phases")
    assert opened.status_code == 200, opened.text
    return case_id


async def commission(platform: RunningPlatform, case_id: str, provider: str) -> None:
    made = await platform.clients["social"].post(
        f"/cases/{case_id}/commissions",
        json={
            "intervention": "protected_housing" if provider == HOUSING else "contact_person",
            "provider_organisation": provider,
            "disclosed_categories": ["case_ref"],
            "decided_on": today_in_sweden().isoformat(),
        },
    )
    assert made.status_code == 201, made.text
    followup = platform.runtime("followup")

    async def known() -> bool:
        where = f"WHERE case_id = '{case_id}' AND provider_organisation = '{provider}'"
        return await count_rows(followup, "followup_commission", where) == 1

    assert await wait_until(known)


async def provider_consent(platform: RunningPlatform, case_id: str, provider: str) -> str:
    """The person's consent to the provider's reading the case reference, once the
    provider reads the case's phases here (a commission must be known too: the board's
    disclosure decision, ACCESS.md "decided"). The consent's id."""
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "provider", "organisation": provider}],
            "categories": ["case_ref"],
            "purposes": ["intervention"],
            "method": "written",
            "document_reference": "Synthetic consent form, provider",
        },
    )
    assert given.status_code == 201, given.text
    path = f"/cases/{case_id}/phases"

    async def reads() -> bool:
        read = await platform.get_as(PROVIDER_CLIENT[provider], "followup", path)
        return read.status_code == 200

    assert await wait_until(reads)
    return str(given.json()["consent_id"])


def report(**overrides: Any) -> dict[str, Any]:
    day = today_in_sweden().isoformat()
    body: dict[str, Any] = {
        "week_starting": (
            today_in_sweden() - timedelta(days=today_in_sweden().weekday())
        ).isoformat(),
        "schedule": "Mon-Fri work training 9-15",
        "contacts": [{"kind": "meeting", "on": day, "minutes": 45}],
        "activities": ["work training"],
        "treatment_sessions": [{"kind": "cbt", "on": day, "minutes": 60}],
        "incidents": [],
        "absences": [],
    }
    return body | overrides


async def incident_task(platform: RunningPlatform, case_id: str, incident: dict[str, Any]) -> str:
    """The housing provider, commissioned, reports ``incident`` (serious); the id of
    social services' task to assess it, once it is open."""
    await commission(platform, case_id, HOUSING)
    reported = await platform.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=report(incidents=[incident]),
        headers=platform.auth(PROVIDER_CLIENT[HOUSING]),
    )
    assert reported.status_code == 201, reported.text
    social = platform.clients["social"]
    tasks = f"/tasks?case_id={case_id}&kind=assess_incident"

    async def task_open() -> bool:
        return len((await social.get(tasks)).json()) == 1

    assert await wait_until(task_open)
    return str((await social.get(tasks)).json()[0]["task_id"])


async def test_a_case_starts_in_initial_contact_and_moves_one_phase_at_a_time_unless_explained(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/phases"
    day = today_in_sweden().isoformat()

    start = (await followup.get(path)).json()
    skipped = await followup.post(path, json={"phase": "stabilising", "entered_on": day})
    future = await followup.post(
        path,
        json={"phase": "acute", "entered_on": (today_in_sweden() + timedelta(days=1)).isoformat()},
    )
    acute = await followup.post(path, json={"phase": "acute", "entered_on": day})
    back = await followup.post(path, json={"phase": "initial_contact", "entered_on": day})
    explained = await followup.post(
        path,
        json={"phase": "long_term", "entered_on": day, "reason": "Stable for months elsewhere"},
    )
    other = await embedded_platform.clients["followup"].post(
        path,
        json={"phase": "stabilising", "entered_on": day, "reason": "x"},
        headers=embedded_platform.auth("social-lund"),
    )

    assert (start["phase"], start["acute_overdue"]) == ("initial_contact", False)
    assert invalid(skipped) == ["reason"]
    assert invalid(future) == ["entered_on"]
    assert acute.status_code == 201, acute.text
    assert acute.json()["phase"] == "acute"
    assert invalid(back) == ["reason"]
    assert explained.status_code == 201, explained.text
    assert [h["phase"] for h in explained.json()["history"]] == [
        "initial_contact",
        "acute",
        "long_term",
    ]
    assert other.status_code == 403
    where = f"WHERE key = '{case_id}' AND event_type = 'followup.phase_changed'"
    assert await count_events(embedded_platform.runtime("followup"), where) == 2


async def test_a_case_in_the_acute_phase_past_its_expected_length_is_listed(
    embedded_platform: RunningPlatform,
) -> None:
    stuck = await followed_case(embedded_platform)
    fresh = await followed_case(embedded_platform)
    followup = embedded_platform.clients["followup"]
    for case_id in (stuck, fresh):
        moved = await followup.post(
            f"/cases/{case_id}/phases",
            json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        )
        assert moved.status_code == 201, moved.text
    # Five weeks pass for one of them: seed 000 expects 1-4 weeks.
    async with embedded_platform.runtime("followup").engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE followup_phase_entry SET entered_on = :day "
                "WHERE case_id = :case AND phase = 'acute'"
            ),
            {"day": today_in_sweden() - timedelta(weeks=5), "case": stuck},
        )

    listed = await followup.get("/phases/acute-overdue")
    other = await embedded_platform.get_as("social-lund", "followup", "/phases/acute-overdue")

    assert listed.status_code == 200, listed.text
    assert [(p["case_id"], p["acute_overdue"]) for p in listed.json()] == [(stuck, True)]
    assert other.json() == []


async def _police_see_the_case_reference(platform: RunningPlatform, case_id: str) -> None:
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "police"}],
            "categories": ["case_ref"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Synthetic consent form, case reference",
        },
    )
    assert given.status_code == 201, given.text

    async def known() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(platform.runtime("followup"), "access_consent", where) >= 1

    assert await wait_until(known)


async def test_acute_overdue_pages_count_only_the_cases_shown_and_only_those_are_audited(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    followup = platform.clients["followup"]
    hidden = await followed_case(platform, consents=[])
    shown = await followed_case(platform, consents=[])
    await _police_see_the_case_reference(platform, shown)
    for case_id in (hidden, shown):
        moved = await followup.post(
            f"/cases/{case_id}/phases",
            json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        )
        assert moved.status_code == 201, moved.text
    # The case police may not see has been stuck longest, so it comes first.
    async with platform.runtime("followup").engine.begin() as connection:
        for case_id, weeks in ((hidden, 8), (shown, 5)):
            await connection.execute(
                text(
                    "UPDATE followup_phase_entry SET entered_on = :day "
                    "WHERE case_id = :case AND phase = 'acute'"
                ),
                {"day": today_in_sweden() - timedelta(weeks=weeks), "case": case_id},
            )
    audited = f"WHERE case_id = '{hidden}'"
    before = await count_rows(platform.runtime("followup"), "audit_log", audited)

    first_page = await followup.get(
        "/phases/acute-overdue", params={"limit": 1}, headers=platform.auth("police-syd")
    )

    assert first_page.status_code == 200, first_page.text
    assert [p["case_id"] for p in first_page.json()] == [shown]
    assert await count_rows(platform.runtime("followup"), "audit_log", audited) == before


async def test_only_a_commissioned_provider_reports_and_each_reads_back_only_its_own(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    uncommissioned = await followed_case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    await commission(embedded_platform, case_id, CONTACT)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/provider-reports"

    def as_provider(provider: str) -> dict[str, str]:
        return embedded_platform.auth(PROVIDER_CLIENT[provider])

    housing = await followup.post(path, json=report(), headers=as_provider(HOUSING))
    contact = await followup.post(
        path, json=report(schedule="Weekly walk and talk"), headers=as_provider(CONTACT)
    )
    elsewhere = await followup.post(
        f"/cases/{uncommissioned}/provider-reports", json=report(), headers=as_provider(HOUSING)
    )
    housing_reads = await followup.get(path, headers=as_provider(HOUSING))
    contact_reads = await followup.get(path, headers=as_provider(CONTACT))
    social_reads = await followup.get(path)
    police = await followup.get(path, headers=embedded_platform.auth("police-syd"))

    assert housing.status_code == 201, housing.text
    assert contact.status_code == 201, contact.text
    assert elsewhere.status_code == 403
    assert [r["report_id"] for r in housing_reads.json()] == [housing.json()["report_id"]]
    assert [r["schedule"] for r in contact_reads.json()] == ["Weekly walk and talk"]
    assert len(social_reads.json()) == 2
    assert police.status_code == 403
    stored = await count_rows(
        embedded_platform.runtime("followup"),
        "followup_provider_report",
        f"WHERE case_id = '{uncommissioned}'",
    )
    assert stored == 0


async def test_a_report_dated_in_the_future_or_with_a_negative_length_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/provider-reports"
    headers = embedded_platform.auth(PROVIDER_CLIENT[HOUSING])
    tomorrow = (today_in_sweden() + timedelta(days=1)).isoformat()

    future = await followup.post(
        path,
        json=report(contacts=[{"kind": "phone", "on": tomorrow, "minutes": 10}]),
        headers=headers,
    )
    negative = await followup.post(
        path,
        json=report(
            contacts=[{"kind": "phone", "on": today_in_sweden().isoformat(), "minutes": -5}]
        ),
        headers=headers,
    )
    next_week = await followup.post(path, json=report(week_starting=tomorrow), headers=headers)

    assert invalid(future) == ["contacts.0.on"]
    assert invalid(negative) == ["contacts.0.minutes"]
    assert invalid(next_week) == ["week_starting"]


async def test_an_absence_ending_in_the_future_or_a_week_before_the_commission_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/provider-reports"
    headers = embedded_platform.auth(PROVIDER_CLIENT[HOUSING])
    absence = {
        "first_day": today_in_sweden().isoformat(),
        "last_day": "9999-12-31",
        "reason": "Ill",
    }

    open_ended = await followup.post(path, json=report(absences=[absence]), headers=headers)
    long_ago = await followup.post(path, json=report(week_starting="0001-01-01"), headers=headers)
    week_before = (today_in_sweden() - timedelta(days=today_in_sweden().weekday() + 7)).isoformat()
    before = await followup.post(path, json=report(week_starting=week_before), headers=headers)

    assert open_ended.headers["content-type"] == "application/problem+json"
    assert invalid(open_ended) == ["absences.0.last_day"]
    assert invalid(long_ago) == ["week_starting"]
    # Commissioned today: last week was over before the provider had the case.
    assert invalid(before) == ["week_starting"]


async def test_a_week_is_reported_once_and_a_retry_is_answered_with_the_first_report(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    followup = embedded_platform.clients["followup"]
    path = f"/cases/{case_id}/provider-reports"
    headers = embedded_platform.auth(PROVIDER_CLIENT[HOUSING])
    incident = {
        "occurred_on": today_in_sweden().isoformat(),
        "severity": "serious",
        "concerns_security": False,
        "description": "Used again over the weekend",
    }
    body = report(incidents=[incident])

    first = await followup.post(path, json=body, headers=headers)
    retry = await followup.post(path, json=body, headers=headers)
    other = await followup.post(path, json=body | {"schedule": "Evenings"}, headers=headers)

    assert first.status_code == 201, first.text
    assert retry.status_code == 200, retry.text
    assert retry.json() == first.json()
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    runtime = embedded_platform.runtime("followup")
    assert (
        await count_rows(runtime, "followup_provider_report", f"WHERE case_id = '{case_id}'") == 1
    )
    where = f"WHERE key = '{case_id}' AND event_type = 'followup.incident_reported'"
    assert await count_events(runtime, where) == 1


async def test_a_serious_incident_is_announced_and_a_minor_one_is_not(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await followed_case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    day = today_in_sweden().isoformat()
    incidents = [
        {
            "occurred_on": day,
            "severity": "serious",
            "concerns_security": True,
            "description": "Someone from the former network asked for the person at work",
        },
        {
            "occurred_on": day,
            "severity": "minor",
            "concerns_security": False,
            "description": "Came late to the group session",
        },
    ]

    reported = await embedded_platform.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=report(incidents=incidents),
        headers=embedded_platform.auth(PROVIDER_CLIENT[HOUSING]),
    )

    assert reported.status_code == 201, reported.text
    where = f"WHERE key = '{case_id}' AND event_type = 'followup.incident_reported'"
    assert await count_events(embedded_platform.runtime("followup"), where) == 1


async def test_a_report_listing_work_dated_before_the_commission_is_refused_naming_each_item(
    embedded_platform: RunningPlatform,
) -> None:
    # The provider reports its own work in the case, which begins with its commission
    # (PROCESS.md step 10): nothing it lists can have happened before that.
    case_id = await followed_case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    before = (today_in_sweden() - timedelta(days=1)).isoformat()

    sent = await embedded_platform.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=report(
            contacts=[{"kind": "meeting", "on": "1900-01-01", "minutes": 60}],
            treatment_sessions=[{"kind": "cbt", "on": before, "minutes": 60}],
            absences=[
                {
                    "first_day": "1900-01-01",
                    "last_day": today_in_sweden().isoformat(),
                    "reason": "Ill",
                }
            ],
        ),
        headers=embedded_platform.auth(PROVIDER_CLIENT[HOUSING]),
    )

    assert invalid(sent) == ["contacts.0.on", "treatment_sessions.0.on", "absences.0.first_day"]
    where = f"WHERE case_id = '{case_id}'"
    assert (
        await count_rows(embedded_platform.runtime("followup"), "followup_provider_report", where)
        == 0
    )
