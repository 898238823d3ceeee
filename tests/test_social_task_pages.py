"""GET /tasks is a listing filtered on task status (README, "Who sees what": a listing
filtered on a field, task status named, lists an item only when that field's category
is disclosed for it; offset and limit count the items shown, and only those are audited)."""

from __future__ import annotations

from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import utcnow
from tests.fixtures.database import count_rows
from tests.fixtures.events import envelope_of
from tests.fixtures.platform import RunningPlatform
from tests.test_consent_withdrawal_purges import _consent
from tests.test_social_municipality import social_case


async def _child_task(p: RunningPlatform, case_id: str) -> str:
    made = await p.clients["social"].post(
        f"/cases/{case_id}/children",
        json={"birth_year": 2020, "lives_with_person": True, "concern": "Kept home"},
    )
    assert made.status_code == 201, made.text
    return str(made.json()["task_id"])


async def _hold(p: RunningPlatform, case_id: str) -> None:
    """An access event of the case social services cannot read yet puts the case on hold
    there: nothing of it is disclosed until the event takes effect (README)."""
    social = p.runtime("social")
    consent_id = await _consent(p, case_id, "social", "threat")
    withdrawn = envelope_of(
        ConsentWithdrawn(case_id=case_id, consent_id=consent_id, withdrawn_at=utcnow()),
        case_id,
    )
    newer = withdrawn.model_copy(update={"schema_version": ConsentWithdrawn.schema_version + 1})
    assert social.consumer is not None
    await social.consumer(newer)
    assert await count_rows(social, "access_state_hold", f"WHERE case_id = '{case_id}'") == 1


async def test_a_task_of_a_case_on_hold_neither_takes_a_place_on_the_page_nor_is_audited(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    social = p.runtime("social")
    held_case = await social_case(p)
    await _child_task(p, held_case)
    other_case = await social_case(p)
    shown_task = await _child_task(p, other_case)
    await _hold(p, held_case)
    read_of_held = f"WHERE case_id = '{held_case}' AND resource = 'TaskPublic'"
    audited_before = await count_rows(social, "audit_log", read_of_held)

    page = await p.clients["social"].get("/tasks", params={"open": "true", "limit": 1})

    assert page.status_code == 200, page.text
    # The first open task shown is the other case's: the held one is not shown.
    assert [t["task_id"] for t in page.json()] == [shown_task], page.json()
    assert await count_rows(social, "audit_log", read_of_held) == audited_before
