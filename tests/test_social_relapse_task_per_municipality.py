"""Police's relapse report reaches social services only under the person's consent covering
``followup``, as police's record (README, social services), and a social-services
recipient is one municipality (README, "Beyond consent": secrecy holds between them). The
task it opens is that report: a municipality working the case without that consent
neither lists nor completes it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_consent_withdrawal_purges import hit
from tests.test_police_case import _open_case


async def _consent_to(p: RunningPlatform, case_id: str, municipality: str) -> None:
    given = await p.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "social", "organisation": municipality}],
            "categories": ["case_ref", "followup"],
            "purposes": ["investigation"],
            "method": "written",
            "document_reference": "Synthetic consent form, to one municipality",
        },
    )
    assert given.status_code == 201, given.text
    consent_id = str(given.json()["consent_id"])

    async def known() -> bool:
        where = f"WHERE consent_id = '{consent_id}'"
        return await count_rows(p.runtime("social"), "access_consent", where) == 1

    assert await wait_until(known)


async def _relapse_reported(p: RunningPlatform, case_id: str) -> str:
    """Police report a relapse; the id of the task social services opened for it."""
    checked = await p.clients["threat"].post(f"/cases/{case_id}/register-checks", json=hit())
    assert checked.status_code == 201, checked.text
    social = p.runtime("social")
    where = f"WHERE case_id = '{case_id}' AND kind = 'assess_relapse'"

    async def opened() -> bool:
        return await count_rows(social, "social_task", where) == 1

    assert await wait_until(opened)
    async with social.engine.connect() as connection:
        return str(await connection.scalar(text(f"SELECT task_id FROM social_task {where}")))


async def _relapse_tasks(p: RunningPlatform, client: str, case_id: str) -> Any:
    listed = await p.get_as(client, "social", f"/tasks?case_id={case_id}&kind=assess_relapse")
    assert listed.status_code == 200, listed.text
    return listed.json()


async def _complete(p: RunningPlatform, client: str, task_id: str) -> Any:
    return await p.clients["social"].post(
        f"/tasks/{task_id}/completion", json={"outcome": "continue"}, headers=p.auth(client)
    )


async def test_a_municipality_without_the_consent_neither_lists_nor_completes_police_relapse(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)  # received by Malmö (1280), which is responsible
    # The person lets police's follow-up reach Lund's social services only.
    await _consent_to(p, case_id, "1281")
    task_id = await _relapse_reported(p, case_id)

    assert await _relapse_tasks(p, "social-malmo", case_id) == []
    completed = await _complete(p, "social-malmo", task_id)
    # The task of a report Malmö may not read is, to Malmö, no task at all.
    assert completed.status_code == 404, completed.text
    where = f"WHERE task_id = '{task_id}' AND done_at IS NULL"
    assert await count_rows(p.runtime("social"), "social_task", where) == 1


async def test_the_municipality_the_consent_names_lists_and_completes_police_relapse(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await _consent_to(p, case_id, "1280")  # Malmö, responsible for the case
    task_id = await _relapse_reported(p, case_id)

    [listed] = await _relapse_tasks(p, "social-malmo", case_id)
    completed = await _complete(p, "social-malmo", task_id)

    assert listed["task_id"] == task_id
    assert "(check " in listed["reason"]
    assert completed.status_code == 200, completed.text
    assert completed.json()["outcome"] == "continue"


async def test_a_relapse_already_assessed_reads_without_police_check_where_the_consent_does_not_reach(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await _consent_to(p, case_id, "1280")  # Malmö only
    task_id = await _relapse_reported(p, case_id)
    completed = await _complete(p, "social-malmo", task_id)
    assert completed.status_code == 200, completed.text
    # The case moves to Lund, which the person's consent to police's follow-up does not name.
    today = today_in_sweden().isoformat()
    moved = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility/transfers",
        json={
            "to_municipality": "1281",
            "requested_on": today,
            "decided_on": today,
            "effective_on": today,
        },
    )
    assert moved.status_code == 201, moved.text

    [listed] = await _relapse_tasks(p, "social-lund", case_id)

    # Malmö's assessment is social services' own record and stays with the case; the
    # id and date of police's register check are police's, which Lund may not read.
    assert (listed["task_id"], listed["outcome"]) == (task_id, "continue")
    assert listed["reason"] == (
        "Police reported a relapse at a follow-up register check: "
        "assess individually what is to be done."
    )
