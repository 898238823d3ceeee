"""Withdrawing one of two consents purges only what the other no longer covers.

ACCESS.md, "Consent records": subscribers purge what they may no longer hold. Police's
relapse report is ``followup`` (its case id ``case_ref``, policies/data/catalogue.json):
while a second consent still covers ``followup``, follow-up may still receive the
relapse and social services the report that opened their task, so withdrawing a
consent to ``case_ref`` alone leaves both.
"""

from __future__ import annotations

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import (
    _consent,
    _relapse_reported,
    _relapse_tasks,
    _withdraw,
)
from tests.test_police_case import _open_case


async def test_withdrawing_a_case_ref_consent_keeps_the_relapse_the_follow_up_consent_still_covers(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await _open_case(p)
    case_ref_only = await _consent(p, case_id, "social", "case_ref")
    await _consent(p, case_id, "social", "followup")
    await _relapse_reported(p, case_id)
    relapsed = f"WHERE case_id = '{case_id}' AND relapsed = true"
    entry = f"WHERE case_id = '{case_id}' AND reported_by = 'police' AND category = 'followup'"

    async def counted() -> bool:
        return (
            await count_rows(followup, "followup_isu_case", relapsed) == 1
            and await count_rows(followup, "followup_timeline_entry", entry) == 1
        )

    assert await wait_until(counted)

    await _withdraw(p, case_id, case_ref_only, "followup", "social")

    assert await count_rows(followup, "followup_timeline_entry", entry) == 1
    assert await count_rows(followup, "followup_isu_case", relapsed) == 1


async def test_withdrawing_a_case_ref_consent_keeps_the_relapse_task_the_follow_up_consent_still_covers(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    case_ref_only = await _consent(p, case_id, "social", "case_ref")
    await _consent(p, case_id, "social", "followup")
    task = await _relapse_reported(p, case_id)

    await _withdraw(p, case_id, case_ref_only, "followup", "social")

    assert [t["task_id"] for t in await _relapse_tasks(p, case_id)] == [task["task_id"]]


async def test_withdrawing_the_only_consent_to_case_ref_and_followup_still_forgets_the_relapse_and_its_task(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await _open_case(p)
    both = await _consent(p, case_id, "social", "case_ref", "followup")
    await _relapse_reported(p, case_id)
    relapsed = f"WHERE case_id = '{case_id}' AND relapsed = true"

    async def counted() -> bool:
        return await count_rows(followup, "followup_isu_case", relapsed) == 1

    assert await wait_until(counted)

    await _withdraw(p, case_id, both, "followup", "social")

    assert await count_rows(followup, "followup_isu_case", relapsed) == 0
    assert await _relapse_tasks(p, case_id) == []
