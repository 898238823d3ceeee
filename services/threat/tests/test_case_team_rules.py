"""Who counts as a member of a case's team for placement work (ACCESS.md, ``team``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avhopp_shared.access.policy_input import AccessState
from avhopp_shared.access.tables import TeamMemberRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_threat.service_layer.placement import on_case_team

CASE = "6f1d8a2e-0000-4000-8000-000000000001"
ADDED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TEAM = AccessState(
    team=[
        TeamMemberRow(
            case_id=CASE,
            agency="police",
            organisation="polisen-region-syd",
            user="samordnare-1",
            added_at=ADDED,
        )
    ]
)


def test_the_named_member_of_the_placement_unit_is_on_the_case_team() -> None:
    member = Caller("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-1")

    assert on_case_team(TEAM, member)


@pytest.mark.parametrize(
    "caller",
    [
        Caller("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-2"),
        Caller("police-nord", Agency.POLICE, "polisen-region-nord", "samordnare-1"),
        Caller("social-malmo", Agency.SOCIAL, "polisen-region-syd", "samordnare-1"),
        Caller("police-syd", Agency.POLICE, "polisen-region-syd"),
    ],
    ids=["a colleague", "another region", "another agency", "a client without a named user"],
)
def test_the_agency_a_colleague_or_a_machine_client_is_not_the_team(caller: Caller) -> None:
    assert not on_case_team(TEAM, caller)
    assert not on_case_team(AccessState(), caller)
