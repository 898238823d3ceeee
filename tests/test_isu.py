"""ISU statistics: group-level figures for a period, with every small cell suppressed,
as JSON, CSV and charts (004 Del 2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

from avhopp_followup.domain.isu_catalogue import INTERVENTIONS, NEEDS
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_followup_phases_and_reports import (
    HOUSING,
    PROVIDER_CLIENT,
    commission,
    followed_case,
    invalid,
    report,
)


def period() -> dict[str, Any]:
    """Dated on the day it is called, so a run that crosses midnight stays right."""
    return {
        "first_day": (today_in_sweden() - timedelta(days=30)).isoformat(),
        "last_day": today_in_sweden().isoformat(),
    }


def released_counts(isu: dict[str, Any]) -> list[int]:
    """Every person count the report releases (totals included)."""
    groups = [isu["outcomes"], isu["relapse"], *isu["interventions"]]
    counts = [c["persons"] for g in groups for c in g["cells"]] + [g["total"] for g in groups]
    counts += [c["persons"] for c in isu["needs"]]
    counts += [m["persons"] for m in [isu["time_to_decision"], *isu["phase_durations"]]]
    return [n for n in counts if n is not None]


async def test_isu_releases_group_figures_and_suppresses_every_small_cell(
    embedded_platform: RunningPlatform,
) -> None:
    cases = [await followed_case(embedded_platform) for _ in range(12)]
    social, followup = embedded_platform.clients["social"], embedded_platform.clients["followup"]
    for case_id in cases[:7]:
        decided = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())
        assert decided.status_code == 201, decided.text
    for case_id in cases[:5]:
        await commission(embedded_platform, case_id, HOUSING)
        reported = await followup.post(
            f"/cases/{case_id}/provider-reports",
            json=report(),
            headers=embedded_platform.auth(PROVIDER_CLIENT[HOUSING]),
        )
        assert reported.status_code == 201, reported.text
        moved = await followup.post(
            f"/cases/{case_id}/phases",
            json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        )
        assert moved.status_code == 201, moved.text
    for case_id in cases[6:]:
        aborted = await followup.post(
            f"/cases/{case_id}/exit/abortion",
            json={
                "aborted_on": today_in_sweden().isoformat(),
                "reason": "Moved back",
                "social_support_continues": False,
            },
        )
        assert aborted.status_code == 201, aborted.text

    async def decisions_counted() -> bool:
        isu = (await followup.get("/statistics/isu", params=period())).json()
        return bool(isu["time_to_decision"]["persons"] == 7)

    assert await wait_until(decisions_counted)
    isu = (await followup.get("/statistics/isu", params=period())).json()
    outcomes = {c["label"]: c["persons"] for c in isu["outcomes"]["cells"]}
    interventions = {g["name"]: g for g in isu["interventions"]}
    housing = interventions.pop("protected_housing")
    phases = {m["label"]: m for m in isu["phase_durations"]}

    assert all(n >= 5 for n in released_counts(isu))
    # None completed: suppressed, and so is the smallest other (6 aborted, first of the
    # two sixes), or 12 - 6 would tell the zero.
    assert (isu["applications"], outcomes["ongoing"]) == (12, 6)
    assert outcomes["completed"] is None and outcomes["aborted"] is None
    # Decided for all 7 with a decision: released beside those 7, the total would tell
    # that nobody had another decision (7 - 7).
    assert housing["total"] is None
    assert all(c["persons"] is None for c in housing["cells"])  # 5 carried out, 2 not: 2 < 5
    # Every other intervention is listed too, none decided: suppressed like a small count.
    assert len(interventions) == len(INTERVENTIONS) - 1
    assert all(g["total"] is None for g in interventions.values())
    assert [c["label"] for c in isu["needs"]] == list(NEEDS)
    assert isu["time_to_decision"]["median_days"] == 0.0
    assert (phases["initial_contact"]["persons"], phases["acute"]["persons"]) == (5, None)

    lund = (
        await followup.get("/statistics/isu", params=period() | {"municipality": "Lund"})
    ).json()
    assert lund["applications"] is None and released_counts(lund) == []


async def test_isu_exports_csv_and_draws_its_charts(embedded_platform: RunningPlatform) -> None:
    for _ in range(6):
        await followed_case(embedded_platform)
    followup = embedded_platform.clients["followup"]

    exported = await followup.get("/statistics/isu.csv", params=period())
    drawn = await followup.get("/statistics/isu/charts/outcomes.svg", params=period())
    picture = await followup.get("/statistics/isu/charts/outcomes.png", params=period())

    assert exported.headers["content-type"].startswith("text/csv")
    rows = [line.split(",") for line in exported.text.strip().splitlines()]
    assert rows[0] == ["series", "label", "measure", "value", "suppressed"]
    # Six ongoing and none else: every outcome cell is suppressed, the total is not.
    assert ["outcomes", "total", "persons", "6", "false"] in rows
    assert ["outcomes", "completed", "persons", "", "true"] in rows
    assert ["outcomes", "ongoing", "persons", "", "true"] in rows
    assert drawn.headers["content-type"] == "image/svg+xml"
    chart = ElementTree.fromstring(drawn.text)  # well-formed
    assert chart.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(chart.findall("{http://www.w3.org/2000/svg}rect")) == 1  # the applications
    assert "suppressed" in drawn.text
    assert picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG\r\n\x1a\n") and len(picture.content) > 500


async def test_isu_is_for_social_services_and_refuses_a_period_that_ends_before_it_starts(
    embedded_platform: RunningPlatform,
) -> None:
    followup = embedded_platform.clients["followup"]
    backwards = await followup.get(
        "/statistics/isu",
        params={
            "first_day": today_in_sweden().isoformat(),
            "last_day": (today_in_sweden() - timedelta(days=1)).isoformat(),
        },
    )
    too_long = await followup.get(
        "/statistics/isu",
        params={
            "first_day": (today_in_sweden() - timedelta(days=400)).isoformat(),
            "last_day": today_in_sweden().isoformat(),
        },
    )
    police = await embedded_platform.get_as(
        "police-syd",
        "followup",
        "/statistics/isu?" + "&".join(f"{k}={v}" for k, v in period().items()),
    )

    assert invalid(backwards) == ["last_day"]
    assert invalid(too_long) == ["last_day"]
    assert police.status_code == 403


async def test_one_person_applying_again_five_times_is_one_person_in_isu(
    embedded_platform: RunningPlatform,
) -> None:
    # ISU is individual-based (004 Del 2): a cell counts persons, and one person's
    # re-applications (each linked to the case before) are one person, or a cell about
    # one person would be released as five.
    platform = embedded_platform
    followup = platform.clients["followup"]
    body = application_body()
    previous = None
    for _ in range(5):
        made = await platform.submit(body)
        assert made.status_code == 201, made.text
        case_id = made.json()["case_id"]
        assert made.json()["previous_case_id"] == previous
        previous = case_id
        await platform.eventually("followup", f"/cases/{case_id}/exit")
        moved = await followup.post(
            f"/cases/{case_id}/phases",
            json={"phase": "acute", "entered_on": today_in_sweden().isoformat()},
        )
        assert moved.status_code == 201, moved.text
        aborted = await followup.post(
            f"/cases/{case_id}/exit/abortion",
            json={
                "aborted_on": today_in_sweden().isoformat(),
                "reason": "Changed their mind",
                "social_support_continues": False,
            },
        )
        assert aborted.status_code == 201, aborted.text
    for _ in range(6):  # six other persons, their exits going on
        await followed_case(platform)

    isu = (await followup.get("/statistics/isu", params=period() | {"municipality": "1280"})).json()

    # Seven persons: six ongoing, one who aborted (five times over).
    assert isu["applications"] == 7, isu
    outcomes = {c["label"]: c for c in isu["outcomes"]["cells"]}
    assert outcomes["aborted"]["suppressed"] is True, outcomes
    initial = {m["label"]: m for m in isu["phase_durations"]}["initial_contact"]
    assert initial["suppressed"] is True, initial
