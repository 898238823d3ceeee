"""The access-state and audit tables every service carries in its own database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime


class ConsentGrantRow(SQLModel, table=True):
    """What this service knows of one consent: enough to decide, nothing of the person."""

    __tablename__ = "access_consent"
    __table_args__ = (Index("ix_access_consent_case", "case_id"),)

    consent_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    status: str = Field(sa_column=Column(String(20), nullable=False))
    recipients: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    categories: list[str] = Field(sa_column=Column(JSON, nullable=False))
    purposes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_from: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    valid_to: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


class AuditEntryRow(SQLModel, table=True):
    """One disclosure, chained to the one before it by hash (ACCESS.md, "Audit")."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_case", "case_id"),)

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    channel: str = Field(sa_column=Column(String(20), nullable=False))
    client_id: str = Field(sa_column=Column(String(200), nullable=False))
    user: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    agency: str = Field(sa_column=Column(String(20), nullable=False))
    organisation: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    resource: str = Field(sa_column=Column(String(200), nullable=False))
    purpose: str = Field(sa_column=Column(String(20), nullable=False))
    disclosed: list[str] = Field(sa_column=Column(JSON, nullable=False))
    withheld: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    bases: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    decision_id: str = Field(sa_column=Column(String(64), nullable=False))
    policy_revision: str = Field(sa_column=Column(String(64), nullable=False))
    previous_hash: str = Field(sa_column=Column(String(64), nullable=False))
    entry_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class TeamMemberRow(SQLModel, table=True):
    """A named need-to-know member of a case team, as this service knows it."""

    __tablename__ = "access_team_member"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    agency: str = Field(sa_column=Column(String(20), primary_key=True))
    organisation: str = Field(sa_column=Column(String(200), primary_key=True))
    user: str = Field(sa_column=Column(String(200), primary_key=True))
    added_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class LegalBasisRow(SQLModel, table=True):
    __tablename__ = "access_legal_basis"
    __table_args__ = (Index("ix_access_legal_basis_case", "case_id"),)

    legal_basis_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    reference: str = Field(sa_column=Column(String(200), nullable=False))
    recipient: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    categories: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_from: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    valid_to: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    #: Who recorded the basis (``LegalBasisRecorded.granted_by``): it opens only that
    #: agency's records. Null where it is not known (kept before it was announced):
    #: such a basis opens nothing.
    granted_by_agency: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    granted_by_organisation: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True)
    )


class BreakGlassRow(SQLModel, table=True):
    __tablename__ = "access_break_glass"
    __table_args__ = (Index("ix_access_break_glass_case", "case_id"),)

    grant_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    agency: str = Field(sa_column=Column(String(20), nullable=False))
    organisation: str = Field(sa_column=Column(String(200), nullable=False))
    user: str = Field(sa_column=Column(String(200), nullable=False))
    categories: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_from: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    review_required: bool
    approved_by: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    approved_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


class AccessStateVersionRow(SQLModel, table=True):
    """How often a case's access state has changed here: the gate's cache checks it.

    Bumped in the same transaction as every change to the four tables above,
    so a cached state is used only while nothing about the case has changed.
    """

    __tablename__ = "access_state_version"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    version: int = Field(sa_column=Column(BigInteger(), nullable=False))


class ThreatLevelRow(SQLModel, table=True):
    """The person's current threat level as police last announced it: at ``high`` the
    new home town narrows to the case team (policies/access/threat_level.rego)."""

    __tablename__ = "access_threat_level"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    level: str = Field(sa_column=Column(String(10), nullable=False))


class DisclosureDecisionRow(SQLModel, table=True):
    """A board's decision that one provider may receive these categories of a case."""

    __tablename__ = "access_disclosure_decision"
    __table_args__ = (Index("ix_access_disclosure_decision_case", "case_id"),)

    decision_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    provider_organisation: str = Field(sa_column=Column(String(200), nullable=False))
    categories: list[str] = Field(sa_column=Column(JSON, nullable=False))


class ExpirySweptRow(SQLModel, table=True):
    """A consent, legal basis or break-glass grant whose end in time this service has
    swept (access.expiry_sweep): the row is the claim, so the sweep runs once per grant,
    whichever replica takes it."""

    __tablename__ = "access_expiry_swept"

    kind: str = Field(sa_column=Column(String(20), primary_key=True))
    grant_id: str = Field(sa_column=Column(String(36), primary_key=True))
    swept_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
