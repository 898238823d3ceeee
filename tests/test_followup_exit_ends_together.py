"""Police's end of the exit arriving while follow-up records another end of it.

The person's abort (or the closing) and police's completion or abort can reach
follow-up at the same moment on PostgreSQL. Read without a lock, police's event
found the exit ongoing, waited for the abort's write, then wrote over it: the
person's abort and reason were lost and ISU counted the exit as ended twice.
Every change that depends on how the exit stands takes its row first
(``exit_records.exit_of``), so police's event decides on the abort it waited
for and changes nothing.

The consumer used to take the audit chain's lock first (its gate audited the event
before the handler ran) and the exit's row after; a phase change takes the row
first and the chain's lock with its answer's disclosure. The two deadlocked, and a
valid change got 503. The consumer's entries are now written after its handlers.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from avhopp_followup.entrypoints import phase_routes
from avhopp_followup.service_layer import exits, phases
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_police_case import _open_case


@pytest.mark.parametrize("mode", ["distributed"], indirect=True)
async def test_police_completing_the_exit_while_the_persons_abort_commits_keeps_the_abort(
    platform: RunningPlatform,
) -> None:
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)
    followup = platform.runtime("followup")
    async with followup.engine.connect() as writer, followup.engine.connect() as watcher:
        # The person's abort, being recorded: the exit's row changed, not yet committed.
        transaction = await writer.begin()
        await writer.execute(
            text(
                "UPDATE followup_exit SET status = 'aborted', aborted_by = 'person', "
                "ended_on = :day, reason = 'Changed their mind', "
                "social_support_continues = true WHERE case_id = :case_id"
            ),
            {"day": today_in_sweden(), "case_id": case_id},
        )
        completion = await platform.clients["threat"].post(
            f"/cases/{case_id}/police-case/completion", json={"plan_carried_out": True}
        )
        assert completion.status_code in (200, 201), completion.text

        async def police_end_waits() -> bool:
            # Police's event is being applied: its transaction waits on the row.
            waiting = await watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            await watcher.rollback()
            return bool(waiting)

        assert await wait_until(police_end_waits)
        await transaction.commit()

    async def police_end_consumed() -> bool:
        where = "WHERE event_type = 'threat.exit_completed'"
        return await count_rows(followup, "inbox", where) == 1

    assert await wait_until(police_end_consumed)
    exit_now = (await platform.clients["followup"].get(f"/cases/{case_id}/exit")).json()
    assert (exit_now["status"], exit_now["aborted_by"], exit_now["reason"]) == (
        "aborted",
        "person",
        "Changed their mind",
    )


@pytest.mark.parametrize("mode", ["distributed"], indirect=True)
async def test_a_phase_change_and_police_abort_in_flight_together_both_take_effect_without_deadlock(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await _open_case(platform)
    await consent_social_to_police_records(platform, case_id)
    followup = platform.clients["followup"]
    assert (await platform.eventually("followup", f"/cases/{case_id}/exit")).status_code == 200

    route_locked, release_route = asyncio.Event(), asyncio.Event()
    consumer_in_handler, release_consumer = asyncio.Event(), asyncio.Event()
    record_phase_change = phases.record_phase_change
    current = exits._current

    async def paused_phase_change(*args, **kwargs):  # type: ignore[no-untyped-def]
        # The exit's row is locked already (``exit_shown`` is computed first).
        route_locked.set()
        await release_route.wait()
        return await record_phase_change(*args, **kwargs)

    async def paused_current(uow, case_id_):  # type: ignore[no-untyped-def]
        # The gate has decided on police's event: its entry is written after the
        # handler, so the chain's lock is not held here.
        consumer_in_handler.set()
        await release_consumer.wait()
        return await current(uow, case_id_)

    monkeypatch.setattr(phase_routes, "record_phase_change", paused_phase_change)
    monkeypatch.setattr(exits, "_current", paused_current)

    day = today_in_sweden().isoformat()
    change = asyncio.create_task(
        followup.post(f"/cases/{case_id}/phases", json={"phase": "acute", "entered_on": day})
    )
    await asyncio.wait_for(route_locked.wait(), 10)
    aborted = await platform.clients["threat"].post(
        f"/cases/{case_id}/police-case/abort", json={"reason": "Returned to the network"}
    )
    assert aborted.status_code == 200, aborted.text
    await asyncio.wait_for(consumer_in_handler.wait(), 20)
    release_route.set()
    await asyncio.sleep(0.3)  # the request now waits for the audit chain's lock
    release_consumer.set()
    answer = await asyncio.wait_for(change, 30)

    async def ended() -> bool:
        read = (await followup.get(f"/cases/{case_id}/exit")).json()
        return bool(read["status"] == "aborted")

    assert answer.status_code == 201, (answer.status_code, answer.text)
    assert await wait_until(ended, timeout=20)
