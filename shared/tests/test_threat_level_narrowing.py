"""The gate hands the person's threat level to the policy: at high, the new home town
narrows to the case team (policies/access/threat_level.rego)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import AccessState, Owner
from avhopp_shared.access.tables import TeamMemberRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.settings import ServiceSettings

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
# A provider reading the record of the protected housing it runs: its own record.
PROVIDER = Caller("provider-demo", Agency.PROVIDER, "skyddat-boende-ab", "u-40")
GATE = DisclosureGate(
    policy_engine(ServiceSettings()), platform_catalogue(), Owner("provider", "skyddat-boende-ab")
)


def _outcome(state: AccessState) -> tuple[str, str]:
    decision = GATE.decision(
        recipient=PROVIDER,
        purpose="intervention",
        case_id="case-1",
        categories=["protected_location"],
        state=state,
        now=NOW,
    )
    if "protected_location" in decision.allowed:
        return "allowed", decision.allowed["protected_location"].rule
    return "withheld", decision.withheld["protected_location"]


@pytest.mark.parametrize("level", [None, "none", "low"])
def test_below_a_high_threat_the_owner_reads_its_own_record(level: str | None) -> None:
    assert _outcome(AccessState(threat_level=level)) == ("allowed", "own")


def test_at_a_high_threat_the_owner_off_the_team_reads_it_no_more() -> None:
    assert _outcome(AccessState(threat_level="high")) == (
        "withheld",
        "narrowed to the case team at high threat",
    )


def test_at_a_high_threat_a_named_team_member_still_reads_it() -> None:
    member = TeamMemberRow(
        case_id="case-1",
        agency="provider",
        organisation="skyddat-boende-ab",
        user="u-40",
        added_at=NOW,
    )

    assert _outcome(AccessState(team=[member], threat_level="high")) == ("allowed", "team")
