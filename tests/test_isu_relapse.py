"""ISU counts a relapse police report only where follow-up may know of it: the relapse
is police's ``followup`` (policies/data/catalogue.json), and a report the gate let
through with the case reference alone tells follow-up of no relapse."""

from __future__ import annotations

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import _consent, hit
from tests.test_police_case import _open_case


async def test_a_relapse_report_whose_follow_up_the_gate_withheld_is_not_counted_in_isu(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.runtime("followup")
    case_id = await _open_case(p)
    # Social services may see police's case reference, not their follow-up.
    await _consent(p, case_id, "social", "case_ref")

    checked = await p.clients["threat"].post(f"/cases/{case_id}/register-checks", json=hit())
    assert checked.status_code == 201, checked.text

    async def delivered() -> bool:
        where = f"WHERE case_id = '{case_id}' AND resource = 'RelapseReported'"
        return await count_rows(followup, "audit_log", where) == 1

    assert await wait_until(delivered)
    relapsed = f"WHERE case_id = '{case_id}' AND relapsed = true"
    assert await count_rows(followup, "followup_isu_case", relapsed) == 0
    noted = f"WHERE case_id = '{case_id}' AND milestone = 'relapse_reported'"
    assert await count_rows(followup, "followup_timeline_entry", noted) == 0
