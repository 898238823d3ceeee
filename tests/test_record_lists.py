"""A list of a case's records shows no record the caller may see nothing of but its case.

ACCESS.md: police see nothing about health, finances, investigation or family.
An item carrying only the case reference, its category withheld, would still
tell police that such a record exists and how many there are (that the person
was screened for drinking, that aid was refused). Such items are left out.
"""

from __future__ import annotations

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_aid_decisions import decision
from tests.test_followup_phases_and_reports import followed_case


async def test_police_learn_neither_that_aid_was_refused_nor_how_often(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = (await platform.submit(application_body())).json()["case_id"]
    assert (await platform.eventually("social", f"/cases/{case_id}/investigation")).is_success
    social = platform.clients["social"]
    for _ in range(2):
        refused = await social.post(f"/cases/{case_id}/aid-decisions", json=decision("refused"))
        assert refused.status_code == 201, refused.text

    police = await platform.get_as("police-syd", "social", f"/cases/{case_id}/aid-decisions")
    own = await social.get(f"/cases/{case_id}/aid-decisions")

    # Police hold a consent to the case reference: the case is theirs to know of,
    # its decisions (ACCESS.md: "decisions", none for police) are not.
    assert (police.status_code, police.json()) == (200, [])
    assert len(own.json()) == 2


async def test_police_learn_nothing_of_the_follow_up_meetings_without_a_follow_up_consent(
    embedded_platform: RunningPlatform,
) -> None:
    platform = embedded_platform
    case_id = await followed_case(platform)
    followup = platform.clients["followup"]
    planned = await followup.post(
        f"/cases/{case_id}/meetings",
        json={"kind": "review", "scheduled_on": today_in_sweden().isoformat()},
    )
    assert planned.status_code == 201, planned.text

    police = await platform.get_as("police-syd", "followup", f"/cases/{case_id}/meetings")

    assert (police.status_code, police.json()) == (200, [])
