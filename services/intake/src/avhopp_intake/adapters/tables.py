from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, String, Text
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime


class CaseRecord(SQLModel, table=True):
    """The case registry row and the application that opened it."""

    __tablename__ = "intake_case"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    channel: str = Field(sa_column=Column(String(20), nullable=False))
    referral_source: str = Field(sa_column=Column(String(30), nullable=False))
    applied_for: list[str] = Field(sa_column=Column(JSON, nullable=False))
    out_of_hours: bool
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    given_name: str = Field(sa_column=Column(String(200), nullable=False))
    family_name: str = Field(sa_column=Column(String(200), nullable=False))
    personal_identity_number: str = Field(sa_column=Column(String(12), nullable=False))
    phone: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    idempotency_key: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True, unique=True)
    )
