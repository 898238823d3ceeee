"""A case whose access state this service does not know: an access event of it was set aside.

An access event the consumer cannot read yet (a newer schema version, during a
rolling upgrade) or the database refused is kept as a dead letter and the
consumer goes on, so that one event does not hold back every case on its
partition. Had it been applied, though, the gate might decide otherwise: a
withdrawal "takes effect at once for ... every later event delivery" (ACCESS.md,
"Consent"). Until it takes effect, then, the case's access state is unknown
here, and the gate fails closed on it (ACCESS.md, "Audit": fail closed): every
disclosure of the case is denied, naming this hold as the reason. The hold is
written in the transaction that sets the event aside and lifted in the one that
finally applies it (a replay of the dead letter, or the sender publishing it
again); both bump the case's state version, so that no state or decision cached
before survives either change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Index, String, Table, Text, delete, text
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access import state_versions
from avhopp_shared.access.policy_input import AccessState
from avhopp_shared.db.types import UtcDateTime
from avhopp_shared.events.access_events import (
    BreakGlassApproved,
    BreakGlassGranted,
    BreakGlassRejected,
    DisclosureDecided,
    LegalBasisRecorded,
    TeamMemberAdded,
    TeamMemberRemoved,
)
from avhopp_shared.events.consent_events import ConsentGranted, ConsentWithdrawn
from avhopp_shared.events.envelope import EVENT_ID_LENGTH, EventEnvelope, utcnow
from avhopp_shared.events.police_events import ThreatLevelChanged

#: The access events whose effect changes what the gate decides: exactly those the
#: gate's state is kept from (``state_handlers``; a test holds the two together),
#: consents, team, legal bases, break-glass grants (and their approval and
#: rejection), disclosure decisions and the
#: threat level. Not ``case.protected_location_read``, a notice to the case owner
#: that changes no state, nor any event of an unknown type: this release's gate
#: would not read such an event even if it could parse it.
HOLDING_EVENT_TYPES = frozenset(
    model.event_type
    for model in (
        ConsentGranted,
        ConsentWithdrawn,
        TeamMemberAdded,
        TeamMemberRemoved,
        LegalBasisRecorded,
        BreakGlassGranted,
        BreakGlassApproved,
        BreakGlassRejected,
        DisclosureDecided,
        ThreatLevelChanged,
    )
)
#: A case id as the access tables hold it (``access_state_version.case_id``).
CASE_ID_LENGTH = 36
#: The reason kept with a hold is cut to this many characters.
_REASON_CHARS = 2000

# Same statement on SQLite (3.24+) and PostgreSQL: a letter delivered twice holds once.
_HOLD = text(
    "INSERT INTO access_state_hold (event_id, case_id, event_type, reason, since) "
    "VALUES (:event_id, :case_id, :event_type, :reason, :since) "
    "ON CONFLICT (event_id) DO NOTHING"
)


class AccessStateHoldRow(SQLModel, table=True):
    """An access event of the case set aside before it took effect here.

    ``reason`` is why it was set aside, as its dead letter says it: it names
    fields and versions, never a value.
    """

    __tablename__ = "access_state_hold"
    __table_args__ = (Index("ix_access_state_hold_case", "case_id"),)

    event_id: str = Field(sa_column=Column(String(EVENT_ID_LENGTH), primary_key=True))
    case_id: str = Field(sa_column=Column(String(CASE_ID_LENGTH), nullable=False))
    event_type: str = Field(sa_column=Column(String(200), nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    since: datetime = Field(default_factory=utcnow, sa_column=Column(UtcDateTime(), nullable=False))


_held: Table = AccessStateHoldRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class HeldAccessState(AccessState):
    """A case's access state while an access event of it awaits: nothing is known of who
    may see it, so it lists no consent, team member or grant, and the gate denies
    every disclosure under it. The threat level is kept: it only ever narrows."""

    #: The oldest event held for, as the audit entry and the log name it.
    event_type: str = ""
    event_id: str = ""

    @property
    def hold_reason(self) -> str:
        """Why every category is withheld: a fixed text with the event's type and id."""
        return f"access state unknown: event {self.event_type} {self.event_id} set aside unread"


def holds_for(envelope: EventEnvelope) -> bool:
    """Whether setting ``envelope`` aside puts its case on hold.

    Its type must change what the gate decides, and its subject must be a case
    id the access tables can hold: no case of this service has any other, so
    there is nothing to hold (and a key the table refuses would fail the
    transaction that sets the event aside, on every delivery).
    """
    subject = envelope.subject
    return (
        envelope.type in HOLDING_EVENT_TYPES
        and 0 < len(subject) <= CASE_ID_LENGTH
        and subject.isprintable()
        and subject.isascii()
    )


async def hold(session: AsyncSession, envelope: EventEnvelope, reason: str) -> None:
    """Puts the envelope's case on hold, in the caller's transaction (``holds_for`` first)."""
    connection = await session.connection()
    await connection.execute(
        _HOLD,
        {
            "event_id": envelope.id,
            "case_id": envelope.subject,
            "event_type": envelope.type,
            "reason": reason[:_REASON_CHARS],
            "since": utcnow(),
        },
    )
    await state_versions.bump(session, envelope.subject)


async def lift(session: AsyncSession, event_ids: Sequence[str]) -> list[str]:
    """Lifts the holds these events put on their cases, now that they take effect in the
    caller's transaction; returns the cases whose holds were lifted."""
    if not event_ids:
        return []
    cases = list(
        dict.fromkeys(
            (
                await session.exec(
                    select(AccessStateHoldRow.case_id).where(
                        col(AccessStateHoldRow.event_id).in_(event_ids)
                    )
                )
            ).all()
        )
    )
    if not cases:
        return []
    await session.exec(delete(_held).where(_held.c.event_id.in_(event_ids)))
    for case_id in cases:
        # Another hold of the case may remain: the state it reads then says so.
        await state_versions.bump(session, case_id)
    return cases


def held_state(rows: Sequence[AccessStateHoldRow], threat_level: str | None) -> HeldAccessState:
    """The state of a case with these holds (at least one): the oldest names the reason."""
    first = min(rows, key=lambda row: (row.since, row.event_id))
    return HeldAccessState(
        threat_level=threat_level, event_type=first.event_type, event_id=first.event_id
    )
