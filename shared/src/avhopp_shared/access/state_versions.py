"""Per case, a version of the access state, so that the gate can keep states in memory.

Reading a case's consents, team, legal bases and break-glass grants takes four
queries; the version takes a column of one query the gate runs anyway (see
``gate``). Every change to a case's access state bumps its version in the same
transaction, so a state cached under the version just read is exactly what the
database holds — on every replica, whoever made the change. A withdrawal is
therefore seen by the very next decision (ACCESS.md, "Consent": denied at once).
"""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy import ColumnElement, bindparam, func, select, text
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.policy_input import AccessState
from avhopp_shared.access.tables import AccessStateVersionRow

_versions = AccessStateVersionRow.__table__  # type: ignore[attr-defined]

# Same statement on SQLite (3.24+) and PostgreSQL.
_BUMP = text(
    "INSERT INTO access_state_version (case_id, version) VALUES (:case_id, 1) "
    "ON CONFLICT (case_id) DO UPDATE SET version = access_state_version.version + 1"
)

# Takes the case's row as an update would, without changing its version: a case never
# changed gets its row at version 0, which ``version_of`` reads for it anyway.
_LOCK = text(
    "INSERT INTO access_state_version (case_id, version) VALUES (:case_id, 0) "
    "ON CONFLICT (case_id) DO UPDATE SET version = access_state_version.version"
)

DEFAULT_MAX_CASES = 10_000


#: ``session.info`` key: the cases whose access state this session has changed.
_CHANGED = "avhopp_access_changed"


async def bump(session: AsyncSession, case_id: str) -> None:
    """Marks the case's access state as changed, in the caller's transaction."""
    connection = await session.connection()
    await connection.execute(_BUMP, {"case_id": case_id})
    session.info.setdefault(_CHANGED, set()).add(case_id)


async def lock(session: AsyncSession, case_id: str) -> None:
    """Takes the case's version row until the caller's transaction ends, before it
    decides anything on the case's access state.

    Every change of the state takes this row (``bump``) before it commits, so this waits
    for a change in flight to commit or roll back, and holds off any other until the
    caller's transaction ends: each statement after it reads the state the changes
    before it left (PostgreSQL's READ COMMITTED; SQLite's transactions already run one
    at a time), and no change commits between what the caller reads and what it writes.
    Taken before the rows the caller's change decides on (a consent's row) and before
    the audit chain's lock, so it never waits for a change holding those that then
    waits for it. It changes nothing: the state read after it may be cached as before."""
    connection = await session.connection()
    await connection.execute(_LOCK, {"case_id": case_id})


def changed_here(session: AsyncSession, case_id: str) -> bool:
    """Whether this session changed the case's access state: a state it reads then
    includes changes that may still roll back, so it must not be cached (the
    version it was read at could later be taken by a different change)."""
    return case_id in session.info.get(_CHANGED, ())


def version_of(case_id: str) -> ColumnElement[int]:
    """The version of the case given as the bound parameter ``case_id`` names, as a column
    expression (0 for a case never changed here)."""
    current = (
        select(_versions.c.version)
        .where(_versions.c.case_id == bindparam(case_id))
        .scalar_subquery()
    )
    return func.coalesce(current, 0)


class StateCache:
    """The latest access states read, each under the version it was read at (LRU-bounded).

    A state is stored under the version read *before* it, in the same
    transaction: it is at least that new, so a lookup under a newer version
    misses and reads again; an older state is never served.
    """

    def __init__(self, max_cases: int = DEFAULT_MAX_CASES) -> None:
        self._max_cases = max_cases
        self._states: OrderedDict[str, tuple[int, AccessState]] = OrderedDict()
        #: Lookups answered from memory, and lookups that had to read (for metrics).
        self.hits = 0
        self.misses = 0

    def get(self, case_id: str, version: int) -> AccessState | None:
        entry = self._states.get(case_id)
        if entry is None or entry[0] != version:
            self.misses += 1
            return None
        self.hits += 1
        self._states.move_to_end(case_id)
        return entry[1]

    def put(self, case_id: str, version: int, state: AccessState) -> None:
        self._states[case_id] = (version, state)
        self._states.move_to_end(case_id)
        while len(self._states) > self._max_cases:
            self._states.popitem(last=False)

    def __len__(self) -> int:
        return len(self._states)
