from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime


class InvestigationRecord(SQLModel, table=True):
    __tablename__ = "social_investigation"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    opened_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    start_deadline: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    status: str = Field(sa_column=Column(String(30), nullable=False))
    applied_for: list[str] = Field(sa_column=Column(JSON, nullable=False))
    out_of_hours: bool
    legal_basis: str = Field(sa_column=Column(String(60), nullable=False))
