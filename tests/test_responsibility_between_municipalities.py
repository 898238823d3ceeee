"""Responsibility between municipalities over time (2 a kap. SoL; PROCESS.md, "Actors").

The receiving municipality is the residence, recorded once; responsibility
moves only by transfers, one after another, each on a day of its own; a
transfer ends the municipality of stay once it takes effect; days are Swedish days. Checked on a
single case (read, write) and in the listings, in social services and in
intake's copy, which must all agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

import avhopp_shared.municipal_responsibility as municipal_responsibility
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_social_municipality import social_case

MALMO, LUND, GBG = "1280", "1281", "1480"


def _gbg(platform: RunningPlatform) -> dict[str, str]:
    token = platform.issuer.mint(
        {"client_id": "social-gbg", "agency": "social", "organisation": GBG}
    )
    return {"Authorization": f"Bearer {token}"}


def _received_days_ago(days: int) -> str:
    """An application received ``days`` ago: a transfer comes after it, never before."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def _transfer(to: str, *, requested: date, decided: date, effective: date) -> dict[str, Any]:
    return {
        "to_municipality": to,
        "requested_on": requested.isoformat(),
        "decided_on": decided.isoformat(),
        "effective_on": effective.isoformat(),
    }


async def _works_in(
    platform: RunningPlatform, case_id: str, headers: dict[str, str]
) -> tuple[int, int, bool]:
    """(read, write, listed) in social services for this municipality."""
    social = platform.clients["social"]
    read = await social.get(f"/cases/{case_id}/investigation", headers=headers)
    write = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(), headers=headers)
    listed = await social.get("/investigations?limit=200", headers=headers)
    assert listed.status_code == 200, listed.text
    return read.status_code, write.status_code, case_id in {i["case_id"] for i in listed.json()}


async def _intake_copy_has(platform: RunningPlatform, case_id: str, transfers: int) -> bool:
    where = f"WHERE case_id = '{case_id}'"
    runtime = platform.runtime("intake")
    return await count_rows(runtime, "access_responsibility_transfer", where) == transfers


async def test_a_second_transfer_taking_effect_the_same_day_is_refused_and_the_case_stays_with_the_first(
    platform: RunningPlatform,
) -> None:
    social = platform.clients["social"]
    lund, gbg = platform.auth("social-lund"), _gbg(platform)
    today = today_in_sweden()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    case_id = await social_case(platform, received_at=_received_days_ago(3))

    to_lund = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(LUND, requested=yesterday, decided=yesterday, effective=today),
    )
    same_day = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(GBG, requested=today, decided=today, effective=today),
        headers=lund,
    )
    next_day = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(GBG, requested=today, decided=today, effective=tomorrow),
        headers=lund,
    )

    assert to_lund.status_code == 201, to_lund.text
    assert same_day.status_code == 422, same_day.text
    assert [p["name"] for p in same_day.json()["invalid-params"]] == ["effective_on"]
    assert next_day.status_code == 201, next_day.text
    # Lund answers for the case today; Göteborg from tomorrow.
    assert await _works_in(platform, case_id, lund) == (200, 201, True)
    assert await _works_in(platform, case_id, gbg) == (404, 403, False)
    assert await wait_until(lambda: _intake_copy_has(platform, case_id, 2))
    intake = platform.clients["intake"]
    assert (await intake.get(f"/cases/{case_id}", headers=lund)).status_code == 200
    assert (await intake.get(f"/cases/{case_id}", headers=gbg)).status_code == 404


