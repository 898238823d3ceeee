"""A municipality of stay recorded after a transfer took effect acts in the case.

A transfer ends the stay on its effective day (2 a kap. 10 § SoL), but only a
stay recorded before it: once a case has moved, the municipality now
responsible may record where the person stays in an acute situation, and that
municipality must act (2 a kap. 2-3 §§ SoL), most of all right after a move.
The day the stay was recorded tells the two apart, in social services and in
the copies intake and follow-up keep; a single case and a listing agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import avhopp_shared.municipal_responsibility as municipal_responsibility
from avhopp_shared.access.responsibility_tables import ResponsibilityCopyRow, TransferCopyRow
from avhopp_shared.db.engine import create_engine
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.fixtures.postgres import CreateDatabases
from tests.fixtures.responsibility_copies import Answers, who_acts
from tests.test_responsibility_between_municipalities import (
    _gbg,
    _intake_copy_has,
    _received_days_ago,
    _works_in,
)
from tests.test_responsibility_pending_transfers import _noon_in_sweden
from tests.test_social_municipality import social_case

MALMO, LUND, GBG, UMEA = "1280", "1281", "1480", "2480"
NOT_IN_THE_CASE = (404, 403, False)
ACTING = (200, 201, True)


def _umea(platform: RunningPlatform) -> dict[str, str]:
    token = platform.issuer.mint(
        {"client_id": "social-umea", "agency": "social", "organisation": UMEA}
    )
    return {"Authorization": f"Bearer {token}"}


def _transfer(to: str, *, decided: date, effective: date) -> dict[str, Any]:
    return {
        "to_municipality": to,
        "requested_on": decided.isoformat(),
        "decided_on": decided.isoformat(),
        "effective_on": effective.isoformat(),
    }


async def _copies_hold_the_stay(platform: RunningPlatform, case_id: str, stay: str) -> bool:
    where = f"WHERE case_id = '{case_id}' AND stay = '{stay}' AND stay_since IS NOT NULL"
    counts = [
        await count_rows(platform.runtime(service), "access_responsibility", where)
        for service in ("intake", "followup")
    ]
    return counts == [1, 1]


async def _moved_to_lund_yesterday_then_staying_in_umea(platform: RunningPlatform) -> str:
    """Malmö's case, in Lund's hands since yesterday; today Lund records that the
    person stays in Umeå."""
    social, lund = platform.clients["social"], platform.auth("social-lund")
    yesterday = today_in_sweden() - timedelta(days=1)
    case_id = await social_case(platform, received_at=_received_days_ago(3))
    moved = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(LUND, decided=yesterday, effective=yesterday),
    )
    assert moved.status_code == 201, moved.text
    assert await wait_until(lambda: _intake_copy_has(platform, case_id, 1))
    stay = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": UMEA},
        headers=lund,
    )
    assert stay.status_code == 201, stay.text
    assert await wait_until(lambda: _copies_hold_the_stay(platform, case_id, UMEA))
    return case_id


async def test_a_stay_recorded_after_a_transfer_took_effect_acts_in_social_services_and_intake(
    platform: RunningPlatform,
) -> None:
    case_id = await _moved_to_lund_yesterday_then_staying_in_umea(platform)
    umea, lund = _umea(platform), platform.auth("social-lund")
    intake, followup = platform.clients["intake"], platform.clients["followup"]

    assert await _works_in(platform, case_id, umea) == ACTING
    assert (await intake.get(f"/cases/{case_id}", headers=umea)).status_code == 200
    assert (await followup.get(f"/cases/{case_id}/exit", headers=umea)).status_code == 200
    # Acute help only: the case is still Lund's, and Malmö's no longer.
    assert await _works_in(platform, case_id, lund) == ACTING
    assert await _works_in(platform, case_id, platform.auth("social-malmo")) == NOT_IN_THE_CASE
    action_plan = await platform.clients["social"].post(
        f"/cases/{case_id}/action-plans", json={}, headers=umea
    )
    assert action_plan.status_code == 403, action_plan.text


async def test_a_stay_recorded_before_a_transfer_stops_acting_on_its_effective_day_not_before(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Recorded after the move to Lund, before Lund hands the case on to Göteborg:
    # only the second transfer ends it, and only once it takes effect.
    case_id = await _moved_to_lund_yesterday_then_staying_in_umea(platform)
    umea, gbg = _umea(platform), _gbg(platform)
    intake, today = platform.clients["intake"], today_in_sweden()
    effective = today + timedelta(days=30)
    onward = await platform.clients["social"].post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(GBG, decided=today, effective=effective),
        headers=platform.auth("social-lund"),
    )
    assert onward.status_code == 201, onward.text
    assert await wait_until(lambda: _intake_copy_has(platform, case_id, 2))

    assert await _works_in(platform, case_id, umea) == ACTING
    monkeypatch.setattr(
        municipal_responsibility, "utcnow", lambda: _noon_in_sweden(effective - timedelta(days=1))
    )
    assert await _works_in(platform, case_id, umea) == ACTING
    assert (await intake.get(f"/cases/{case_id}", headers=umea)).status_code == 200

    monkeypatch.setattr(municipal_responsibility, "utcnow", lambda: _noon_in_sweden(effective))
    assert await _works_in(platform, case_id, umea) == NOT_IN_THE_CASE
    assert (await intake.get(f"/cases/{case_id}", headers=umea)).status_code == 404
    assert await _works_in(platform, case_id, gbg) == ACTING


async def test_a_transfer_recorded_after_the_stay_and_in_effect_by_its_day_ends_it_at_once(
    embedded_platform: RunningPlatform,
) -> None:
    # The stay and the move on the same day: by days alone the transfer would look
    # older than the stay and leave Lund acting in a case that has moved on.
    p = embedded_platform
    social, lund, today = p.clients["social"], p.auth("social-lund"), today_in_sweden()
    case_id = await social_case(p)
    stay = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    assert stay.status_code == 201, stay.text
    assert await wait_until(lambda: _copies_hold_the_stay(p, case_id, LUND))
    assert await _works_in(p, case_id, lund) == ACTING

    moved = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(GBG, decided=today, effective=today),
    )
    assert moved.status_code == 201, moved.text
    assert await wait_until(lambda: _intake_copy_has(p, case_id, 1))

    assert await _works_in(p, case_id, lund) == NOT_IN_THE_CASE
    assert (await p.clients["intake"].get(f"/cases/{case_id}", headers=lund)).status_code == 404

    async def stay_cleared_everywhere() -> bool:
        where = f"WHERE case_id = '{case_id}' AND stay IS NULL AND stay_since IS NULL"
        counts = [
            await count_rows(p.runtime(service), table, where)
            for service, table in (
                ("social", "social_responsibility"),
                ("intake", "access_responsibility"),
                ("followup", "access_responsibility"),
            )
        ]
        return counts == [1, 1, 1]

    assert await wait_until(stay_cleared_everywhere)


# The rule as a single case reads it and as a listing filters by it (SQL), over
# the same rows: they must never disagree, on either database.
D0 = date(2026, 11, 20)
DAYS = [D0, D0 + timedelta(days=10), D0 + timedelta(days=29), D0 + timedelta(days=30)]
#: case → (stay since, [(transfer id, to, effective on)]); the stay is Umeå's.
CASES: dict[str, tuple[date | None, list[tuple[str, str, date]]]] = {
    "recorded-after-the-move": (D0 + timedelta(days=5), [("t-1", LUND, D0)]),
    "recorded-on-the-moving-day": (
        D0 + timedelta(days=10),
        [("t-2", LUND, D0 + timedelta(days=10))],
    ),
    "recorded-between-two-moves": (
        D0 + timedelta(days=5),
        [("t-3", LUND, D0), ("t-4", GBG, D0 + timedelta(days=30))],
    ),
    "recorded-before-the-move": (D0 - timedelta(days=5), [("t-5", LUND, D0 + timedelta(days=10))]),
    # Recorded before the day was kept: ended by every transfer in effect, as before.
    "no-day-recorded": (None, [("t-6", LUND, D0)]),
}


async def _fill(engine: AsyncEngine) -> None:
    tables = [ResponsibilityCopyRow.__table__, TransferCopyRow.__table__]  # type: ignore[attr-defined]
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all, tables=tables)
        for case_id, (since, transfers) in CASES.items():
            await connection.execute(
                tables[0].insert(),
                {"case_id": case_id, "residence": MALMO, "stay": UMEA, "stay_since": since},
            )
            for transfer_id, to, effective in transfers:
                await connection.execute(
                    tables[1].insert(),
                    {
                        "transfer_id": transfer_id,
                        "case_id": case_id,
                        "to_municipality": to,
                        "requested_on": D0 - timedelta(days=10),
                        "decided_on": D0 - timedelta(days=10),
                        "effective_on": effective,
                    },
                )


async def _acting(engine: AsyncEngine) -> Answers:
    await _fill(engine)
    return await who_acts(engine, CASES, (MALMO, LUND, GBG, UMEA), DAYS)


def _check(answers: Answers) -> None:
    assert [key for key, (one, listed) in answers.items() if one != listed] == []
    umea = {case_id: [answers[case_id, UMEA, day][0] for day in DAYS] for case_id in CASES}
    assert umea == {
        "recorded-after-the-move": [True] * 4,
        "recorded-on-the-moving-day": [True] * 4,
        "recorded-between-two-moves": [True, True, True, False],
        "recorded-before-the-move": [True, False, False, False],
        "no-day-recorded": [False] * 4,
    }


async def test_a_single_case_and_a_listing_agree_on_a_stay_recorded_after_a_transfer_on_sqlite(
    tmp_path: Path,
) -> None:
    _check(await _acting(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}")))


@pytest.mark.postgres
async def test_a_single_case_and_a_listing_agree_on_a_stay_recorded_after_a_transfer_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    _check(await _acting(create_engine(create_pg_databases(["copy"])["copy"])))


async def test_the_case_team_reads_the_day_the_stay_was_recorded(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)
    stay = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    assert stay.status_code == 201, stay.text
    # The default clients act as this caseworker of Malmö, named to the team
    # by a colleague; the town is the team's.
    caseworker = {"agency": "social", "organisation": MALMO, "user": "socialsekreterare-1"}
    colleague = p.issuer.mint(
        {"sub": "ss-2", "client_id": "social-test", "agency": "social", "organisation": MALMO}
        | {"user": "ss-2"}
    )
    added = await p.clients["intake"].post(
        f"/cases/{case_id}/team-members",
        json=caseworker,
        headers={"Authorization": f"Bearer {colleague}"},
    )
    assert added.status_code == 201, added.text

    async def stay_shown() -> bool:
        held = await p.clients["social"].get(f"/cases/{case_id}/responsibility")
        return held.status_code == 200 and held.json().get("stay_municipality") == LUND

    assert await wait_until(stay_shown)
    held = (await p.clients["social"].get(f"/cases/{case_id}/responsibility")).json()
    # The day a transfer in effect before it would not end the stay (stay_on).
    assert held["stay_since"] == today_in_sweden().isoformat()
