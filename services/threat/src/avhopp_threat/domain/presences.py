"""Where a case puts networks on the map, for the rival checks: its placement for every
other case's, its threat actors' home towns for its own too.

Two kinds (see ``rival_check``): the person, once placed in a town, is tied
there to the networks they belonged to; each threat actor whose home town is
known puts their network there. Only the person's current assessment counts,
and only while the police case is open.
"""

from __future__ import annotations

from avhopp_threat.domain.rival_check import Presence
from avhopp_threat.domain.threat_assessment import ThreatAssessment


def presences_of(current: ThreatAssessment | None, placed_in: str | None) -> list[Presence]:
    if current is None:
        return []
    found = [
        Presence(network=actor.network, municipality_code=actor.resides_in, kind="resides")
        for actor in current.threat_actors
        if actor.network and actor.resides_in
    ]
    if placed_in is not None:
        found += [
            Presence(network=network, municipality_code=placed_in, kind="placed")
            for network in current.affiliations
        ]
    return found
