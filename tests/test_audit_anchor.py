"""The audit chain's head, kept outside the database, finds the newest entries removed or rewritten."""

from __future__ import annotations

import argparse
import logging
import random

import pytest

from avhopp_shared.access import audit
from avhopp_shared.access.audit_anchor import AuditHeadLog, parse_anchor
from avhopp_shared.access.tables import AuditEntryRow
from avhopp_shared.cli import verify_audit
from avhopp_shared.service_app import ServiceRuntime
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_audit_trail import _as_an_administrator_who_drops_the_guard, _execute


async def _reads(platform: RunningPlatform, count: int) -> ServiceRuntime:
    case_id = (await platform.submit(application_body(random.Random(9)))).json()["case_id"]
    for _ in range(count - 1):
        await platform.clients["intake"].get(f"/cases/{case_id}")
    return platform.runtime("intake")


async def _head(runtime: ServiceRuntime) -> tuple[int, str]:
    async with runtime.sessions() as session:
        report = await audit.verify_chain(audit.entries_in_order(session))
    assert report.intact and report.head_id is not None
    return report.head_id, report.head_hash


async def test_the_newest_entries_cut_off_the_chain_are_found_against_an_anchor(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = await _reads(embedded_platform, 5)
    settings = intake.settings
    assert await verify_audit(settings) == 0
    printed = capsys.readouterr().out
    anchor = parse_anchor(printed.rsplit("head ", 1)[1])
    assert anchor == await _head(intake)

    await _as_an_administrator_who_drops_the_guard(intake)
    await _execute(intake, "DELETE FROM audit_log WHERE id >= 4")

    # What is left still links up: only the anchor tells.
    assert await verify_audit(settings) == 0
    assert await verify_audit(settings, dict([anchor])) == 1
    assert "broken at entry 5: anchored entry is gone" in capsys.readouterr().out


async def test_the_newest_entry_rewritten_with_a_fresh_hash_is_found_against_an_anchor(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = await _reads(embedded_platform, 3)
    anchor_id, anchor_hash = await _head(intake)
    await _as_an_administrator_who_drops_the_guard(intake)

    # Whoever rewrites the newest entry can compute its hash anew.
    async with intake.sessions() as session:
        newest = await session.get(AuditEntryRow, anchor_id)
        assert newest is not None
        fields = {name: getattr(newest, name) for name in audit._HASHED_FIELDS}
        fields["agency"] = "police"
        forged = audit.entry_hash(newest.previous_hash, fields)
    await _execute(
        intake,
        f"UPDATE audit_log SET agency = 'police', entry_hash = '{forged}' WHERE id = {anchor_id}",
    )

    assert await verify_audit(intake.settings) == 0
    assert await verify_audit(intake.settings, {anchor_id: anchor_hash}) == 1
    assert "does not match the hash anchored for it" in capsys.readouterr().out


async def test_a_service_logs_its_chain_head_each_time_it_moves_and_only_then(
    embedded_platform: RunningPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    intake = await _reads(embedded_platform, 2)
    head_log = AuditHeadLog(intake.engine, "intake", every_seconds=60)
    caplog.set_level(logging.INFO, logger="avhopp.audit")

    await head_log.log_head()
    await head_log.log_head()
    await embedded_platform.submit(application_body(random.Random(10)))
    await head_log.log_head()

    anchors = [
        str(vars(r)["audit_anchor"]) for r in caplog.records if r.getMessage() == "audit chain head"
    ]
    assert len(anchors) == 2
    assert parse_anchor(anchors[-1]) == await _head(intake)
    assert anchors[0] != anchors[1]


@pytest.mark.parametrize("text", ["5", "5:abc", "x:" + "0" * 64, "5:" + "G" * 64])
def test_an_anchor_that_is_not_an_id_and_a_hash_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_anchor(text)


def test_an_anchor_reads_as_verify_audit_prints_it() -> None:
    assert parse_anchor(f" 12:{'a' * 64}\n") == (12, "a" * 64)
