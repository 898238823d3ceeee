"""SQLite's INSERT OR REPLACE cannot slip past the audit log's append-only guard.

On SQLite the guard is two triggers (BEFORE UPDATE, BEFORE DELETE). REPLACE removes the
row it collides with by an implicit delete that fires delete triggers only with
``recursive_triggers`` on; without it, the newest entry could be rewritten in place with
a recomputed hash, and the chain (which has no later entry to link to it) still verified.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from avhopp_shared.access import audit
from avhopp_shared.access.tables import AuditEntryRow
from avhopp_shared.cli import verify_audit
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

# The newest entry again, under its own id, with another client and nothing disclosed.
_REPLACE_ENTRY = (
    "INSERT OR REPLACE INTO audit_log (id, recorded_at, channel, client_id, user, "
    "agency, organisation, case_id, resource, purpose, disclosed, withheld, bases, "
    "decision_id, policy_revision, previous_hash, entry_hash, note) "
    "SELECT id, recorded_at, channel, :client, user, agency, organisation, case_id, "
    "resource, purpose, '[]', withheld, bases, decision_id, policy_revision, "
    "previous_hash, :digest, note FROM audit_log WHERE id = :id"
)


async def test_insert_or_replace_cannot_rewrite_the_newest_audit_entry(
    embedded_platform: RunningPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    case_id = (await embedded_platform.submit(application_body(random.Random(5)))).json()["case_id"]
    for _ in range(2):
        await embedded_platform.clients["intake"].get(f"/cases/{case_id}")
    intake = embedded_platform.runtime("intake")
    async with intake.engine.connect() as connection:
        newest = (
            await connection.execute(select(AuditEntryRow).where(col(AuditEntryRow.id) == 3))
        ).one()
    original = {name: getattr(newest, name) for name in audit._HASHED_FIELDS}
    forged = {**original, "client_id": "someone-else", "disclosed": []}
    digest = audit.entry_hash(newest.previous_hash, forged)

    with pytest.raises(DBAPIError, match="append-only"):
        async with intake.engine.begin() as connection:
            await connection.execute(
                text(_REPLACE_ENTRY), {"client": "someone-else", "digest": digest, "id": 3}
            )

    async with intake.engine.begin() as connection:
        client_now = (
            await connection.execute(text("SELECT client_id FROM audit_log WHERE id = 3"))
        ).scalar_one()
    assert client_now == original["client_id"]
    assert await verify_audit(intake.settings) == 0
    assert "intact, 3 entries" in capsys.readouterr().out
