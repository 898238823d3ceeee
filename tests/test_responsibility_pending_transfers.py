"""A transfer decided today that takes effect later moves nothing until its day.

2 a kap. 10 § SoL moves the responsibility on the transfer's effective day;
until then the person still stays where the municipality of stay answers in
an acute situation (2 a kap. 2-3 §§ SoL). From that day the stay has ended,
unless the case moved to it. A single case and a listing, in social services
and in the copies other services keep, must all agree; and a pending
transfer's day is ``protected_location``, which no refusal may tell off the
case team.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import avhopp_shared.municipal_responsibility as municipal_responsibility
from avhopp_shared.access.responsibility_tables import ResponsibilityCopyRow, TransferCopyRow
from avhopp_shared.db.engine import create_engine
from avhopp_shared.municipal_responsibility import SWEDISH_TIME, today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.fixtures.postgres import CreateDatabases
from tests.fixtures.responsibility_copies import Answers, who_acts
from tests.test_responsibility_between_municipalities import _gbg, _intake_copy_has, _works_in
from tests.test_social_municipality import social_case
from tests.test_social_transfer_fixes import _bearer, _on_the_team

MALMO, LUND, GBG, UMEA = "1280", "1281", "1480", "2480"


def _transfer(to: str, effective: date) -> dict[str, Any]:
    today = today_in_sweden().isoformat()
    return {
        "to_municipality": to,
        "requested_on": today,
        "decided_on": today,
        "effective_on": effective.isoformat(),
    }


def _noon_in_sweden(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=SWEDISH_TIME).astimezone(UTC)


async def test_a_pending_transfer_leaves_the_municipality_of_stay_acting_until_it_takes_effect(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    social = platform.clients["social"]
    lund, gbg, malmo = platform.auth("social-lund"), _gbg(platform), platform.auth("social-malmo")
    case_id = await social_case(platform)
    stay = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    assert stay.status_code == 201, stay.text
    effective = today_in_sweden() + timedelta(days=30)

    # Malmö decides today to hand the case to Göteborg in a month.
    moved = await social.post(
        f"/cases/{case_id}/responsibility/transfers", json=_transfer(GBG, effective)
    )
    assert moved.status_code == 201, moved.text
    assert await wait_until(lambda: _intake_copy_has(platform, case_id, 1))
    intake = platform.clients["intake"]

    # Nothing has moved yet: Lund still acts acutely, Malmö still answers.
    assert await _works_in(platform, case_id, lund) == (200, 201, True)
    assert await _works_in(platform, case_id, malmo) == (200, 201, True)
    assert await _works_in(platform, case_id, gbg) == (404, 403, False)
    assert (await intake.get(f"/cases/{case_id}", headers=lund)).status_code == 200

    # On the effective day the case is Göteborg's and the stay in Lund has ended.
    monkeypatch.setattr(municipal_responsibility, "utcnow", lambda: _noon_in_sweden(effective))
    assert await _works_in(platform, case_id, gbg) == (200, 201, True)
    assert await _works_in(platform, case_id, lund) == (404, 403, False)
    assert await _works_in(platform, case_id, malmo) == (404, 403, False)
    assert (await intake.get(f"/cases/{case_id}", headers=lund)).status_code == 404
    assert (await intake.get(f"/cases/{case_id}", headers=gbg)).status_code == 200


async def test_the_case_team_reads_the_municipality_of_stay_while_a_transfer_is_pending(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)
    await _on_the_team(p, case_id)
    social, path = p.clients["social"], f"/cases/{case_id}/responsibility"
    stay = await social.post(
        path, json={"residence_municipality": MALMO, "stay_municipality": LUND}
    )
    assert stay.status_code == 201, stay.text

    moved = await social.post(
        f"{path}/transfers", json=_transfer(GBG, today_in_sweden() + timedelta(days=30))
    )
    read = await social.get(path)

    assert moved.status_code == 201, moved.text
    for answer in (moved.json(), read.json()):
        assert answer["stay_municipality"] == LUND
        assert answer["acute_responsible_municipality"] == LUND
        assert answer["responsible_municipality"] == MALMO


async def test_off_the_team_the_refusal_does_not_reveal_the_pending_transfers_effective_day(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await social_case(p)
    await _on_the_team(p, case_id)
    social, path = p.clients["social"], f"/cases/{case_id}/responsibility/transfers"
    secret = today_in_sweden() + timedelta(days=45)
    pending = await social.post(path, json=_transfer(UMEA, secret))
    assert pending.status_code == 201, pending.text
    outsider = _bearer(p, "socialsekreterare-3")

    async def refused_on(day: date) -> list[str]:
        # A move to Malmö, responsible today: always refused, nothing recorded.
        answer = await social.post(path, json=_transfer(MALMO, day), headers=outsider)
        assert answer.status_code == 422, answer.text
        return [param["name"] for param in answer.json()["invalid-params"]]

    answers = [await refused_on(secret + timedelta(days=d)) for d in (-1, 0, 1, 2)]

    # The same answer before, on and after the pending day: it cannot be found by trying.
    assert answers == [["to_municipality"]] * 4
    where = f"WHERE case_id = '{case_id}'"
    assert await count_rows(p.runtime("social"), "social_responsibility_transfer", where) == 1


# The rule as a single case reads it and as a listing filters by it (SQL), over
# the same rows: they must never disagree, on either database.
D0 = date(2026, 11, 20)
DAYS = [D0, D0 + timedelta(days=10), D0 + timedelta(days=29), D0 + timedelta(days=30)]
#: case → (stay, [(transfer id, to, decided on, effective on)])
CASES: dict[str, tuple[str | None, list[tuple[str, str, date, date]]]] = {
    "pending-elsewhere": (LUND, [("t-1", GBG, D0, D0 + timedelta(days=30))]),
    "moving-to-the-stay": (LUND, [("t-2", LUND, D0, D0 + timedelta(days=30))]),
    "to-the-stay-then-on": (
        LUND,
        [("t-3", LUND, D0, D0 + timedelta(days=10)), ("t-4", GBG, D0, D0 + timedelta(days=30))],
    ),
    # Two on one day, recorded before each transfer had a day of its own: a copy
    # may still hold both; the one decided later is in effect.
    "one-day-twice": (None, [("t-5", LUND, D0 - timedelta(days=1), D0), ("t-6", GBG, D0, D0)]),
}


async def _fill(engine: AsyncEngine) -> None:
    tables = [ResponsibilityCopyRow.__table__, TransferCopyRow.__table__]  # type: ignore[attr-defined]
    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all, tables=tables)
        for case_id, (stay, transfers) in CASES.items():
            await connection.execute(
                tables[0].insert(), {"case_id": case_id, "residence": MALMO, "stay": stay}
            )
            for transfer_id, to, decided, effective in transfers:
                await connection.execute(
                    tables[1].insert(),
                    {
                        "transfer_id": transfer_id,
                        "case_id": case_id,
                        "to_municipality": to,
                        "requested_on": decided,
                        "decided_on": decided,
                        "effective_on": effective,
                    },
                )


async def _acting(engine: AsyncEngine) -> Answers:
    await _fill(engine)
    return await who_acts(engine, CASES, (MALMO, LUND, GBG), DAYS)


def _check(answers: Answers) -> None:
    assert [key for key, (one, listed) in answers.items() if one != listed] == []
    lund = {(case_id, day): answers[case_id, LUND, day][0] for case_id in CASES for day in DAYS}
    # Lund stays acting until the transfer to Göteborg takes effect, not from its decision.
    assert [lund["pending-elsewhere", day] for day in DAYS] == [True, True, True, False]
    assert [lund["moving-to-the-stay", day] for day in DAYS] == [True] * 4
    assert [lund["to-the-stay-then-on", day] for day in DAYS] == [True, True, True, False]
    assert [answers["one-day-twice", GBG, day][0] for day in DAYS] == [True] * 4
    assert [lund["one-day-twice", day] for day in DAYS] == [False] * 4


async def test_a_single_case_and_a_listing_agree_on_who_acts_before_and_after_a_transfer_on_sqlite(
    tmp_path: Path,
) -> None:
    _check(await _acting(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}")))


@pytest.mark.postgres
async def test_a_single_case_and_a_listing_agree_on_who_acts_before_and_after_a_transfer_on_postgresql(
    create_pg_databases: CreateDatabases,
) -> None:
    _check(await _acting(create_engine(create_pg_databases(["copy"])["copy"])))
