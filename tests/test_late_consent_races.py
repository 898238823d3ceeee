"""Grants and withdrawals on one case in flight together, with police's services told of
the case by what they leave behind (PostgreSQL: replicas, a retry, a double click).

README: a consent or legal basis recorded later that opens the case to police sends the
threat service the application then (``case_to_police``). Whether the grant opens the
case is decided on the state before it; decided while another change of the case's
state is still in flight, it is decided on a state that is no longer the one the grant
follows, and police's services are told of the case either never or twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from avhopp_intake.entrypoints import consent_routes
from avhopp_intake.service_layer import access_grants, case_to_police, consents
from tests.fixtures.broker import kafka_broker  # noqa: F401
from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.fixtures.postgres import create_pg_databases  # noqa: F401
from tests.test_late_consent_reaches_police import _applications_sent, _case_without_consent

LEGAL_BASIS_FOR_POLICE = {
    "reference": "10 kap. 18 a § OSL",
    "recipient": {"agency": "police"},
    "categories": ["case_ref"],
    "note": "Needed to prevent a serious crime against the person",
}

_FOR_POLICE = "topic = 'avhopp.for-police.case'"


async def _waits_for_the_case_state(platform: RunningPlatform) -> bool:
    """Whether a transaction at intake waits for another's lock on a case's access state."""
    async with platform.runtime("intake").engine.connect() as connection:
        waiting = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE '%access_state_version%'"
            )
        )
    return bool(waiting)


async def _decided_or_waiting(platform: RunningPlatform, decided: asyncio.Event) -> None:
    """Until the change let in second has decided whether police's services knew of the
    case, or waits for the first to end before it decides."""

    async def either() -> bool:
        return decided.is_set() or await _waits_for_the_case_state(platform)

    assert await wait_until(either, timeout=10, interval=0.05)


def _noting(decided: asyncio.Event, after: asyncio.Event | None = None) -> Callable[..., Any]:
    """``police_know_of`` that sets ``decided`` on a decision taken once ``after`` is set
    (on any decision without it)."""

    async def noted(*args: Any, **kwargs: Any) -> bool:
        answer = await case_to_police.police_know_of(*args, **kwargs)
        if after is None or after.is_set():
            decided.set()
        return answer

    return noted


def _pause_withdrawal(
    monkeypatch: pytest.MonkeyPatch, staged: asyncio.Event, commit: asyncio.Event
) -> None:
    """Withdrawals hold, staged and uncommitted, until ``commit`` is set."""
    withdraw = consents.withdraw_consent  # as the route calls it

    async def paused(*args: Any, **kwargs: Any) -> Any:
        done = await withdraw(*args, **kwargs)
        staged.set()
        await commit.wait()
        return done

    monkeypatch.setattr(consent_routes, "withdraw_consent", paused)


async def _police_heard_everything(platform: RunningPlatform, case_id: str) -> None:
    """Until police's threat service has taken every event intake sent it of the case."""
    async with platform.runtime("intake").engine.connect() as connection:
        sent = (
            await connection.scalars(
                text(f"SELECT event_id FROM outbox WHERE key = :case AND {_FOR_POLICE}"),
                {"case": case_id},
            )
        ).all()

    async def taken() -> bool:
        async with platform.runtime("threat").engine.connect() as connection:
            heard = await connection.scalar(
                text("SELECT count(DISTINCT event_id) FROM inbox WHERE event_id = ANY(:ids)"),
                {"ids": list(sent)},
            )
        return bool(heard == len(set(sent)))

    assert await wait_until(taken, timeout=30), "police's services never took every event"


async def _police_tasks(platform: RunningPlatform, case_id: str) -> int:
    where = f"WHERE case_id = '{case_id}'"
    return await count_rows(platform.runtime("threat"), "threat_assessment_task", where)