async def test_transfers_on_one_day_recorded_before_that_rule_are_ordered_alike_in_a_copy(
    platform: RunningPlatform,
) -> None:
    # Social services store one transfer a day (migration 0024); a copy another
    # service keeps may still hold two it was sent before that rule.
    lund, gbg = platform.auth("social-lund"), _gbg(platform)
    today = today_in_sweden()
    yesterday = today - timedelta(days=1)
    case_id = await social_case(platform)
    # Malmö decided yesterday to hand the case to Lund from today; Lund decided
    # today to hand it on to Göteborg from today, recorded second.
    async with platform.runtime("intake").engine.begin() as connection:
        for transfer_id, to, decided in (("t-lund", LUND, yesterday), ("t-gbg", GBG, today)):
            await connection.execute(
                text(
                    "INSERT INTO access_responsibility_transfer (transfer_id, case_id, "
                    "to_municipality, requested_on, decided_on, effective_on) "
                    "VALUES (:id, :case, :to, :decided, :decided, :today)"
                ),
                {"id": transfer_id, "case": case_id, "to": to, "decided": decided, "today": today},
            )

    intake = platform.clients["intake"]
    assert (await intake.get(f"/cases/{case_id}", headers=gbg)).status_code == 200
    assert (await intake.get(f"/cases/{case_id}", headers=lund)).status_code == 404


async def test_a_transfer_ends_the_municipality_of_stay_so_the_municipality_that_handed_the_case_on_is_out(
    platform: RunningPlatform,
) -> None:
    social = platform.clients["social"]
    lund, gbg = platform.auth("social-lund"), _gbg(platform)
    today = today_in_sweden()
    yesterday = today - timedelta(days=1)
    case_id = await social_case(platform, received_at=_received_days_ago(3))

    # Placed acutely in Lund, then settled there: Malmö hands the case to Lund.
    stay = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": LUND},
    )
    to_lund = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(LUND, requested=yesterday, decided=yesterday, effective=yesterday),
    )
    # The person moves on; Lund hands the case to Göteborg from today.
    to_gbg = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(GBG, requested=today, decided=today, effective=today),
        headers=lund,
    )

    assert (stay.status_code, to_lund.status_code, to_gbg.status_code) == (201, 201, 201)
    # The transfer to Göteborg is in effect today: the stay in Lund has ended with it.
    assert await _works_in(platform, case_id, gbg) == (200, 201, True)
    assert await _works_in(platform, case_id, lund) == (404, 403, False)
    assert await _works_in(platform, case_id, platform.auth("social-malmo")) == (404, 403, False)
    assert await wait_until(lambda: _intake_copy_has(platform, case_id, 2))
    intake = platform.clients["intake"]
    assert (await intake.get(f"/cases/{case_id}", headers=gbg)).status_code == 200
    assert (await intake.get(f"/cases/{case_id}", headers=lund)).status_code == 404


async def test_the_responsible_municipality_cannot_name_itself_the_municipality_of_stay(
    embedded_platform: RunningPlatform,
) -> None:
    social = embedded_platform.clients["social"]
    today = today_in_sweden().isoformat()
    case_id = await social_case(embedded_platform)

    itself = await social.post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": MALMO},
    )
    moved = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": LUND,
            "requested_on": today,
            "decided_on": today,
            "effective_on": today,
        },
    )
    after_read = await social.get(f"/cases/{case_id}/investigation")
    after_write = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())

    assert itself.status_code == 422, itself.text
    assert [p["name"] for p in itself.json()["invalid-params"]] == ["stay_municipality"]
    assert moved.status_code == 201, moved.text
    assert (after_read.status_code, after_write.status_code) == (404, 403)


async def test_the_residence_is_recorded_once_and_the_case_moves_only_by_a_transfer(
    embedded_platform: RunningPlatform,
) -> None:
    social = embedded_platform.clients["social"]
    lund = embedded_platform.auth("social-lund")
    case_id = await social_case(embedded_platform)

    rewrite = await social.post(
        f"/cases/{case_id}/responsibility", json={"residence_municipality": "Lund"}
    )
    police = await embedded_platform.get_as(
        "police-syd", "social", f"/cases/{case_id}/responsibility"
    )
    lund_write = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(), headers=lund)
    malmo_write = await social.post(f"/cases/{case_id}/aid-decisions", json=decision())

    assert rewrite.status_code == 409, rewrite.text
    assert rewrite.headers["content-type"] == "application/problem+json"
    assert police.status_code == 200, police.text
    assert police.json()["residence_municipality"] == MALMO
    assert (lund_write.status_code, malmo_write.status_code) == (403, 201)
    recorded = await count_events(
        embedded_platform.runtime("social"),
        f"WHERE key = '{case_id}' AND event_type = 'responsibility.recorded'",
    )
    assert recorded == 0


