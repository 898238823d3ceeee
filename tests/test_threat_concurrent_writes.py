"""Writes of one case in flight together on PostgreSQL (a retry on another replica, two
officers at once) are made one after the other: each versioned record gets the next
version, and a write that moves the rival-check map waits for a closing of the police
case and decides on its outcome."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.broker import kafka_broker  # noqa: F401
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform
from tests.fixtures.postgres import create_pg_databases  # noqa: F401
from tests.test_placement import MALMO, UMEA, name_to_team, towns
from tests.test_police_case import _open_case
from tests.test_threat_assessments import assessment, known_case

IN_FLIGHT = 4
#: How long an abort holds its written status before going on, and a write to the
#: rival-check map before it may commit: the map write outlasts the abort.
CLOSING_SECONDS = 0.3
MAP_WRITE_SECONDS = 0.8
ON_THE_MAP = assessment(
    "high",
    threat_actors=[{"name": "Person A", "network": "Nätverk 017", "resides_in": "1280"}],
    affiliations=["Nätverk 044"],
)


@pytest.mark.parametrize("mode", ["distributed"])
async def test_reassessments_in_flight_together_are_each_recorded_as_the_next_version(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    first = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))
    assert first.status_code == 201, first.text

    answers = await asyncio.gather(
        *(
            threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
            for _ in range(IN_FLIGHT)
        )
    )

    assert [a.status_code for a in answers] == [201] * IN_FLIGHT, [a.text for a in answers]
    assert sorted(a.json()["version"] for a in answers) == list(range(2, IN_FLIGHT + 2))
    current = await threat.get(f"/cases/{case_id}/threat-assessments/current")
    assert current.json()["version"] == IN_FLIGHT + 1


@pytest.mark.parametrize("mode", ["distributed"])
async def test_first_assessments_in_flight_together_are_each_recorded_as_the_next_version(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]

    answers = await asyncio.gather(
        *(
            threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
            for _ in range(IN_FLIGHT)
        )
    )

    assert [a.status_code for a in answers] == [201] * IN_FLIGHT, [a.text for a in answers]
    assert sorted(a.json()["version"] for a in answers) == list(range(1, IN_FLIGHT + 1))


@pytest.mark.parametrize("mode", ["distributed"])
async def test_placement_assessments_and_placements_in_flight_together_are_each_recorded(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    assessed = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    assert assessed.status_code == 201, assessed.text
    await name_to_team(platform, case_id)
    placement = {"municipality": UMEA, "placed_on": today_in_sweden().isoformat()}

    judged = await asyncio.gather(
        *(
            threat.post(f"/cases/{case_id}/placement-assessments", json=towns((UMEA, True)))
            for _ in range(IN_FLIGHT)
        )
    )
    placed = await asyncio.gather(
        *(threat.post(f"/cases/{case_id}/placement", json=placement) for _ in range(IN_FLIGHT))
    )

    assert [a.status_code for a in judged] == [201] * IN_FLIGHT, [a.text for a in judged]
    assert sorted(a.json()["version"] for a in judged) == list(range(1, IN_FLIGHT + 1))
    # The first placement of the case, recorded by each in turn: the later ones
    # replace it with the same town, none collides with it.
    assert [a.status_code for a in placed] == [201] * IN_FLIGHT, [a.text for a in placed]


@pytest.mark.parametrize("mode", ["distributed"])
async def test_a_reassessment_or_placement_in_flight_with_an_abort_leaves_the_closed_case_off_the_map(
    platform: RunningPlatform,
) -> None:
    threat = platform.clients["threat"]
    reassessed, placed = await asyncio.gather(_open_case(platform), _open_case(platform))
    await name_to_team(platform, placed)
    # Once placed, the person is tied to the town by the networks they belonged to.
    affiliated = assessment("high", affiliations=["Nätverk 044"])
    tied = await threat.post(f"/cases/{placed}/threat-assessments", json=affiliated)
    assert tied.status_code == 201, tied.text
    await slow_down_closings_and_map_writes(platform.runtime("threat"))
    placement = {"municipality": MALMO, "placed_on": today_in_sweden().isoformat()}
    abort = {"reason": "Conditions no longer met"}

    answers = await asyncio.gather(
        threat.post(f"/cases/{reassessed}/police-case/abort", json=abort),
        threat.post(f"/cases/{reassessed}/threat-assessments", json=ON_THE_MAP),
        threat.post(f"/cases/{placed}/police-case/abort", json=abort),
        threat.post(f"/cases/{placed}/placement", json=placement),
    )

    assert [a.status_code for a in answers] == [200, 201, 200, 201], [a.text for a in answers]
    runtime = platform.runtime("threat")
    on_the_map = {
        case_id: await count_rows(
            runtime, "threat_network_presence", f"WHERE case_id = '{case_id}'"
        )
        for case_id in (reassessed, placed)
    }
    # A closed police case counts in no other case's rival check (``refresh_presences``),
    # even when the write reached the map while the abort was being made.
    assert on_the_map == {reassessed: 0, placed: 0}


async def slow_down_closings_and_map_writes(runtime: ServiceRuntime) -> None:
    """Holds an abort (or completion) for a moment once its status is written, and a
    write to the rival-check map for longer: a write of the case that reads the police
    case meanwhile sees it still open, and commits only after the abort has."""
    statements = [
        "CREATE FUNCTION slow_closing() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_sleep({CLOSING_SECONDS}); RETURN NEW; END $$",
        "CREATE TRIGGER slow_closing BEFORE UPDATE ON threat_police_case FOR EACH ROW "
        "WHEN (NEW.status <> 'open') EXECUTE FUNCTION slow_closing()",
        "CREATE FUNCTION slow_map_write() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_sleep({MAP_WRITE_SECONDS}); RETURN NULL; END $$",
        "CREATE TRIGGER slow_map_write AFTER INSERT ON threat_network_presence "
        "FOR EACH STATEMENT EXECUTE FUNCTION slow_map_write()",
    ]
    async with runtime.engine.begin() as connection:
        for statement in statements:
            await connection.execute(text(statement))
