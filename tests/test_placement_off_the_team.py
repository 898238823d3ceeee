"""Off the case team, a placed person cannot be told from one not yet placed."""

from __future__ import annotations

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform
from tests.test_placement import name_to_team
from tests.test_threat_assessments import known_case


async def test_an_officer_off_the_team_gets_the_same_answer_for_a_placed_and_an_unplaced_case(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    placed = await known_case(p)
    await name_to_team(p, placed)  # the placement unit
    recorded = await p.clients["threat"].post(
        f"/cases/{placed}/placement",
        json={"municipality": "2480", "placed_on": today_in_sweden().isoformat()},
    )
    assert recorded.status_code == 201, recorded.text
    unplaced = await known_case(p)
    await name_to_team(p, unplaced)

    # Same region, on neither team; the person's consent opens the case reference.
    answers = [
        await p.get_as("police-syd-2", "threat", f"/cases/{case}/placement")
        for case in (placed, unplaced)
    ]

    # Whether the person is placed at all is the placement's own news, the team's
    # alone (ACCESS.md, protected_location): a read showing the case reference
    # alone is the 404 of a case not yet placed.
    assert [a.status_code for a in answers] == [404, 404], [a.text for a in answers]
    first, second = ({k: v for k, v in a.json().items() if k != "instance"} for a in answers)
    assert first == second, (first, second)
