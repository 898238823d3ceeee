"""A consent that ends by time reaches the copies it brought, as a withdrawal does.

ACCESS.md, "Consent records": a consent is valid until ``valid_to`` or until withdrawn,
and subscribers that already hold data purge it. The gate stops reads and deliveries the
moment ``valid_to`` passes; the expiry sweep (access.expiry_sweep) then purges what each
service kept of the consent's categories, deciding on the state at that moment (another
consent still in force keeps what it covers), once per consent, on the audit trail.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from avhopp_shared.access.expiry_sweep import ExpirySweeper
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.database import count_rows
from tests.fixtures.platform import (
    RunningPlatform,
    wait_until,
)
from tests.test_consent_withdrawal_purges import _consent, _relapse_reported, _relapse_tasks
from tests.test_police_case import _open_case

SECONDS = 4
REASON = "Returned to the network"


async def _short_consent(p: RunningPlatform, case_id: str) -> tuple[str, datetime]:
    """A consent to police's case reference and follow-up that ends in a few seconds."""
    ends = datetime.now(UTC) + timedelta(seconds=SECONDS)
    given = await p.clients["intake"].post(
        f"/cases/{case_id}/consents",
        json={
            "recipients": [{"agency": "social"}],
            "categories": ["case_ref", "followup"],
            "purposes": ["investigation"],
            "method": "written",
            "document_reference": "Synthetic consent form, short",
            "valid_to": ends.isoformat(),
        },
    )
    assert given.status_code == 201, given.text
    consent_id = str(given.json()["consent_id"])
    for service in ("social", "followup"):
        runtime = p.runtime(service)

        async def known(runtime: ServiceRuntime = runtime) -> bool:
            where = f"WHERE consent_id = '{consent_id}'"
            return await count_rows(runtime, "access_consent", where) == 1

        assert await wait_until(known)
    return consent_id, ends


async def _sleep_past(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.2)


def _sweeper(p: RunningPlatform, service: str) -> ExpirySweeper:
    sweeper = p.runtime(service).expiry_sweeper
    assert sweeper is not None
    return sweeper


async def _swept(p: RunningPlatform) -> None:
    """Runs the sweep once in each service that keeps police's copies."""
    for service in ("social", "followup"):
        await _sweeper(p, service).sweep()


async def _relapses(p: RunningPlatform, case_id: str) -> int:
    relapsed = f"WHERE case_id = '{case_id}' AND relapsed = true"
    return await count_rows(p.runtime("followup"), "followup_isu_case", relapsed)


async def _relapse_counted(p: RunningPlatform, case_id: str) -> None:
    async def counted() -> bool:
        return await _relapses(p, case_id) == 1

    assert await wait_until(counted)


async def _expiry_purges(p: RunningPlatform, service: str, case_id: str) -> int:
    where = f"WHERE channel = 'purge' AND case_id = '{case_id}' AND resource = 'consent expiry'"
    return await count_rows(p.runtime(service), "audit_log", where)


async def _aborted_by_police(p: RunningPlatform, case_id: str) -> None:
    aborted = await p.clients["threat"].post(
        f"/cases/{case_id}/police-case/abort", json={"reason": REASON}
    )
    assert aborted.status_code == 200, aborted.text

    async def noted() -> bool:
        exit_now = (await p.clients["followup"].get(f"/cases/{case_id}/exit")).json()
        return bool(exit_now["status"] == "aborted")

    assert await wait_until(noted)


async def test_police_abort_reason_is_no_longer_shown_once_the_consent_has_ended(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    _, ends = await _short_consent(p, case_id)
    await _aborted_by_police(p, case_id)
    await _sleep_past(ends)

    await _swept(p)

    exit_now = (await p.clients["followup"].get(f"/cases/{case_id}/exit")).json()
    assert exit_now.get("reason") != REASON, exit_now
    assert exit_now["status"] == "ongoing", exit_now


async def test_police_relapse_is_no_longer_counted_once_the_consent_has_ended(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    _, ends = await _short_consent(p, case_id)
    await _relapse_reported(p, case_id)
    await _relapse_counted(p, case_id)
    await _sleep_past(ends)

    await _swept(p)

    assert await _relapses(p, case_id) == 0


async def test_the_relapse_task_police_report_opened_goes_once_the_consent_has_ended(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    _, ends = await _short_consent(p, case_id)
    await _relapse_reported(p, case_id)
    await _sleep_past(ends)

    await _swept(p)

    # The consent covered case_ref and followup, and nothing else brings either: the
    # open task police's report opened goes, as at a withdrawal.
    assert await _relapse_tasks(p, case_id) == []


async def test_a_consent_still_in_force_keeps_what_it_covers_when_another_ends(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    _, ends = await _short_consent(p, case_id)
    await _consent(p, case_id, "social", "followup")
    task = await _relapse_reported(p, case_id)
    await _relapse_counted(p, case_id)
    await _sleep_past(ends)

    await _swept(p)

    assert await _relapses(p, case_id) == 1
    [kept] = await _relapse_tasks(p, case_id)
    assert kept["task_id"] == task["task_id"]
    assert kept["reason"] == task["reason"]


async def test_an_ended_consent_is_swept_once_and_the_purge_is_audited(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    consent_id, ends = await _short_consent(p, case_id)
    await _relapse_reported(p, case_id)
    await _sleep_past(ends)

    # Other tests' grants may end too: the count is of this consent's claim and purge.
    await _swept(p)
    await _swept(p)

    claimed = f"WHERE kind = 'consent' AND grant_id = '{consent_id}'"
    for service in ("social", "followup"):
        assert await count_rows(p.runtime(service), "access_expiry_swept", claimed) == 1
        assert await _expiry_purges(p, service, case_id) == 1


async def test_a_consent_still_in_force_is_not_swept(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    consent_id, _ = await _short_consent(p, case_id)
    await _relapse_reported(p, case_id)
    await _relapse_counted(p, case_id)

    await _swept(p)

    assert await _relapses(p, case_id) == 1
    claimed = f"WHERE grant_id = '{consent_id}'"
    assert await count_rows(p.runtime("followup"), "access_expiry_swept", claimed) == 0


async def test_the_sweep_runs_on_its_own_at_its_interval(
    sweeping_platform: RunningPlatform,
) -> None:
    p = sweeping_platform
    case_id = await _open_case(p)
    _, ends = await _short_consent(p, case_id)
    await _relapse_reported(p, case_id)
    await _relapse_counted(p, case_id)
    await _sleep_past(ends)

    async def forgotten() -> bool:
        return await _relapses(p, case_id) == 0 and await _relapse_tasks(p, case_id) == []

    assert await wait_until(forgotten)


@pytest.mark.parametrize("mode", ["distributed"])
async def test_replicas_sweeping_together_on_postgresql_purge_an_ended_consent_once(
    platform: RunningPlatform,
) -> None:
    p = platform
    case_id = await _open_case(p)
    consent_id, ends = await _short_consent(p, case_id)
    await _relapse_reported(p, case_id)
    await _relapse_counted(p, case_id)
    await _sleep_past(ends)

    # Two sweepers on one database, as two replicas of follow-up would run them.
    first = _sweeper(p, "followup")
    second = ExpirySweeper(first.new_uow, first.gate, first.recipient, first.purgers)
    await asyncio.gather(first.sweep(), second.sweep(), first.sweep())

    assert await _relapses(p, case_id) == 0
    claimed = f"WHERE kind = 'consent' AND grant_id = '{consent_id}'"
    assert await count_rows(p.runtime("followup"), "access_expiry_swept", claimed) == 1
    assert await _expiry_purges(p, "followup", case_id) == 1
