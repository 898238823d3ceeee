"""The municipality of stay gives acute help, nothing more (2 a kap. 2-3 §§ SoL).

The responsible municipality answers for the case: it investigates, plans,
assesses, opens its records on a legal basis and records how the exit ends.
The municipality of stay acts only in an acute situation: aid such as
protected housing or financial aid while the person waits, the provider that
carries it out, a concern for a child, break-glass in acute danger.
"""

from __future__ import annotations

from typing import Any

import pytest

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import STAY, _as, _case_with_a_stay, _legal_bases, _legal_basis
from tests.test_followup_phases_and_reports import followed_case
from tests.test_social_municipality import social_case

MALMO, LUND = "1280", "1281"
UMEA_CASEWORKER = {"agency": "social", "organisation": STAY, "user": "socialsekreterare-7"}

#: What only the responsible municipality does in social services: the investigation
#: (11 kap. 1 § SoL), its instruments, and the plan made after the decision.
RESPONSIBLE_ONLY = [
    "investigation/scope",
    "screenings",
    "needs-mappings",
    "health-results",
    "risk-results",
    "linked-investigations",
    "action-plans",
]
#: The acute help the municipality of stay gives.
ACUTE_HELP = ["aid-decisions", "commissions", "children"]


async def _case_staying_in_lund(platform: RunningPlatform) -> str:
    case_id = await social_case(platform)
    stay = await platform.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    assert stay.status_code == 201, stay.text
    return case_id


