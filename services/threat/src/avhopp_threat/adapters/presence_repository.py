"""Network presences of open cases, and the rival check over them in one indexed query."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, bindparam, delete, insert, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_threat.adapters.presence_tables import NetworkPresenceRow
from avhopp_threat.domain.rival_check import (
    Presence,
    RivalFlag,
    normalise_network,
    rival_flags,
)

_presence: Table = NetworkPresenceRow.__table__  # type: ignore[attr-defined]

# Built once: the expanding IN parameters keep the statement cacheable
# whatever the number of towns and networks asked about. The town-and-network
# index answers the two IN lists. Of the asking case's own records only its
# placement is left out: where the person lives is the person, no rival of
# theirs. Its threat actors' home towns count as any other case's do: the check
# is there to keep the person away from whoever threatens them (004 Del 2,
# "Polisens placeringsbedömning"), and the person's own assessment is where
# those are named first. Grouping leaves at most one row per town, network and
# kind, and no case id leaves the database with a flag.
_RIVALS = (
    select(_presence.c.municipality_code, _presence.c.network, _presence.c.kind)
    .where(
        _presence.c.municipality_code.in_(bindparam("codes", expanding=True)),
        _presence.c.network.in_(bindparam("networks", expanding=True)),
        or_(_presence.c.case_id != bindparam("case_id"), _presence.c.kind == "resides"),
    )
    .group_by(_presence.c.municipality_code, _presence.c.network, _presence.c.kind)
)
# The one statement that takes case ids out of the database: the cases where a
# protected person tied to one of the networks is placed in one of the towns.
# A ``placed`` flag discloses that case's new home town (its
# ``protected_location``, ACCESS.md), so that case's audit trail and owner must
# hear of it; the ids go there and never into an answer.
_PLACED_CASES = (
    select(_presence.c.case_id)
    .where(
        _presence.c.municipality_code.in_(bindparam("codes", expanding=True)),
        _presence.c.network.in_(bindparam("networks", expanding=True)),
        _presence.c.kind == "placed",
        _presence.c.case_id != bindparam("case_id"),
    )
    .distinct()
    .order_by(_presence.c.case_id)
)
_INSERT = insert(_presence)
_FORGET = delete(_presence).where(_presence.c.case_id == bindparam("case_id"))


class PresenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, case_id: str, presences: Iterable[Presence]) -> None:
        """The case's presences as now known: replaces what the case had recorded.

        Replacing (rather than adding) keeps a redelivered event harmless.
        """
        rows = list(
            dict.fromkeys(
                (normalise_network(presence.network), presence.municipality_code, presence.kind)
                for presence in presences
            )
        )
        connection = await self._session.connection()
        await connection.execute(_FORGET, {"case_id": case_id})
        if rows:
            await connection.execute(
                _INSERT,
                [
                    {
                        "case_id": case_id,
                        "network": network,
                        "municipality_code": code,
                        "kind": kind,
                    }
                    for network, code, kind in rows
                ],
            )

    async def forget_case(self, case_id: str) -> int:
        """A closed case no longer places anyone anywhere; the number of rows removed."""
        connection = await self._session.connection()
        result = await connection.execute(_FORGET, {"case_id": case_id})
        return int(result.rowcount)

    async def rival_flags(
        self, case_id: str, proposed_codes: Iterable[str], rival_networks: Iterable[str]
    ) -> list[RivalFlag]:
        """The proposed towns where one of these networks is present: placed through
        another open case, or residing through any open case, this one too."""
        codes = list(dict.fromkeys(code.strip() for code in proposed_codes))
        networks = list(rival_networks)
        normalised = list(dict.fromkeys(normalise_network(name) for name in networks))
        if not codes or not normalised:
            return []
        connection = await self._session.connection()
        result = await connection.execute(
            _RIVALS, {"codes": codes, "networks": normalised, "case_id": case_id}
        )
        found = [
            Presence(network=network, municipality_code=code, kind=kind)
            for code, network, kind in result.all()
        ]
        # The database narrowed the rows down; the domain rule shapes the flags,
        # so that the SQL and the pure rule cannot drift apart.
        return rival_flags(codes, networks, found)

    async def placed_cases(
        self, case_id: str, codes: Iterable[str], rival_networks: Iterable[str]
    ) -> list[str]:
        """The other open cases whose protected person, tied to one of these networks, is
        placed in one of these towns: whose ``protected_location`` a ``placed`` flag
        discloses. For their audit trail and alert only, never for an answer."""
        towns = list(dict.fromkeys(code.strip() for code in codes))
        normalised = list(dict.fromkeys(normalise_network(name) for name in rival_networks))
        if not towns or not normalised:
            return []
        connection = await self._session.connection()
        result = await connection.execute(
            _PLACED_CASES, {"codes": towns, "networks": normalised, "case_id": case_id}
        )
        return [str(found) for found in result.scalars().all()]
