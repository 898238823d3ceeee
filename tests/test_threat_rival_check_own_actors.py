"""The rival check exists "to avoid placing rival individuals in the same town" (004 Del 2,
"Polisens placeringsbedömning"). A town where a threat actor of a network threatening the
person lives is flagged also when the actor is named in the person's own assessment: that
is the very person the town is proposed for."""

from __future__ import annotations

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.platform import RunningPlatform
from tests.test_placement import name_to_team, towns
from tests.test_threat_assessments import assessment, known_case

MALMO, LUND = "1280", "1281"


async def test_a_town_where_the_persons_own_threat_actor_lives_is_flagged(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await known_case(p)
    await name_to_team(p, case_id)
    threat = p.clients["threat"]
    actor = {"name": "Person A", "network": "Nätverk 017", "resides_in": MALMO}
    assessed = await threat.post(
        f"/cases/{case_id}/threat-assessments",
        json=assessment("high", threat_actors=[actor], networks=["Nätverk 017"]),
    )
    assert assessed.status_code == 201, assessed.text

    judged = await threat.post(
        f"/cases/{case_id}/placement-assessments", json=towns((MALMO, True), (LUND, True))
    )
    adhoc = await threat.get(f"/cases/{case_id}/rival-check", params={"towns": [MALMO, LUND]})

    assert judged.status_code == 201, judged.text
    assert adhoc.status_code == 200, adhoc.text
    for answer in (judged, adhoc):
        flags = [(f["municipality_code"], f["kinds"]) for f in answer.json()["rival_flags"]]
        assert flags == [(MALMO, ["resides"])]


async def test_the_persons_own_placement_never_flags_the_town_the_person_lives_in(
    embedded_platform: RunningPlatform,
) -> None:
    # The person's own former network, recorded where the person is placed, is the
    # person: no rival of theirs. Only other cases' placements count.
    p = embedded_platform
    case_id = await known_case(p)
    await name_to_team(p, case_id)
    threat = p.clients["threat"]
    await threat.post(
        f"/cases/{case_id}/threat-assessments",
        json=assessment("high", affiliations=["Nätverk 017"], networks=["Nätverk 017"]),
    )
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": LUND, "placed_on": today_in_sweden().isoformat()},
    )
    assert placed.status_code == 201, placed.text

    adhoc = await threat.get(f"/cases/{case_id}/rival-check", params={"towns": [LUND]})

    assert adhoc.status_code == 200, adhoc.text
    assert adhoc.json()["rival_flags"] == []
