"""A single read of a police record answers the 404 of a case police never assessed when
the reader would be shown its case reference alone: that police hold a threat assessment
is itself threat data (ACCESS.md, "Data categories"; matrix: threat is ``consent`` for
social services), as the existence of a case is ``case_ref``."""

from __future__ import annotations

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_disclosure import UNKNOWN, assert_same_not_found
from tests.test_police_case import _open_case
from tests.test_threat_assessments import assessment, known_case

READS = ("/cases/{}/threat-assessments/current", "/cases/{}/threat-assessment-task")


async def consent_social_to(platform: RunningPlatform, case_id: str, *categories: str) -> None:
    """The person lets social services read police's records of ``categories`` and the
    case reference; returns once the threat service holds the consent."""
    runtime = platform.runtime("threat")
    where = f"WHERE case_id = '{case_id}'"
    before = await count_rows(runtime, "access_consent", where)
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "social"}],
            "categories": ["case_ref", *categories],
            "purposes": ["investigation"],
            "method": "written",
            "document_reference": "Synthetic consent form, police records",
        },
    )
    assert given.status_code == 201, given.text

    async def known() -> bool:
        return await count_rows(runtime, "access_consent", where) > before

    assert await wait_until(known)


async def test_a_reader_without_the_threat_category_cannot_tell_an_assessed_case_from_an_unassessed_one(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    assessed = await known_case(p)
    unassessed = await known_case(p)
    recorded = await p.clients["threat"].post(
        f"/cases/{assessed}/threat-assessments", json=assessment("high")
    )
    assert recorded.status_code == 201, recorded.text
    for case_id in (assessed, unassessed):
        await consent_social_to(p, case_id, "protective_measures")

    for path in READS:
        hidden = await p.get_as("social-malmo", "threat", path.format(assessed))
        never = await p.get_as("social-malmo", "threat", path.format(unassessed))
        absent = await p.get_as("social-malmo", "threat", path.format(UNKNOWN))

        # Pending or assessed, with an assessment or without: the same 404 as a case
        # police never heard of.
        assert_same_not_found(hidden, absent, assessed)
        assert_same_not_found(never, absent, unassessed)


async def test_the_police_case_stays_visible_to_a_reader_of_its_reference_alone(
    embedded_platform: RunningPlatform,
) -> None:
    # The police case is case_ref data (catalogue): its status is no threat data.
    p = embedded_platform
    case_id = await _open_case(p)
    await consent_social_to(p, case_id, "protective_measures")

    police_case = await p.get_as("social-malmo", "threat", f"/cases/{case_id}/police-case")

    assert police_case.status_code == 200, police_case.text
    assert police_case.json()["status"] == "open"


async def test_a_reader_with_the_threat_category_reads_the_current_assessment_and_the_task(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)
    recorded = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert recorded.status_code == 201, recorded.text
    await consent_social_to(p, case_id, "threat")

    current = await p.get_as("social-malmo", "threat", READS[0].format(case_id))
    task = await p.get_as("social-malmo", "threat", READS[1].format(case_id))

    assert (current.status_code, current.json()["level"]) == (200, "high"), current.text
    assert (task.status_code, task.json()["status"]) == (200, "assessed"), task.text
