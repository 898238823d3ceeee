"""Just after Swedish midnight "today" is already the next day in every rule of the
follow-up service too (README: days are Swedish days, Europe/Stockholm): a phase
entered and work reported on that Swedish day are not in the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import avhopp_followup.entrypoints.provider_report_routes as provider_report_routes
import avhopp_followup.service_layer.phases as phases_service
import avhopp_shared.municipal_responsibility as municipal_responsibility
from tests.fixtures.platform import RunningPlatform
from tests.test_followup_phases_and_reports import (
    HOUSING,
    PROVIDER_CLIENT,
    commission,
    followed_case,
    report,
)
from tests.test_social_swedish_day_fixes import AFTER_SWEDISH_MIDNIGHT, SWEDISH_TODAY


@pytest.fixture
def after_swedish_midnight(monkeypatch: pytest.MonkeyPatch) -> date:
    """Every clock the follow-up rules read at 23:30 UTC; the Swedish date it is then."""
    for module in (municipal_responsibility, phases_service, provider_report_routes):
        monkeypatch.setattr(module, "utcnow", lambda: AFTER_SWEDISH_MIDNIGHT)
    return SWEDISH_TODAY


async def _case(platform: RunningPlatform) -> str:
    # Received days ago, so that every date these tests use comes after it.
    return await followed_case(
        platform, received_at=(datetime.now(UTC) - timedelta(days=3)).isoformat()
    )


async def test_a_phase_entered_on_the_swedish_day_is_accepted_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, after_swedish_midnight: date
) -> None:
    case_id = await _case(embedded_platform)

    moved = await embedded_platform.clients["followup"].post(
        f"/cases/{case_id}/phases",
        json={"phase": "acute", "entered_on": after_swedish_midnight.isoformat()},
    )

    assert moved.status_code == 201, moved.text
    assert moved.json()["history"][-1]["entered_on"] == after_swedish_midnight.isoformat()


async def test_work_a_provider_did_on_the_swedish_day_is_reported_just_after_swedish_midnight(
    embedded_platform: RunningPlatform, after_swedish_midnight: date
) -> None:
    case_id = await _case(embedded_platform)
    await commission(embedded_platform, case_id, HOUSING)
    day = after_swedish_midnight.isoformat()
    monday = after_swedish_midnight - timedelta(days=after_swedish_midnight.weekday())

    reported = await embedded_platform.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=report(
            week_starting=monday.isoformat(),
            contacts=[{"kind": "meeting", "on": day, "minutes": 45}],
            treatment_sessions=[{"kind": "cbt", "on": day, "minutes": 60}],
        ),
        headers=embedded_platform.auth(PROVIDER_CLIENT[HOUSING]),
    )

    assert reported.status_code == 201, reported.text
