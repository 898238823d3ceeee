"""The rival check: may a proposed town bring the person near a rival or threat actor?

A placement assessment exists "to avoid placing rival individuals in the same
town or revealing the person's location" (Socialstyrelsen, "Arbeta med
avhoppare", Del 2, "Polisens placeringsbedömning"). The check compares the
towns proposed for one case with the criminal networks recorded across all
open police cases: a proposed town is flagged where a protected person tied
to one of the case's rival networks is placed, or where a threat actor of
such a network resides.

A flag names the town, the kinds of presence found there and which of the
asking case's *own* rival networks it concerns, never the other case: telling
who else is placed in a town would itself reveal a protected person's
location. :class:`Presence` therefore carries no case at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipalities import UnknownMunicipality, is_municipality_code

PresenceKind = Literal["placed", "resides"]
"""``placed``: a protected person of some case is placed there; ``resides``: a
threat actor of the network lives there."""
PRESENCE_KINDS: tuple[PresenceKind, ...] = get_args(PresenceKind)
MAX_NETWORK_NAME = 200
MAX_PROPOSED_TOWNS = 10
"""The most towns one check may name. A placement assessment weighs a handful of
towns for one person; a check over many more would sweep the country for where
other cases' protected persons are placed, the ``protected_location`` ACCESS.md
keeps to each case's named team."""


def normalise_network(name: str) -> str:
    """The form networks are compared (and stored) in: trimmed, NFC, case-folded."""
    # NFC on both sides of casefold, so that normalising twice changes nothing.
    key = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())
    if not key:
        raise InvalidInput("network", "a network name is blank")
    if len(key) > MAX_NETWORK_NAME:
        raise InvalidInput("network", f"a network name is longer than {MAX_NETWORK_NAME}")
    return key


class TooManyTownsProposed(InvalidInput):
    """A check naming more towns than a placement assessment weighs (``MAX_PROPOSED_TOWNS``)."""

    def __init__(self, field: str) -> None:
        super().__init__(
            field,
            f"one rival check names at most {MAX_PROPOSED_TOWNS} towns, "
            "as many as a placement assessment weighs",
        )


def proposed_towns(codes: Iterable[str], field: str = "towns") -> list[str]:
    """The towns one check looks at, each once, in the order proposed; more than
    ``MAX_PROPOSED_TOWNS`` is refused (:class:`TooManyTownsProposed` naming ``field``)."""
    proposed = list(dict.fromkeys(code.strip() for code in codes))
    if len(proposed) > MAX_PROPOSED_TOWNS:
        raise TooManyTownsProposed(field)
    return proposed


@dataclass(frozen=True, slots=True)
class Presence:
    """One network's presence in one town, as recorded by some open police case."""

    network: str
    municipality_code: str
    kind: PresenceKind

    def __post_init__(self) -> None:
        normalise_network(self.network)
        if not is_municipality_code(self.municipality_code):
            raise UnknownMunicipality(self.municipality_code)
        if self.kind not in PRESENCE_KINDS:
            raise InvalidInput("kind", f"not one of {', '.join(PRESENCE_KINDS)}")


@dataclass(frozen=True, slots=True)
class RivalFlag:
    """A proposed town in conflict: which of the case's own rival networks, and how."""

    municipality_code: str
    networks: tuple[str, ...]
    kinds: tuple[PresenceKind, ...]


def rival_flags(
    proposed_codes: Iterable[str],
    rival_networks: Iterable[str],
    presences: Iterable[Presence],
) -> list[RivalFlag]:
    """The proposed towns where a rival network is present, in the order proposed.

    ``presences`` are the open cases' records, less the asking case's own
    ``placed`` ones (left out by whoever gathers them: where the person lives
    is no rival of the person's). Network names match case-insensitively and
    trimmed; a flag names them as the asking case spelt them (trimmed).
    """
    proposed = list(dict.fromkeys(code.strip() for code in proposed_codes))
    spelling: dict[str, str] = {}
    for name in rival_networks:
        spelling.setdefault(normalise_network(name), name.strip())
    wanted = set(proposed)
    found: dict[str, tuple[set[str], set[PresenceKind]]] = {}
    for presence in presences:
        network = normalise_network(presence.network)
        if presence.municipality_code in wanted and network in spelling:
            networks, kinds = found.setdefault(presence.municipality_code, (set(), set()))
            networks.add(network)
            kinds.add(presence.kind)
    return [
        RivalFlag(
            municipality_code=code,
            networks=tuple(spelling[network] for network in sorted(found[code][0])),
            kinds=tuple(kind for kind in PRESENCE_KINDS if kind in found[code][1]),
        )
        for code in proposed
        if code in found
    ]