async def test_the_municipality_of_stay_records_no_legal_basis_for_the_responsible_ones_records(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_with_a_stay(p)  # Malmö's case; Umeå is the stay
    intake, path = p.clients["intake"], f"/cases/{case_id}/legal-bases"
    body = _legal_basis({"agency": "police"}, ["case_ref", "identity"])

    by_the_stay = await intake.post(path, json=body, headers=_as(p, UMEA_CASEWORKER))
    police_after_the_stay = await p.get_as("police-syd", "intake", f"/cases/{case_id}")
    by_the_responsible = await intake.post(path, json=body)

    assert by_the_stay.status_code == 403, by_the_stay.text
    assert police_after_the_stay.status_code == 404, police_after_the_stay.text
    assert by_the_responsible.status_code == 201, by_the_responsible.text
    assert await _legal_bases(p, case_id) == 1


async def test_the_municipality_of_stay_records_neither_that_the_exit_was_aborted_nor_its_closing(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_with_a_stay(p)  # Malmö's case; Umeå is the stay

    async def followup_knows_the_stay() -> bool:
        where = f"WHERE case_id = '{case_id}' AND stay = '{STAY}'"
        return await count_rows(p.runtime("followup"), "access_responsibility", where) == 1

    assert await wait_until(followup_knows_the_stay)
    followup, umea = p.clients["followup"], _as(p, UMEA_CASEWORKER)
    day = today_in_sweden().isoformat()
    abort = {"aborted_on": day, "reason": "Moved on", "social_support_continues": False}
    closing = {"conversation_on": day, "person_view": "Glad it is over"}

    aborted_by_the_stay = await followup.post(
        f"/cases/{case_id}/exit/abortion", json=abort, headers=umea
    )
    read_by_the_stay = await followup.get(f"/cases/{case_id}/exit", headers=umea)
    aborted = await followup.post(f"/cases/{case_id}/exit/abortion", json=abort)
    closed_by_the_stay = await followup.post(
        f"/cases/{case_id}/exit/closing", json=closing, headers=umea
    )
    closed = await followup.post(f"/cases/{case_id}/exit/closing", json=closing)

    assert aborted_by_the_stay.status_code == 403, aborted_by_the_stay.text
    # It still reads the case: it may have to act in it acutely.
    assert read_by_the_stay.status_code == 200, read_by_the_stay.text
    assert read_by_the_stay.json()["status"] == "ongoing"
    assert aborted.status_code == 201, aborted.text
    assert closed_by_the_stay.status_code == 403, closed_by_the_stay.text
    assert closed.status_code == 201, closed.text
    assert closed.json()["person_view"] == "Glad it is over"


@pytest.mark.parametrize("record", RESPONSIBLE_ONLY)
async def test_the_municipality_of_stay_neither_investigates_nor_plans_the_responsible_ones_case(
    embedded_platform: RunningPlatform, record: str
) -> None:
    p = embedded_platform
    case_id = await _case_staying_in_lund(p)
    social, path = p.clients["social"], f"/cases/{case_id}/{record}"

    # An empty body: refused for what it is (422) once the caller may write here at all.
    by_the_stay = await social.post(path, json={}, headers=p.auth("social-lund"))
    by_the_responsible = await social.post(path, json={})

    assert by_the_stay.status_code == 403, by_the_stay.text
    assert by_the_responsible.status_code == 422, by_the_responsible.text


@pytest.mark.parametrize("record", ACUTE_HELP)
async def test_the_municipality_of_stay_still_gives_acute_help(
    embedded_platform: RunningPlatform, record: str
) -> None:
    p = embedded_platform
    case_id = await _case_staying_in_lund(p)

    by_the_stay = await p.clients["social"].post(
        f"/cases/{case_id}/{record}", json={}, headers=p.auth("social-lund")
    )

    # Past the municipality check: only the empty body is refused.
    assert by_the_stay.status_code == 422, by_the_stay.text


async def test_the_municipality_of_stay_reports_a_concern_for_a_child_but_the_responsible_one_assesses_it(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_staying_in_lund(p)
    social, lund = p.clients["social"], p.auth("social-lund")
    child: dict[str, Any] = {
        "birth_year": today_in_sweden().year - 6,
        "lives_with_person": True,
        "concern": "Has been kept home from preschool since the threat was made",
    }

    reported = await social.post(f"/cases/{case_id}/children", json=child, headers=lund)
    assert reported.status_code == 201, reported.text
    task_id = reported.json()["task_id"]
    assert task_id is not None
    done_by_the_stay = await social.post(f"/tasks/{task_id}/completion", headers=lund)
    done = await social.post(f"/tasks/{task_id}/completion")

    assert done_by_the_stay.status_code == 403, done_by_the_stay.text
    assert done.status_code == 200, done.text
    assert done.json()["done_at"] is not None


async def test_the_municipality_of_stay_neither_schedules_nor_holds_follow_up_meetings_nor_moves_phases(
    embedded_platform: RunningPlatform,
) -> None:
    # Following up the exit (PROCESS.md step 11) is the responsible municipality's.
    p = embedded_platform
    case_id = await followed_case(p)
    stay = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    assert stay.status_code == 201, stay.text

    async def followup_knows_the_stay() -> bool:
        where = f"WHERE case_id = '{case_id}' AND stay = '{LUND}'"
        return await count_rows(p.runtime("followup"), "access_responsibility", where) == 1

    assert await wait_until(followup_knows_the_stay)
    followup, lund = p.clients["followup"], p.auth("social-lund")
    meetings, phases = f"/cases/{case_id}/meetings", f"/cases/{case_id}/phases"
    day = today_in_sweden().isoformat()
    meeting = {"kind": "security_follow_up", "scheduled_on": day}
    held = {"held_on": day, "notes": "No sign the new town is known"}
    acute = {"phase": "acute", "entered_on": day}

    scheduled_by_the_stay = await followup.post(meetings, json=meeting, headers=lund)
    scheduled = await followup.post(meetings, json=meeting)
    assert scheduled.status_code == 201, scheduled.text
    meeting_id = scheduled.json()["meeting_id"]
    held_by_the_stay = await followup.post(f"{meetings}/{meeting_id}/held", json=held, headers=lund)
    phase_by_the_stay = await followup.post(phases, json=acute, headers=lund)
    read_by_the_stay = await followup.get(meetings, headers=lund)
    held_by_the_responsible = await followup.post(f"{meetings}/{meeting_id}/held", json=held)
    phase_by_the_responsible = await followup.post(phases, json=acute)

    assert scheduled_by_the_stay.status_code == 403, scheduled_by_the_stay.text
    assert held_by_the_stay.status_code == 403, held_by_the_stay.text
    assert phase_by_the_stay.status_code == 403, phase_by_the_stay.text
    # It still reads them: it may have to act in the case acutely.
    assert read_by_the_stay.status_code == 200, read_by_the_stay.text
    assert [m["held_on"] for m in read_by_the_stay.json()] == [None]
    assert held_by_the_responsible.status_code == 200, held_by_the_responsible.text
    assert phase_by_the_responsible.status_code == 201, phase_by_the_responsible.text
    assert phase_by_the_responsible.json()["phase"] == "acute"
