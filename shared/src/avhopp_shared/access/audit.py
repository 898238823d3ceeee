"""The audit trail: append-only, each entry carrying the hash of the one before.

An entry is written in the same transaction as the disclosure it records; if
the write fails, the transaction fails and nothing is disclosed (fail closed).
Changing, deleting or reordering any entry breaks the chain at that entry,
which :func:`verify_chain` reports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, text
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.tables import AuditEntryRow

_log = AuditEntryRow.__table__  # type: ignore[attr-defined]

GENESIS = "0" * 64
# Entries are chained, so two writers must not read the same "last" entry. On
# SQLite, BEGIN IMMEDIATE already serialises writers; PostgreSQL takes this
# transaction-scoped lock.
_CHAIN_LOCK_KEY = 0x61756469745F6C6F  # "audit_lo"

_HASHED_FIELDS = (
    "recorded_at",
    "channel",
    "client_id",
    "user",
    "agency",
    "organisation",
    "case_id",
    "resource",
    "purpose",
    "disclosed",
    "withheld",
    "bases",
    "decision_id",
    "policy_revision",
    "note",
)


@dataclass(frozen=True)
class AuditRecord:
    """What one disclosure was: who received what about which case, and why."""

    channel: str
    client_id: str
    user: str | None
    agency: str
    organisation: str | None
    case_id: str
    resource: str
    purpose: str
    disclosed: Sequence[str]
    withheld: Mapping[str, str]
    bases: Mapping[str, Any]
    decision_id: str
    policy_revision: str
    note: str | None = None


#: The canonical form an entry is hashed in. One encoder for every entry:
#: ``json.dumps`` with these options would build a new one each call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    canonical = _CANONICAL.encode({name: _canonical(fields[name]) for name in _HASHED_FIELDS})
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


async def lock_chain(connection: AsyncConnection) -> None:
    """Before the chain head is read: makes concurrent appenders wait (PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY}
        )


def chain_head() -> ColumnElement[str]:
    """The newest entry's hash (GENESIS for an empty log), as a column expression, so a
    caller can read it in the same query as whatever else it needs."""
    newest = sa_select(_log.c.entry_hash).order_by(_log.c.id.desc()).limit(1).scalar_subquery()
    return func.coalesce(newest, GENESIS)


#: Built once: building a statement anew costs more than running it.
_HEAD = sa_select(chain_head())
_INSERT = insert(_log)


#: Inside ``written_last``: the entries ``append`` was given, to be written at its end.
_later: ContextVar[list[AuditRecord] | None] = ContextVar("audit_written_last", default=None)


@contextmanager
def written_last() -> Iterator[list[AuditRecord]]:
    """Within the block, ``append`` keeps each entry in the list it yields instead of
    writing it; the caller writes them (``append_each``), in order, once every change of
    its transaction is made.

    For a consumer applying a batch of deliveries: their gate decisions and purges are
    audited as each event takes effect, but the chain's lock, taken by every write of an
    entry, is then taken after the rows the handlers lock, as a REST write takes them (a
    change, then its disclosure's entry). Taken first, it deadlocked on PostgreSQL with a
    request that had locked such a row (follow-up's exit) and then wanted the lock."""
    kept: list[AuditRecord] = []
    token = _later.set(kept)
    try:
        yield kept
    finally:
        _later.reset(token)


async def append_each(session: AsyncSession, records: Sequence[AuditRecord], now: datetime) -> None:
    """Add ``records`` in order to this session's transaction, chained after the last entry."""
    if not records:
        return
    connection = await session.connection()
    await lock_chain(connection)
    head = await connection.scalar(_HEAD)
    await append_all(connection, records, now, previous=head or GENESIS)


async def append(session: AsyncSession, record: AuditRecord, now: datetime) -> None:
    """Add one entry to this session's transaction, chained to the current last entry
    (inside ``written_last``, kept to be written at its end)."""
    later = _later.get()
    if later is not None:
        later.append(record)
        return
    connection = await session.connection()
    await lock_chain(connection)
    head = await connection.scalar(_HEAD)
    await append_all(connection, [record], now, previous=head or GENESIS)


async def append_all(
    connection: AsyncConnection, records: Sequence[AuditRecord], now: datetime, *, previous: str
) -> str:
    """Add entries after ``previous``, the chain head read under :func:`lock_chain` in
    this transaction; one statement for all of them. Returns the new head."""
    rows = []
    for record in records:
        fields = _fields(record, now)
        digest = entry_hash(previous, fields)
        rows.append({**fields, "previous_hash": previous, "entry_hash": digest})
        previous = digest
    if rows:
        await connection.execute(_INSERT, rows)
    return previous


def _fields(record: AuditRecord, now: datetime) -> dict[str, Any]:
    return {
        "recorded_at": now.astimezone(UTC),
        "channel": record.channel,
        "client_id": record.client_id,
        "user": record.user,
        "agency": record.agency,
        "organisation": record.organisation,
        "case_id": record.case_id,
        "resource": record.resource,
        "purpose": record.purpose,
        "disclosed": sorted(record.disclosed),
        "withheld": dict(sorted(record.withheld.items())),
        "bases": {k: record.bases[k] for k in sorted(record.bases)},
        "decision_id": record.decision_id,
        "policy_revision": record.policy_revision,
        "note": record.note,
    }


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken_id: int | None
    problem: str | None
    #: The newest entry walked (its id and hash): what to keep outside the
    #: database as an anchor (``audit_anchor``).
    head_id: int | None = None
    head_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


async def verify_chain(
    rows: AsyncIterator[AuditEntryRow], anchors: Mapping[int, str] | None = None
) -> ChainReport:
    """Walk the entries in id order; report the first whose hash or link does not hold.

    ``anchors`` ({entry id: entry hash}) are heads kept outside the database
    (``audit_anchor``): the chain alone cannot tell that its newest entries
    were removed, as what is left still links up; an anchored entry that is
    gone, or no longer carries its hash, can.
    """
    anchors = anchors or {}
    previous = GENESIS
    count = 0
    head_id: int | None = None
    unseen = set(anchors)
    async for row in rows:
        count += 1
        assert row.id is not None
        if row.previous_hash != previous:
            return ChainReport(count, row.id, "does not link to the entry before it")
        fields = {name: getattr(row, name) for name in _HASHED_FIELDS}
        if entry_hash(previous, fields) != row.entry_hash:
            return ChainReport(count, row.id, "content does not match its hash")
        if anchors.get(row.id, row.entry_hash) != row.entry_hash:
            return ChainReport(count, row.id, "does not match the hash anchored for it")
        unseen.discard(row.id)
        previous = row.entry_hash
        head_id = row.id
    if unseen:
        # Past the head: the newest entries were cut off. Within the chain: an
        # entry was taken out and everything after it chained anew.
        return ChainReport(count, min(unseen), "anchored entry is gone: entries were removed")
    return ChainReport(count, None, None, head_id, previous)


async def entries_in_order(
    session: AsyncSession, batch: int = 1000
) -> AsyncIterator[AuditEntryRow]:
    last_id = 0
    while True:
        result = await session.exec(
            select(AuditEntryRow).where(_log.c.id > last_id).order_by(_log.c.id).limit(batch)
        )
        rows = list(result.all())
        if not rows:
            return
        for row in rows:
            yield row
        last_id = rows[-1].id or last_id


async def count_entries(session: AsyncSession, case_id: str | None = None) -> int:
    query = sa_select(func.count()).select_from(_log)
    if case_id is not None:
        query = query.where(_log.c.case_id == case_id)
    connection = await session.connection()
    return int(await connection.scalar(query) or 0)
