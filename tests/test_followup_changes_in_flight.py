"""Two changes of one follow-up record in flight together: the first is made, the rest refused
(409/422) on what it committed, never recorded twice.

On PostgreSQL four phase changes to ``acute`` sent together each read the case
in its initial contact, and each was recorded and announced: ``acute`` four
times over. Four records of one meeting as held each found it not yet held;
the last notes to commit overwrote the others, and each added its own timeline
entry. The exit's row (phases) and the meeting's row are now locked first."""

from __future__ import annotations

import asyncio

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_followup_phases_and_reports import followed_case

IN_FLIGHT = 4


async def test_phase_changes_sent_together_record_one_change(platform: RunningPlatform) -> None:
    case_id = await followed_case(platform)
    followup = platform.clients["followup"]
    path = f"/cases/{case_id}/phases"
    day = today_in_sweden().isoformat()

    answers = await asyncio.gather(
        *(followup.post(path, json={"phase": "acute", "entered_on": day}) for _ in range(IN_FLIGHT))
    )

    statuses = sorted(a.status_code for a in answers)
    phases = (await followup.get(path)).json()
    history = [e["phase"] for e in phases["history"]]
    assert history == ["initial_contact", "acute"], (statuses, history)
    assert statuses.count(201) == 1, [a.text for a in answers]
    announced = f"WHERE key = '{case_id}' AND event_type = 'followup.phase_changed'"
    assert await count_events(platform.runtime("followup"), announced) == 1


async def test_a_meeting_recorded_as_held_twice_at_once_is_held_once_with_the_first_notes(
    platform: RunningPlatform,
) -> None:
    case_id = await followed_case(platform)
    followup = platform.clients["followup"]
    day = today_in_sweden().isoformat()
    made = await followup.post(
        f"/cases/{case_id}/meetings", json={"kind": "review", "scheduled_on": day}
    )
    assert made.status_code == 201, made.text
    held = f"/cases/{case_id}/meetings/{made.json()['meeting_id']}/held"

    answers = await asyncio.gather(
        *(
            followup.post(held, json={"held_on": day, "notes": f"finding {i}"})
            for i in range(IN_FLIGHT)
        )
    )

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] + [409] * (IN_FLIGHT - 1), [a.text for a in answers]
    [ok] = [a.json() for a in answers if a.status_code == 200]
    [meeting] = (await followup.get(f"/cases/{case_id}/meetings")).json()
    assert meeting["notes"] == ok["notes"]
    notes = await count_rows(
        platform.runtime("followup"),
        "followup_timeline_entry",
        f"WHERE case_id = '{case_id}' AND milestone = 'follow_up_meeting'",
    )
    assert notes == 1