async def test_a_case_without_a_recorded_responsibility_is_not_claimed_by_another_municipality(
    embedded_platform: RunningPlatform,
) -> None:
    social = embedded_platform.clients["social"]
    lund = embedded_platform.auth("social-lund")
    case_id = await social_case(embedded_platform)  # received by Malmö
    runtime = embedded_platform.runtime("social")
    # A case opened before the receiving municipality was recorded.
    async with runtime.engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM social_responsibility WHERE case_id = :case"), {"case": case_id}
        )

    claim = await social.post(
        f"/cases/{case_id}/responsibility", json={"residence_municipality": LUND}, headers=lund
    )
    lund_read = await social.get(f"/cases/{case_id}/investigation", headers=lund)
    lund_write = await social.post(f"/cases/{case_id}/aid-decisions", json=decision(), headers=lund)

    assert claim.status_code == 403, claim.text
    assert (lund_read.status_code, lund_write.status_code) == (404, 403)
    where = f"WHERE case_id = '{case_id}'"
    assert await count_rows(runtime, "social_responsibility", where) == 0


async def test_just_after_midnight_in_sweden_today_is_the_swedish_date_for_transfers_and_access(
    embedded_platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    social = embedded_platform.clients["social"]
    lund = embedded_platform.auth("social-lund")
    case_id = await social_case(embedded_platform, received_at="2026-11-20T09:00:00+00:00")
    # 00:30 on 21 November in Stockholm (CET) is 23:30 on 20 November in UTC.
    monkeypatch.setattr(
        municipal_responsibility, "utcnow", lambda: datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    )
    swedish_today = "2026-11-21"
    decided_today = decision(decided_on=swedish_today, valid_from=swedish_today)

    moved_today = await social.post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": LUND,
            "requested_on": "2026-11-20",
            "decided_on": swedish_today,
            "effective_on": swedish_today,
        },
    )
    lund_write = await social.post(
        f"/cases/{case_id}/aid-decisions", json=decided_today, headers=lund
    )
    malmo_write = await social.post(f"/cases/{case_id}/aid-decisions", json=decided_today)

    assert moved_today.status_code == 201, moved_today.text
    assert (lund_write.status_code, malmo_write.status_code) == (201, 403), lund_write.text


async def test_a_police_officer_on_the_case_team_reads_where_the_case_moves_but_not_the_decision_dates(
    embedded_platform: RunningPlatform,
) -> None:
    # ACCESS.md: responsibility between municipalities is `decisions`, "none" for
    # police; their `team` cell opens the new home town, so where and from when,
    # not when social services were asked and decided (as the transfer's event says).
    p = embedded_platform
    case_id = await social_case(p, received_at=_received_days_ago(3))
    colleague = p.issuer.mint(
        {"sub": "ss-2", "client_id": "social-test", "agency": "social", "organisation": MALMO}
        | {"user": "ss-2"}
    )
    added = await p.clients["intake"].post(
        f"/cases/{case_id}/team-members",
        json={"agency": "police", "organisation": "polisen-region-syd", "user": "samordnare-1"},
        headers={"Authorization": f"Bearer {colleague}"},
    )
    assert added.status_code == 201, added.text
    today = today_in_sweden()
    moved = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(
            LUND,
            requested=today - timedelta(days=2),
            decided=today - timedelta(days=1),
            effective=today,
        ),
    )
    assert moved.status_code == 201, moved.text
    path = f"/cases/{case_id}/responsibility"

    async def transfers_shown() -> bool:
        read = await p.get_as("police-syd", "social", path)
        return read.status_code == 200 and bool(read.json().get("transfers"))

    assert await wait_until(transfers_shown)
    [transfer] = (await p.get_as("police-syd", "social", path)).json()["transfers"]
    assert transfer == {"to_municipality": LUND, "effective_on": today.isoformat()}