async def _opened_while_the_consent_is_withdrawn(
    platform: RunningPlatform,
    monkeypatch: pytest.MonkeyPatch,
    decided: asyncio.Event,
    open_it: Callable[[str], Coroutine[Any, Any, httpx.Response]],
) -> str:
    """A case police assess on the application's consent; that consent withdrawn while
    ``open_it`` opens the case to police again: the case, once both are made."""
    intake = platform.clients["intake"]
    case_id = str((await platform.submit(application_body())).json()["case_id"])
    task = f"/cases/{case_id}/threat-assessment-task"
    assert (await platform.eventually("threat", task, timeout=20)).status_code == 200
    [old] = (await intake.get(f"/cases/{case_id}/consents")).json()
    staged, commit = asyncio.Event(), asyncio.Event()
    _pause_withdrawal(monkeypatch, staged, commit)

    withdrawal = asyncio.create_task(
        intake.post(f"/cases/{case_id}/consents/{old['consent_id']}/withdrawal", json={})
    )
    await asyncio.wait_for(staged.wait(), 10)
    opening = asyncio.create_task(open_it(case_id))
    await _decided_or_waiting(platform, decided)
    commit.set()
    withdrawn, opened = await asyncio.wait_for(asyncio.gather(withdrawal, opening), 30)

    assert withdrawn.status_code == 200, withdrawn.text
    assert opened.status_code == 201, opened.text
    return case_id


@pytest.mark.parametrize("mode", ["distributed"], indirect=True)
async def test_a_police_consent_recorded_while_the_old_one_is_withdrawn_brings_the_case_to_police(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    decided = asyncio.Event()
    monkeypatch.setattr(consents, "police_know_of", _noting(decided))

    async def consent(case_id: str) -> httpx.Response:
        return await platform.clients["intake"].post(
            f"/cases/{case_id}/consents", json=POLICE_CONSENT
        )

    case_id = await _opened_while_the_consent_is_withdrawn(platform, monkeypatch, decided, consent)

    # The new consent opens the case to police: intake lets police read it ...
    read = await platform.get_as("police-syd", "intake", f"/cases/{case_id}")
    assert read.status_code == 200, read.text
    # ... and police's threat service, having taken the withdrawal's purge and the new
    # consent, holds the pending task to assess it.
    await _police_heard_everything(platform, case_id)
    assert await _police_tasks(platform, case_id) == 1


@pytest.mark.parametrize("mode", ["distributed"], indirect=True)
async def test_a_legal_basis_for_police_recorded_while_the_consent_is_withdrawn_brings_the_case_to_police(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    decided = asyncio.Event()
    monkeypatch.setattr(access_grants, "police_know_of", _noting(decided))

    async def legal_basis(case_id: str) -> httpx.Response:
        return await platform.clients["intake"].post(
            f"/cases/{case_id}/legal-bases", json=LEGAL_BASIS_FOR_POLICE
        )

    case_id = await _opened_while_the_consent_is_withdrawn(
        platform, monkeypatch, decided, legal_basis
    )

    await _police_heard_everything(platform, case_id)
    assert await _police_tasks(platform, case_id) == 1


@pytest.mark.parametrize("mode", ["distributed"], indirect=True)
async def test_two_police_consents_recorded_together_send_police_the_application_once_more(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = platform.clients["intake"]
    case_id = await _case_without_consent(platform)
    first_staged, release_first, decided = asyncio.Event(), asyncio.Event(), asyncio.Event()
    store = consents.store_granted
    stored = 0

    async def paused_store(*args: Any, **kwargs: Any) -> None:
        nonlocal stored
        stored += 1
        first = stored == 1
        await store(*args, **kwargs)  # intake's state of the case is changed, uncommitted
        if first:
            first_staged.set()
            await release_first.wait()

    monkeypatch.setattr(consents, "store_granted", paused_store)
    monkeypatch.setattr(consents, "police_know_of", _noting(decided, first_staged))

    first = asyncio.create_task(intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT))
    await asyncio.wait_for(first_staged.wait(), 10)
    second = asyncio.create_task(intake.post(f"/cases/{case_id}/consents", json=POLICE_CONSENT))
    await _decided_or_waiting(platform, decided)
    release_first.set()
    answers = await asyncio.wait_for(asyncio.gather(first, second), 30)

    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    # The application's own copy, and one more when the first consent opened the case;
    # the second finds it open to police already.
    assert await _applications_sent(platform, case_id, "police") == 2
