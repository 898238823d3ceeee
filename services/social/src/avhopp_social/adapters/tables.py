from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, Index, Integer, String, Text
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
    #: When the scope was first chosen: the start, kept when the scope changes later.
    started_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


class AidDecisionRecord(SQLModel, table=True):
    __tablename__ = "social_aid_decision"

    decision_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    aid_type: str = Field(sa_column=Column(String(40), nullable=False))
    outcome: str = Field(sa_column=Column(String(20), nullable=False))
    reasons: str = Field(sa_column=Column(Text(), nullable=False))
    valid_from: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    valid_to: date | None = Field(default=None, sa_column=Column(Date(), nullable=True, index=True))
    decided_by: str = Field(sa_column=Column(String(200), nullable=False))
    decided_on: date = Field(sa_column=Column(Date(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    legal_basis: str = Field(sa_column=Column(String(60), nullable=False))


class CommissionRecord(SQLModel, table=True):
    __tablename__ = "social_commission"

    commission_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    intervention: str = Field(sa_column=Column(String(40), nullable=False))
    provider_organisation: str = Field(sa_column=Column(String(200), nullable=False))
    disclosed_categories: list[str] = Field(sa_column=Column(JSON, nullable=False))
    decided_by: str = Field(sa_column=Column(String(200), nullable=False))
    decided_on: date = Field(sa_column=Column(Date(), nullable=False))


class ActionPlanRecord(SQLModel, table=True):
    """One version of a case's individual action plan."""

    __tablename__ = "social_action_plan"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    version: int = Field(sa_column=Column(Integer(), primary_key=True))
    goals: list[str] = Field(sa_column=Column(JSON, nullable=False))
    measures: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    review_on: date = Field(sa_column=Column(Date(), nullable=False))
    persons_view: str = Field(sa_column=Column(Text(), nullable=False))
    recorded_by: str = Field(sa_column=Column(String(200), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class ScreeningRecord(SQLModel, table=True):
    """An AUDIT or DUDIT: the answers as given and the score the platform computed."""

    __tablename__ = "social_screening"

    result_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    instrument: str = Field(sa_column=Column(String(10), nullable=False))
    sex: str = Field(sa_column=Column(String(10), nullable=False))
    answers: list[int] = Field(sa_column=Column(JSON, nullable=False))
    total: int = Field(sa_column=Column(Integer(), nullable=False))
    administered_on: date = Field(sa_column=Column(Date(), nullable=False))
    administered_by: str = Field(sa_column=Column(String(200), nullable=False))


class ScopeRecord(SQLModel, table=True):
    """The scope of a case's investigation, as last chosen with the person."""

    __tablename__ = "social_investigation_scope"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    areas_in: list[str] = Field(sa_column=Column(JSON, nullable=False))
    areas_out: list[str] = Field(sa_column=Column(JSON, nullable=False))
    recorded_by: str = Field(sa_column=Column(String(200), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class NeedsMappingRecord(SQLModel, table=True):
    """One version of a case's needs mapping."""

    __tablename__ = "social_needs_mapping"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    version: int = Field(sa_column=Column(Integer(), primary_key=True))
    risk_areas: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    other_needs: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    mapped_by: str = Field(sa_column=Column(String(200), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class ExternalResultRecord(SQLModel, table=True):
    """HCR-20, ASI, RBM-B, YLS/CMI or SAVRY: the result as the assessor summarised it."""

    __tablename__ = "social_external_result"

    result_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    instrument: str = Field(sa_column=Column(String(10), nullable=False))
    assessed_on: date = Field(sa_column=Column(Date(), nullable=False))
    assessor: str = Field(sa_column=Column(String(200), nullable=False))
    summary: str = Field(sa_column=Column(Text(), nullable=False))


class ChildRecord(SQLModel, table=True):
    __tablename__ = "social_child"

    child_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    birth_year: int = Field(sa_column=Column(Integer(), nullable=False))
    lives_with_person: bool
    concern: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))


class TaskRecord(SQLModel, table=True):
    """Something a caseworker must do, started by what the platform learned."""

    __tablename__ = "social_task"

    task_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    reason: str = Field(sa_column=Column(Text(), nullable=False))
    legal_basis: str = Field(sa_column=Column(String(60), nullable=False))
    created_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    done_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True, index=True)
    )
    #: What an individual assessment concluded (relapse, incident tasks).
    outcome: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))


class ResponsibilityRecord(SQLModel, table=True):
    __tablename__ = "social_responsibility"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    residence: str = Field(sa_column=Column(String(4), nullable=False))
    stay: str | None = Field(default=None, sa_column=Column(String(4), nullable=True))
    #: The Swedish day the stay was recorded (``Responsibility.stay_since``; 0025).
    stay_since: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))


class TransferRecord(SQLModel, table=True):
    __tablename__ = "social_responsibility_transfer"
    # Transfers take effect one after another, each on a day of its own
    # (``domain.responsibility.transfer``); the index keeps it so even for
    # requests in flight together (migration 0024).
    __table_args__ = (
        Index("uq_social_responsibility_transfer_day", "case_id", "effective_on", unique=True),
    )

    transfer_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    to_municipality: str = Field(sa_column=Column(String(4), nullable=False))
    requested_on: date = Field(sa_column=Column(Date(), nullable=False))
    decided_on: date = Field(sa_column=Column(Date(), nullable=False))
    effective_on: date = Field(sa_column=Column(Date(), nullable=False))


class LinkedInvestigationRecord(SQLModel, table=True):
    """A family member's own investigation, linked to the person's case."""

    __tablename__ = "social_linked_investigation"

    investigation_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    relation: str = Field(sa_column=Column(String(20), nullable=False))
    needs: str = Field(sa_column=Column(Text(), nullable=False))
    opened_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    start_deadline: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    opened_by: str = Field(sa_column=Column(String(200), nullable=False))
    legal_basis: str = Field(sa_column=Column(String(60), nullable=False))
