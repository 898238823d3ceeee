"""Police's end of the exit arriving while follow-up records another end of it.

The person's abort (or the closing) and police's completion or abort can reach
follow-up at the same moment on PostgreSQL. Read without a lock, police's event
found the exit ongoing, waited for the abort's write, then wrote over it: the
person's abort and reason were lost and ISU counted the exit as ended twice.
Every change that depends on how the exit stands takes its row first
(``exit_records.exit_of``), so police's event decides on the abort it waited
for and changes nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

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
