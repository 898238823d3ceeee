"""Changes of one police case, or of one protective measure, in flight together (a retry
on another replica, a double click) are made one after the other on PostgreSQL: the
first is made and announced, every later one is decided on its outcome and refused."""

from __future__ import annotations

import asyncio

import pytest

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.broker import kafka_broker  # noqa: F401
from tests.fixtures.database import count_events
from tests.fixtures.platform import RunningPlatform
from tests.fixtures.postgres import create_pg_databases  # noqa: F401
from tests.test_police_case import (
    _open_case,
    answers,
    consent_to_decision_summary,
    social_decides,
)
from tests.test_threat_assessments import assessment, known_case

IN_FLIGHT = 4


async def _announced(platform: RunningPlatform, case_id: str, *event_types: str) -> int:
    kinds = ", ".join(f"'{kind}'" for kind in event_types)
    where = f"WHERE event_type IN ({kinds}) AND key = '{case_id}' AND topic LIKE '%for-social%'"
    return await count_events(platform.runtime("threat"), where)


@pytest.mark.parametrize("mode", ["distributed"])
async def test_an_abort_and_a_completion_in_flight_together_close_the_case_once(
    platform: RunningPlatform,
) -> None:
    case_id = await _open_case(platform)
    threat = platform.clients["threat"]
    closings = [
        threat.post(f"/cases/{case_id}/police-case/abort", json={"reason": f"reason {i}"})
        if i % 2
        else threat.post(
            f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
        )
        for i in range(IN_FLIGHT)
    ]

    answers = await asyncio.gather(*closings)

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (IN_FLIGHT - 1), [a.text for a in answers]
    closed = ("threat.police_case_aborted", "threat.exit_completed")
    assert await _announced(platform, case_id, *closed) == 1


@pytest.mark.parametrize("mode", ["distributed"])
async def test_openings_again_of_an_aborted_case_in_flight_together_open_it_once(
    platform: RunningPlatform,
) -> None:
    case_id = await _open_case(platform)
    threat = platform.clients["threat"]
    aborted = await threat.post(
        f"/cases/{case_id}/police-case/abort", json={"reason": "Returned to the network"}
    )
    assert aborted.status_code == 200, aborted.text

    replies = await asyncio.gather(
        *(threat.post(f"/cases/{case_id}/police-case", json=answers()) for _ in range(IN_FLIGHT))
    )

    statuses = sorted(reply.status_code for reply in replies)
    assert statuses == [201] + [409] * (IN_FLIGHT - 1), [r.text for r in replies]
    assert await _announced(platform, case_id, "threat.police_case_opened") == 2


@pytest.mark.parametrize("mode", ["distributed"])
async def test_first_openings_in_flight_together_open_the_case_once_and_refuse_the_rest(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    await consent_to_decision_summary(platform, case_id)
    await social_decides(platform, case_id)

    replies = await asyncio.gather(
        *(threat.post(f"/cases/{case_id}/police-case", json=answers()) for _ in range(IN_FLIGHT))
    )

    statuses = sorted(reply.status_code for reply in replies)
    assert statuses == [201] + [409] * (IN_FLIGHT - 1), [r.text for r in replies]
    assert await _announced(platform, case_id, "threat.police_case_opened") == 1


@pytest.mark.parametrize("mode", ["distributed"])
async def test_two_status_changes_of_one_measure_in_flight_together_make_one(
    platform: RunningPlatform,
) -> None:
    case_id = await known_case(platform)
    threat = platform.clients["threat"]
    applied = await threat.post(
        f"/cases/{case_id}/protective-measures",
        json={"kind": "skyddad_folkbokforing", "started_on": today_in_sweden().isoformat()},
    )
    measure = f"/cases/{case_id}/protective-measures/{applied.json()['measure_id']}/status"

    answers = await asyncio.gather(
        *(
            threat.post(measure, json={"status": s, "on": today_in_sweden().isoformat()})
            for s in ["granted", "refused"] * (IN_FLIGHT // 2)
        )
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [422] * (IN_FLIGHT - 1), [a.text for a in answers]
    changed = "WHERE event_type = 'threat.protective_measure_changed' AND topic LIKE '%for-social%'"
    assert await count_events(platform.runtime("threat"), f"{changed} AND key = '{case_id}'") == 2
