"""An infrastructure fault in the middle of a request: 503, and neither the row nor its event."""

from __future__ import annotations

import random

import pytest

from tests.fixtures.database import (
    count_events,
    count_rows,
    install_failing_trigger,
    remove_failing_trigger,
)
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform


# The answer's audit entry and intake's own consent state are written in the
# same transaction as the case: either failing takes the case with it.
@pytest.mark.parametrize("failing_table", ["outbox", "intake_case", "audit_log", "access_consent"])
async def test_a_database_error_mid_request_leaves_neither_the_case_nor_its_event(
    platform: RunningPlatform, failing_table: str
) -> None:
    intake = platform.runtime("intake")
    # One of the two inserts of the same transaction fails inside the
    # database, whichever the flush happens to run second.
    await install_failing_trigger(intake, failing_table)

    response = await platform.submit(application_body(random.Random(9)))

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    assert await count_rows(intake, "intake_case") == 0
    assert await count_events(intake) == 0

    await remove_failing_trigger(intake, failing_table)
    retry = await platform.submit(application_body(random.Random(9)))
    assert retry.status_code == 201
    assert await count_rows(intake, "intake_case") == 1
    assert await count_events(intake, "WHERE event_type = 'case.application_received'") == 1
