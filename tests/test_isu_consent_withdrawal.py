"""ISU forgets a relapse police reported once the consent it came under is withdrawn,
also when that consent covered only ``followup`` (a relapse report is follow-up data):
follow-up no longer holds police's report, so its statistics cannot count it."""

from __future__ import annotations

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import _consent, _purges, _relapse_reported, _withdraw
from tests.test_police_case import _open_case


def _relapsed(case_id: str) -> str:
    return f"WHERE case_id = '{case_id}' AND relapsed = true"


def _police_relapse_entry(case_id: str) -> str:
    return f"WHERE case_id = '{case_id}' AND reported_by = 'police' AND category = 'followup'"


async def _relapse_counted(p: RunningPlatform, case_id: str) -> None:
    followup = p.runtime("followup")

    async def arrived() -> bool:
        return (
            await count_rows(followup, "followup_isu_case", _relapsed(case_id)) == 1
            and await count_rows(
                followup, "followup_timeline_entry", _police_relapse_entry(case_id)
            )
            == 1
        )

    assert await wait_until(arrived)


async def test_withdrawing_a_consent_covering_only_follow_up_makes_isu_forget_police_relapse(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await _open_case(p)
    consent_id = await _consent(p, case_id, "social", "followup")
    await _relapse_reported(p, case_id)
    await _relapse_counted(p, case_id)

    await _withdraw(p, case_id, consent_id, "followup")

    assert await _purges(p, "followup", case_id) == 1
    assert (
        await count_rows(followup, "followup_timeline_entry", _police_relapse_entry(case_id)) == 0
    )
    assert await count_rows(followup, "followup_isu_case", _relapsed(case_id)) == 0
    assert await count_rows(followup, "followup_isu_case", f"WHERE case_id = '{case_id}'") == 1


async def test_a_relapse_social_services_assessed_themselves_stays_counted_after_the_follow_up_consent_is_withdrawn(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await _open_case(p)
    consent_id = await _consent(p, case_id, "social", "followup")
    task = await _relapse_reported(p, case_id)
    await _relapse_counted(p, case_id)
    done = await p.clients["social"].post(
        f"/tasks/{task['task_id']}/completion", json={"outcome": "adjust_plan"}
    )
    assert done.status_code == 200, done.text
    own = (
        f"WHERE case_id = '{case_id}' AND milestone = 'assessment_made' AND reported_by != 'police'"
    )

    async def assessed() -> bool:
        return await count_rows(followup, "followup_timeline_entry", own) == 1

    assert await wait_until(assessed)

    await _withdraw(p, case_id, consent_id, "followup")

    assert (
        await count_rows(followup, "followup_timeline_entry", _police_relapse_entry(case_id)) == 0
    )
    # Their own assessment of the relapse is theirs: no withdrawal takes it away.
    assert await count_rows(followup, "followup_isu_case", _relapsed(case_id)) == 1
