from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime


class TimelineRecord(SQLModel, table=True):
    __tablename__ = "followup_timeline"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    started_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class TimelineEntryRecord(SQLModel, table=True):
    __tablename__ = "followup_timeline_entry"

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    case_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("followup_timeline.case_id"), nullable=False, index=True
        )
    )
    milestone: str = Field(sa_column=Column(String(40), nullable=False))
    occurred_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    source_event_id: str = Field(sa_column=Column(String(36), nullable=False, unique=True))
    reported_by: str = Field(sa_column=Column(String(20), nullable=False))
