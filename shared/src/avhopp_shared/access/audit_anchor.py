"""Anchors for the audit chain: its head, kept outside the database.

The chain (``audit``) shows any entry changed, removed or reordered, except
the newest ones: cut off the end, what is left still links up. So every
service writes its chain's head to its log when it has moved (the log leaves
the machine for the operator's log store, out of reach of whoever can write
the database), and ``verify-audit --anchor ID:HASH`` checks that an anchored
entry is still there with its hash. ACCESS.md, "Audit": tamper-evident.

An anchor names an entry id and a hash only: nothing of what was disclosed.
"""

from __future__ import annotations

import argparse
import logging
import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from avhopp_shared.access.audit import ChainReport
from avhopp_shared.access.tables import AuditEntryRow
from avhopp_shared.periodic import Periodic

log = logging.getLogger("avhopp.audit")

_log = AuditEntryRow.__table__  # type: ignore[attr-defined]
_NEWEST = select(_log.c.id, _log.c.entry_hash).order_by(_log.c.id.desc()).limit(1)
_ANCHOR = re.compile(r"(\d+):([0-9a-f]{64})")


def parse_anchor(text: str) -> tuple[int, str]:
    """``ID:HASH`` as the head log line and ``verify-audit`` print it."""
    match = _ANCHOR.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not ID:HASH (a 64-digit hex hash)")
    return int(match.group(1)), match.group(2)


def anchor_text(report: ChainReport) -> str:
    if report.head_id is None:
        return "none (no entries)"
    return f"{report.head_id}:{report.head_hash}"


class AuditHeadLog:
    """Logs the chain's head every ``every_seconds`` when it has moved."""

    def __init__(self, engine: AsyncEngine, service: str, every_seconds: float) -> None:
        self._engine = engine
        self._service = service
        self._logged: tuple[int, str] | None = None
        self._loop = Periodic(self.log_head, f"audit-head-{service}", every_seconds)

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        """Logs the head once more, so a clean stop leaves the newest anchor."""
        if await self._loop.stop():
            await self.log_head()

    async def log_head(self) -> None:
        """One head line if the head moved since the last; a database fault is logged
        and tried again next time (the anchor is a check, never in a request's way)."""
        try:
            async with self._engine.connect() as connection:
                newest = (await connection.execute(_NEWEST)).first()
        except Exception as exc:  # any fault: tried again on the next round
            log.warning("audit chain head not read: %s", type(exc).__name__)
            return
        if newest is None or (newest[0], newest[1]) == self._logged:
            return
        self._logged = (newest[0], newest[1])
        log.info(
            "audit chain head",
            extra={
                "service": self._service,
                "audit_anchor": f"{newest[0]}:{newest[1]}",
            },
        )
