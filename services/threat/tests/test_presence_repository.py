"""The rival check's repository on both supported databases, migrated by the service's own scripts."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import avhopp_threat
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.municipalities import all_municipalities
from avhopp_threat.adapters.presence_repository import PresenceRepository
from avhopp_threat.domain.rival_check import Presence, PresenceKind, RivalFlag, rival_flags
from tests.fixtures.postgres import CreateDatabases

MIGRATIONS = Path(avhopp_threat.__file__).parent / "migrations"
TOWN_NETWORK_INDEX = "ix_threat_network_presence_town_network"
MALMO, LUND, KIRUNA, UMEA, VISBY = "1280", "1281", "2584", "2480", "0980"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="module", params=BACKENDS)
async def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncEngine]:
    """One throwaway database per backend for this module, built by the service's migrations."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('presence') / 'threat.db'}"
    else:
        create: CreateDatabases = request.getfixturevalue("create_pg_databases")
        url = create(["threat"])["threat"]
    database = create_engine(url)
    try:
        await upgrade_to_head(database, MIGRATIONS)
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on an emptied table: each test sees only what it recorded."""
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM threat_network_presence"))
    return session_factory(engine)


def _case() -> str:
    return str(uuid.uuid4())


async def _record(
    sessions: async_sessionmaker[AsyncSession], case_id: str, *presences: Presence
) -> None:
    async with sessions() as session:
        await PresenceRepository(session).record(case_id, presences)
        await session.commit()


async def _check(
    sessions: async_sessionmaker[AsyncSession],
    case_id: str,
    towns: list[str],
    networks: list[str],
) -> list[RivalFlag]:
    async with sessions() as session:
        return await PresenceRepository(session).rival_flags(case_id, towns, networks)


async def test_a_town_where_a_rival_network_resides_is_flagged_without_naming_the_other_case(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    asking, other = _case(), _case()
    await _record(sessions, other, Presence("Nätverk 017", KIRUNA, "resides"))
    flags = await _check(sessions, asking, [MALMO, KIRUNA], ["Nätverk 017"])
    assert flags == [RivalFlag(KIRUNA, ("Nätverk 017",), ("resides",))]
    assert other not in repr(flags)


async def test_a_town_where_a_rival_networks_protected_person_is_placed_is_flagged(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    asking = _case()
    await _record(sessions, _case(), Presence("Nätverk 003", LUND, "placed"))
    await _record(sessions, _case(), Presence("Nätverk 003", LUND, "resides"))
    assert await _check(sessions, asking, [LUND, UMEA], ["Nätverk 003"]) == [
        RivalFlag(LUND, ("Nätverk 003",), ("placed", "resides"))
    ]


async def test_the_asking_cases_own_placement_never_flags_but_its_own_threat_actors_do(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Where the person is placed is the person, no rival of theirs; a threat actor
    # named in the person's own assessment lives where the person must not be
    # placed (004 Del 2, "Polisens placeringsbedömning").
    asking = _case()
    await _record(
        sessions,
        asking,
        Presence("Nätverk 017", MALMO, "placed"),
        Presence("Nätverk 017", KIRUNA, "resides"),
    )
    assert await _check(sessions, asking, [MALMO, KIRUNA], ["Nätverk 017"]) == [
        RivalFlag(KIRUNA, ("Nätverk 017",), ("resides",))
    ]
    # The same records flag both towns for any other case.
    assert [
        flag.municipality_code
        for flag in await _check(sessions, _case(), [MALMO, KIRUNA], ["Nätverk 017"])
    ] == [MALMO, KIRUNA]


async def test_networks_other_than_the_cases_rivals_and_towns_not_proposed_flag_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _record(
        sessions,
        _case(),
        Presence("Nätverk 099", MALMO, "resides"),
        Presence("Nätverk 017", VISBY, "resides"),
    )
    assert await _check(sessions, _case(), [MALMO, KIRUNA], ["Nätverk 017"]) == []


async def test_network_names_match_whatever_their_case_and_surrounding_space(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _record(sessions, _case(), Presence("  NÄTVERK 017 ", UMEA, "resides"))
    assert await _check(sessions, _case(), [UMEA], ["nätverk 017"]) == [
        RivalFlag(UMEA, ("nätverk 017",), ("resides",))
    ]


async def test_a_closed_case_once_forgotten_no_longer_flags_any_town(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    closed, still_open = _case(), _case()
    await _record(sessions, closed, Presence("Nätverk 017", MALMO, "placed"))
    await _record(sessions, still_open, Presence("Nätverk 017", KIRUNA, "resides"))
    async with sessions() as session:
        assert await PresenceRepository(session).forget_case(closed) == 1
        await session.commit()
    assert await _check(sessions, _case(), [MALMO, KIRUNA], ["Nätverk 017"]) == [
        RivalFlag(KIRUNA, ("Nätverk 017",), ("resides",))
    ]


async def test_the_cases_a_placed_flag_discloses_are_found_for_their_audit_and_alert(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # A placed flag reveals another case's new home town (ACCESS.md,
    # protected_location): that case must be known to audit the disclosure,
    # though no flag ever names it.
    asking, placed, elsewhere, residing, unrelated = (_case() for _ in range(5))
    await _record(sessions, asking, Presence("Nätverk 017", LUND, "placed"))
    await _record(sessions, placed, Presence("NÄTVERK 017 ", LUND, "placed"))
    await _record(sessions, elsewhere, Presence("Nätverk 017", UMEA, "placed"))
    await _record(sessions, residing, Presence("Nätverk 017", LUND, "resides"))
    await _record(sessions, unrelated, Presence("Nätverk 099", LUND, "placed"))
    async with sessions() as session:
        repository = PresenceRepository(session)
        found = await repository.placed_cases(asking, [LUND], ["nätverk 017"])
        nothing = await repository.placed_cases(asking, [], ["nätverk 017"])

    assert found == [placed]
    assert nothing == []


async def test_recording_a_case_again_replaces_what_it_had_recorded(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    moved = _case()
    await _record(sessions, moved, Presence("Nätverk 017", MALMO, "placed"))
    await _record(
        sessions,
        moved,
        Presence("Nätverk 017", LUND, "placed"),
        Presence("nätverk 017", LUND, "placed"),  # the same presence, spelt otherwise
    )
    assert await _check(sessions, _case(), [MALMO, LUND], ["Nätverk 017"]) == [
        RivalFlag(LUND, ("Nätverk 017",), ("placed",))
    ]
    async with engine.connect() as connection:
        stored = (
            await connection.execute(
                text(
                    "SELECT network, municipality_code, kind FROM threat_network_presence"
                    " WHERE case_id = :c"
                ),
                {"c": moved},
            )
        ).all()
    assert [tuple(row) for row in stored] == [("nätverk 017", LUND, "placed")]


async def test_the_repository_flags_exactly_what_the_rule_flags_over_the_recorded_presences(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    rng = random.Random(20260302)
    towns = [municipality.code for municipality in all_municipalities()][:12]
    networks = [f"Nätverk {number:03d}" for number in range(8)]
    kinds: list[PresenceKind] = ["placed", "resides"]
    recorded: dict[str, list[Presence]] = {}
    for _ in range(40):
        case_id = _case()
        recorded[case_id] = [
            Presence(rng.choice(networks), rng.choice(towns), rng.choice(kinds))
            for _ in range(rng.randint(1, 3))
        ]
        await _record(sessions, case_id, *recorded[case_id])
    asking_cases = [*list(recorded)[:10], _case()]
    for asking in asking_cases:
        proposed = rng.sample(towns, rng.randint(3, 5))
        rivals = [name.upper() for name in rng.sample(networks, rng.randint(1, 3))]
        # Every case's records but the asking case's own placements.
        others = [
            p
            for case_id, kept in recorded.items()
            for p in kept
            if case_id != asking or p.kind == "resides"
        ]
        expected = rival_flags(proposed, rivals, others)
        assert await _check(sessions, asking, proposed, rivals) == expected


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements the engine sends, with their parameters, while the test runs."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)


async def test_a_check_is_one_query_answered_from_the_town_and_network_index(
    sessions: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    statements: list[tuple[str, Any]],
) -> None:
    await _record(sessions, _case(), Presence("Nätverk 017", KIRUNA, "resides"))
    statements.clear()
    await _check(sessions, _case(), [MALMO, KIRUNA, UMEA], ["Nätverk 017", "Nätverk 003"])
    queries = [
        (sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")
    ]
    assert len(queries) == 1
    sql, params = queries[0]
    async with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            # A table this small is cheaper to scan; the question is whether
            # the index can answer the query, as it must once the table is big.
            await connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = await connection.exec_driver_sql(f"EXPLAIN {sql}", params)
        described = " ".join(str(column) for row in plan.all() for column in row)
    assert TOWN_NETWORK_INDEX in described
