"""The outbox and inbox tables every service carries in its own database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime
from avhopp_shared.events.envelope import utcnow


class OutboxMessage(SQLModel, table=True):
    """An event written in the same transaction as the state change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unpublished", "published_at", "id"),)

    # BigInteger on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite: the id is
    # the commit-independent publication order within one service.
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    event_id: str = Field(sa_column=Column(String(36), nullable=False, unique=True))
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


class InboxMessage(SQLModel, table=True):
    """An event a consumer has processed; written in the same transaction as its effect."""

    __tablename__ = "inbox"

    consumer: str = Field(sa_column=Column(String(100), primary_key=True))
    event_id: str = Field(sa_column=Column(String(36), primary_key=True))
    event_type: str = Field(sa_column=Column(String(200), nullable=False))
    processed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UtcDateTime(), nullable=False)
    )
