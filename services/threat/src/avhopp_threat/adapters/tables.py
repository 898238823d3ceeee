from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime

# The rival check's table lives beside its repository; imported here so that
# every table of the service is known wherever this module is.
from avhopp_threat.adapters.presence_tables import NetworkPresenceRow  # noqa: F401


class AssessmentTaskRecord(SQLModel, table=True):
    __tablename__ = "threat_assessment_task"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    status: str = Field(sa_column=Column(String(20), nullable=False, index=True))
    priority: str = Field(sa_column=Column(String(10), nullable=False))
    requested_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    application_received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    out_of_hours: bool


class AssessmentRecord(SQLModel, table=True):
    """One version of a threat assessment; ``current`` marks each subject's latest."""

    __tablename__ = "threat_assessment"
    __table_args__ = (
        Index("ix_threat_assessment_current_level", "current", "level"),
        Index("ix_threat_assessment_current_review", "current", "next_review_on"),
    )

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    subject: str = Field(sa_column=Column(String(80), primary_key=True))
    version: int = Field(sa_column=Column(Integer(), primary_key=True))
    current: bool = Field(sa_column=Column(Boolean(), nullable=False))
    relative_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    relation: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    level: str = Field(sa_column=Column(String(10), nullable=False))
    handling_level: str | None = Field(default=None, sa_column=Column(String(10), nullable=True))
    threat_picture: str = Field(sa_column=Column(Text(), nullable=False))
    risk_analysis: str = Field(sa_column=Column(Text(), nullable=False))
    threat_actors: list[dict[str, Any]] = Field(sa_column=Column(JSON(), nullable=False))
    networks: list[str] = Field(sa_column=Column(JSON(), nullable=False))
    affiliations: list[str] = Field(sa_column=Column(JSON(), nullable=False))
    assessed_by: str = Field(sa_column=Column(String(200), nullable=False))
    assessed_on: date = Field(sa_column=Column(Date(), nullable=False))
    next_review_on: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class RegisterCheckRecord(SQLModel, table=True):
    __tablename__ = "threat_register_check"

    check_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    purpose: str = Field(sa_column=Column(String(10), nullable=False))
    registers: list[str] = Field(sa_column=Column(JSON(), nullable=False))
    checked_on: date = Field(sa_column=Column(Date(), nullable=False))
    checked_by: str = Field(sa_column=Column(String(200), nullable=False))
    hit: bool = Field(sa_column=Column(Boolean(), nullable=False))
    summary: str = Field(sa_column=Column(Text(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class ProtectiveMeasureRecord(SQLModel, table=True):
    __tablename__ = "threat_protective_measure"

    measure_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    status: str = Field(sa_column=Column(String(10), nullable=False))
    started_on: date = Field(sa_column=Column(Date(), nullable=False))
    decided_on: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    ended_on: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    note: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))


class PoliceCaseRecord(SQLModel, table=True):
    __tablename__ = "threat_police_case"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    status: str = Field(sa_column=Column(String(10), nullable=False))
    opened_on: date = Field(sa_column=Column(Date(), nullable=False))
    opened_by: str = Field(sa_column=Column(String(200), nullable=False))
    conditions_form_signed_on: date = Field(sa_column=Column(Date(), nullable=False))
    closed_on: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    closed_by: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))


class InterventionsDecisionRecord(SQLModel, table=True):
    """That social services decided on interventions (from their event): a condition
    of the police case, nothing more of the decision."""

    __tablename__ = "threat_interventions_decision"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    decided_on: date = Field(sa_column=Column(Date(), nullable=False))
    intervention_types: list[str] = Field(sa_column=Column(JSON(), nullable=False))


class PlacementAssessmentRecord(SQLModel, table=True):
    """One version of the placement assessment: the towns judged, each with its reason."""

    __tablename__ = "threat_placement_assessment"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    version: int = Field(sa_column=Column(Integer(), primary_key=True))
    towns: list[dict[str, Any]] = Field(sa_column=Column(JSON(), nullable=False))
    assessed_by: str = Field(sa_column=Column(String(200), nullable=False))
    assessed_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class PlacementRecord(SQLModel, table=True):
    """Where the person is placed: ``protected_location``, the most sensitive fact held."""

    __tablename__ = "threat_placement"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    municipality_code: str = Field(sa_column=Column(String(4), nullable=False))
    placed_on: date = Field(sa_column=Column(Date(), nullable=False))
    recorded_by: str = Field(sa_column=Column(String(200), nullable=False))


class SecurityIncidentRecord(SQLModel, table=True):
    """A provider's serious incident that concerns the person's security, as social
    services' follow-up told police of it (under the person's consent)."""

    __tablename__ = "threat_security_incident"

    report_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    occurred_on: date = Field(sa_column=Column(Date(), nullable=False))
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))


class BreakGlassNoticeRecord(SQLModel, table=True):
    """Police's notice of a break-glass grant over records police hold (ACCESS.md,
    "Consent records": the data owner is notified)."""

    __tablename__ = "threat_break_glass_notice"
    __table_args__ = (Index("ix_threat_break_glass_notice_case", "case_id", "granted_at"),)

    grant_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    agency: str = Field(sa_column=Column(String(20), nullable=False))
    organisation: str = Field(sa_column=Column(String(200), nullable=False))
    user: str = Field(sa_column=Column(String(200), nullable=False))
    categories: list[str] = Field(sa_column=Column(JSON(), nullable=False))
    granted_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    ended_early: bool = Field(sa_column=Column(Boolean(), nullable=False))
