"""The outbox, inbox and dead-letter tables every service carries in its own database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime
from avhopp_shared.events.envelope import EVENT_ID_LENGTH, EventEnvelope, utcnow


class OutboxMessage(SQLModel, table=True):
    """An event written in the same transaction as the state change that caused it:
    one row per receiving agency, each on that agency's topic (access.event_audiences)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unpublished", "published_at", "id"),
        UniqueConstraint("event_id", "topic", name="uq_outbox_event_topic"),
    )

    # BigInteger on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite: the id is
    # the commit-independent publication order within one service.
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    event_id: str = Field(sa_column=Column(String(EVENT_ID_LENGTH), nullable=False))
    topic: str = Field(sa_column=Column(String(200), nullable=False))
    key: str = Field(sa_column=Column(String(100), nullable=False))
    event_type: str = Field(sa_column=Column(String(200), nullable=False))
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime(), nullable=False)
    )
    published_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


def outbox_row(sent: EventEnvelope, topic: str) -> dict[str, object]:
    """The unpublished outbox row carrying ``sent`` (one agency's copy) on ``topic``:
    keyed by the case, dated when the event was made."""
    return {
        "event_id": sent.id,
        "topic": topic,
        "key": sent.subject,
        "event_type": sent.type,
        "payload": sent.to_json_bytes(),
        "created_at": sent.time,
        "attempts": 0,
    }


class InboxMessage(SQLModel, table=True):
    """An event a consumer has processed; written in the same transaction as its effect."""

    __tablename__ = "inbox"

    consumer: str = Field(sa_column=Column(String(100), primary_key=True))
    event_id: str = Field(sa_column=Column(String(EVENT_ID_LENGTH), primary_key=True))
    event_type: str = Field(sa_column=Column(String(200), nullable=False))
    processed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime(), nullable=False)
    )


class DeadLetter(SQLModel, table=True):
    """An event the consumer cannot apply, set aside so that its partition goes on.

    Two kinds: an event the database refused as data, written in a transaction
    of its own after the consumer gave up on it; and an event the consumer
    cannot read (a newer schema version, fields it does not know or lacks),
    written on its first delivery in the consumer's own transaction and with no
    inbox row, so that a replay after an upgrade still applies it. The envelope
    is kept whole (JSON, every character escaped to ASCII, so that
    whatever the database refused in it can be stored here) for a replay once
    the cause is fixed. The text columns come from the wire unchecked, hence
    unbounded.
    """

    __tablename__ = "inbox_dead_letter"
    __table_args__ = (Index("ix_inbox_dead_letter_event", "consumer", "event_id"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    consumer: str = Field(sa_column=Column(String(100), nullable=False))
    event_id: str = Field(sa_column=Column(Text, nullable=False))
    event_type: str = Field(sa_column=Column(Text, nullable=False))
    case_id: str = Field(sa_column=Column(Text, nullable=False))
    envelope: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    error: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = Field(sa_column=Column(Integer, nullable=False))
    failed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime(), nullable=False)
    )
    replayed_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
