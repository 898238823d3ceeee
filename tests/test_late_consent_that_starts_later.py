"""A consent to police that starts after it is recorded brings the case to police when
it starts (``started_grants``): recorded, it opened nothing, so police's services were
sent nothing, and the threat service, which opens its assessment task (PROCESS.md step
5) from the application's event alone, never heard of the case."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from avhopp_intake.service_layer.started_grants import StartSweeper
from tests.fixtures.people import POLICE_CONSENT
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_late_consent_reaches_police import (
    _applications_sent,
    _assessed_by_police,
    _case_without_consent,
)

#: How far ahead the consent starts: long enough to be recorded and swept before it.
AHEAD = timedelta(seconds=2)


async def _consent_starting_soon(platform: RunningPlatform, case_id: str) -> datetime:
    starts = datetime.now(UTC) + AHEAD
    given = await platform.clients["intake"].post(
        f"/cases/{case_id}/consents", json=POLICE_CONSENT | {"valid_from": starts.isoformat()}
    )
    assert given.status_code == 201, given.text
    assert given.json()["status"] == "pending", given.text
    return starts


def _sweeper(platform: RunningPlatform) -> StartSweeper:
    runtime = platform.runtime("intake")
    return StartSweeper(runtime.new_uow, runtime.gate)


async def _sleep_past(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.2)


async def test_a_consent_to_police_that_starts_later_lets_police_assess_the_case_once_it_starts(
    platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(platform)
    starts = await _consent_starting_soon(platform, case_id)
    await _sweeper(platform).sweep()
    sent_before_it_starts = await _applications_sent(platform, case_id, "police")

    await _sleep_past(starts)
    await _sweeper(platform).sweep()
    await _sweeper(platform).sweep()

    assert sent_before_it_starts == 1
    assert await _applications_sent(platform, case_id, "police") == 2
    assert await _applications_sent(platform, case_id, "social") == 1
    await _assessed_by_police(platform, case_id)


async def test_a_consent_in_force_when_recorded_is_never_sent_again_by_the_sweep(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(embedded_platform)
    given = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents", json=POLICE_CONSENT
    )
    assert given.status_code == 201, given.text

    await _sweeper(embedded_platform).sweep()

    assert await _applications_sent(embedded_platform, case_id, "police") == 2


async def test_intake_sweeps_started_consents_on_its_own_at_its_interval(
    sweeping_platform: RunningPlatform,
) -> None:
    case_id = await _case_without_consent(sweeping_platform)
    starts = await _consent_starting_soon(sweeping_platform, case_id)
    await _sleep_past(starts)

    async def sent() -> bool:
        return await _applications_sent(sweeping_platform, case_id, "police") == 2

    assert await wait_until(sent, timeout=10)
    await _assessed_by_police(sweeping_platform, case_id)
