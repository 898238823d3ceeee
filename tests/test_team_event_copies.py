"""Who is told that someone was named to the case team (access.copy_rules)."""

from __future__ import annotations

import json
from pathlib import Path

from avhopp_shared.access.copy_rules import TEAM_CELLS
from tests.fixtures.platform import RunningPlatform
from tests.test_access_alert_copies import _copies
from tests.test_social_municipality import social_case

MATRIX = Path(__file__).parents[1] / "policies" / "data" / "matrix.json"

#: A provider of contact persons: it runs no housing, and the board decided nothing for it.
CONTACT_PERSON = {"agency": "provider", "organisation": "kontaktpersoner-ab", "user": "kp-1"}
PROBATION_OFFICER = {"agency": "probation", "organisation": "kvv-malmo", "user": "kvv-1"}
CASEWORKER = {"agency": "social", "organisation": "1280", "user": "socialsekreterare-2"}


async def _police_copies(platform: RunningPlatform, event_type: str) -> list[dict[str, str]]:
    copies = await _copies(platform.runtime("intake"), event_type)
    return [c for c in copies.get("for-police", []) if c.get("organisation")]


async def test_naming_a_provider_to_the_team_does_not_tell_police_who_works_with_the_person(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)  # with the usual consent to police
    team = f"/cases/{case_id}/team-members"
    for member in (CONTACT_PERSON, PROBATION_OFFICER):
        added = await p.clients["intake"].post(team, json=member)
        assert added.status_code == 201, added.text
    removed = await p.clients["intake"].post(f"{team}/removal", json=CONTACT_PERSON)
    assert removed.status_code == 200, removed.text

    # Which provider works with the person is `interventions`, "-" for police
    # (ACCESS.md); README: "a disclosure decision for a treatment provider never
    # tells police who treats the person". Neither membership is decided on by
    # police's services: only police and social services have a "team" cell.
    assert await _police_copies(p, "case.team_member_added") == []
    assert await _police_copies(p, "case.team_member_removed") == []


async def test_naming_a_social_services_caseworker_to_the_team_still_tells_police(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)
    added = await p.clients["intake"].post(f"/cases/{case_id}/team-members", json=CASEWORKER)
    assert added.status_code == 201, added.text

    # Police's placement service lets the caseworker read the new home town by the team.
    police = await _police_copies(p, "case.team_member_added")
    assert [(c["agency"], c["user"]) for c in police] == [("social", "socialsekreterare-2")]


def test_the_team_cells_the_copy_rules_know_are_those_of_the_matrix() -> None:
    # A municipality changing a "team" cell in the matrix must change the copy rule too.
    matrix = json.loads(MATRIX.read_text())["matrix"]
    cells: dict[str, set[str]] = {}
    for category, row in matrix.items():
        for agency, cell in row.items():
            if cell == "team":
                cells.setdefault(agency, set()).add(category)
    assert {agency: set(c) for agency, c in TEAM_CELLS.items()} == cells
