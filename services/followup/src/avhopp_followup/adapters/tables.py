from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlmodel import Field, SQLModel

# ISU's facts live beside their queries; imported here so that every table of
# the service is known wherever this module is.
from avhopp_followup.adapters.isu_tables import (  # noqa: F401
    IsuCaseRow,
    IsuInterventionRow,
    IsuNeedRow,
)
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
    #: The data category of what the entry tells (ACCESS.md): who may see it.
    category: str = Field(sa_column=Column(String(30), nullable=False))
    summary: str = Field(sa_column=Column(Text(), nullable=False))


class PhaseEntryRecord(SQLModel, table=True):
    """One phase the case entered (seed 000's four phases), in the order entered."""

    __tablename__ = "followup_phase_entry"

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    phase: str = Field(sa_column=Column(String(20), nullable=False))
    entered_on: date = Field(sa_column=Column(Date(), nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    recorded_by: str = Field(sa_column=Column(String(200), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class CommissionRecord(SQLModel, table=True):
    """A provider commissioned for a case (``social.provider_commissioned``): who may report."""

    __tablename__ = "followup_commission"

    commission_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    provider_organisation: str = Field(sa_column=Column(String(200), nullable=False))
    intervention: str = Field(sa_column=Column(String(40), nullable=False))
    decided_on: date = Field(sa_column=Column(Date(), nullable=False))


class ProviderReportRecord(SQLModel, table=True):
    __tablename__ = "followup_provider_report"
    # One report per provider and week of a case: a retry finds the report it
    # repeats instead of storing it, and announcing its incidents, once more.
    __table_args__ = (
        Index(
            "uq_followup_provider_report_week",
            "case_id",
            "provider_organisation",
            "week_starting",
            unique=True,
        ),
    )

    report_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    provider_organisation: str = Field(sa_column=Column(String(200), nullable=False))
    week_starting: date = Field(sa_column=Column(Date(), nullable=False))
    schedule: str = Field(sa_column=Column(Text(), nullable=False))
    contacts: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    activities: list[str] = Field(sa_column=Column(JSON, nullable=False))
    treatment_sessions: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    incidents: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    absences: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    reported_by: str = Field(sa_column=Column(String(200), nullable=False))
    reported_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class ExitRecord(SQLModel, table=True):
    """How the case's exit stands: ongoing, aborted (by whom, why) or completed."""

    __tablename__ = "followup_exit"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    status: str = Field(sa_column=Column(String(20), nullable=False, index=True))
    ended_on: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    aborted_by: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    social_support_continues: bool | None = Field(
        default=None, sa_column=Column(Boolean(), nullable=True)
    )
    closing_conversation_on: date | None = Field(
        default=None, sa_column=Column(Date(), nullable=True)
    )
    person_view: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    earlier_case_id: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))


class MeetingRecord(SQLModel, table=True):
    """A follow-up meeting, scheduled and then held."""

    __tablename__ = "followup_meeting"

    meeting_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(30), nullable=False))
    scheduled_on: date = Field(sa_column=Column(Date(), nullable=False, index=True))
    with_person: bool
    with_provider: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    scheduled_by: str = Field(sa_column=Column(String(200), nullable=False))
    held_on: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    notes: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    plan_version: int | None = Field(default=None, sa_column=Column(Integer(), nullable=True))
