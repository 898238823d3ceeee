from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime


class AssessmentTaskRecord(SQLModel, table=True):
    __tablename__ = "threat_assessment_task"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    status: str = Field(sa_column=Column(String(20), nullable=False, index=True))
    priority: str = Field(sa_column=Column(String(10), nullable=False))
    requested_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    application_received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    out_of_hours: bool
