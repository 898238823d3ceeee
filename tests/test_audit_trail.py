"""The audit trail is tamper-evident: any changed, removed or reordered entry is found."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from avhopp_shared.access import audit
from avhopp_shared.cli import verify_audit
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform


async def _chain(runtime: ServiceRuntime) -> audit.ChainReport:
    async with runtime.sessions() as session:
        return await audit.verify_chain(audit.entries_in_order(session))


async def _five_reads(platform: RunningPlatform) -> ServiceRuntime:
    case_id = (await platform.submit(application_body(random.Random(5)))).json()["case_id"]
    for _ in range(4):
        await platform.clients["intake"].get(f"/cases/{case_id}")
    return platform.runtime("intake")


async def _execute(runtime: ServiceRuntime, statement: str) -> None:
    async with runtime.engine.begin() as connection:
        await connection.execute(text(statement))


async def _as_an_administrator_who_drops_the_guard(runtime: ServiceRuntime) -> None:
    await _execute(runtime, "DROP TRIGGER audit_log_no_update")
    await _execute(runtime, "DROP TRIGGER audit_log_no_delete")


@pytest.mark.parametrize(
    "change",
    ["UPDATE audit_log SET agency = 'police'", "DELETE FROM audit_log"],
    ids=["update", "delete"],
)
async def test_the_database_refuses_to_change_or_delete_an_audit_entry(
    platform: RunningPlatform, change: str
) -> None:
    intake = await _five_reads(platform)

    with pytest.raises(DBAPIError, match="append-only"):
        await _execute(intake, change)

    assert (await _chain(intake)).entries == 5


async def test_an_untouched_chain_verifies(platform: RunningPlatform) -> None:
    intake = await _five_reads(platform)

    report = await _chain(intake)

    assert report.intact
    assert report.entries == 5


@pytest.mark.parametrize(
    "tampering",
    [
        "UPDATE audit_log SET agency = 'police' WHERE id = 3",
        "UPDATE audit_log SET disclosed = '[]' WHERE id = 3",
        'UPDATE audit_log SET withheld = \'{"health": "no consent"}\' WHERE id = 3',
        "UPDATE audit_log SET purpose = 'followup' WHERE id = 3",
        "DELETE FROM audit_log WHERE id = 3",
    ],
    ids=["who", "disclosed", "withheld", "purpose", "deleted"],
)
async def test_tampering_with_any_entry_is_detected_at_that_entry(
    embedded_platform: RunningPlatform, tampering: str
) -> None:
    intake = await _five_reads(embedded_platform)
    await _as_an_administrator_who_drops_the_guard(intake)

    await _execute(intake, tampering)
    report = await _chain(intake)

    assert not report.intact
    # A changed entry fails its own hash; a removed one breaks the link of the next.
    assert report.first_broken_id == (4 if tampering.startswith("DELETE") else 3)


async def test_the_verify_command_reports_the_first_broken_entry(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = await _five_reads(embedded_platform)
    settings = intake.settings

    assert await verify_audit(settings) == 0
    assert "intact, 5 entries" in capsys.readouterr().out

    await _as_an_administrator_who_drops_the_guard(intake)
    await _execute(intake, "UPDATE audit_log SET client_id = 'someone-else' WHERE id = 2")

    assert await verify_audit(settings) == 1
    assert "broken at entry 2" in capsys.readouterr().out
