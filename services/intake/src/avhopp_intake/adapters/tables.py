from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from avhopp_shared.db.types import UtcDateTime


class CaseRecord(SQLModel, table=True):
    """The case registry row and the application that opened it."""

    __tablename__ = "intake_case"
    # An Idempotency-Key is the client's own: another client's same key is
    # another request, and must neither find nor block this one's case.
    __table_args__ = (
        Index(
            "uq_intake_case_idempotency",
            "idempotency_client",
            "idempotency_key",
            unique=True,
        ),
    )

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    received_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    channel: str = Field(sa_column=Column(String(20), nullable=False))
    referral_source: str = Field(sa_column=Column(String(30), nullable=False))
    applied_for: list[str] = Field(sa_column=Column(JSON, nullable=False))
    out_of_hours: bool
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    given_name: str = Field(sa_column=Column(String(200), nullable=False))
    family_name: str = Field(sa_column=Column(String(200), nullable=False))
    personal_identity_number: str = Field(sa_column=Column(String(12), nullable=False, index=True))
    phone: str | None = Field(default=None, sa_column=Column(String(40), nullable=True))
    idempotency_key: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    #: The OAuth client that sent the key (None for cases opened before keys were per client).
    idempotency_client: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True)
    )
    #: sha256 of the request body the key was first sent with, to refuse its reuse
    #: for another body.
    request_fingerprint: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True)
    )
    municipality: str | None = Field(default=None, sa_column=Column(String(4), nullable=True))
    #: The person's latest earlier case in the same municipality: a new application
    #: after an abort (PROCESS.md 12). Never another municipality's (OSL).
    previous_case_id: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))


class ConsentRecordRow(SQLModel, table=True):
    """A consent as recorded; withdrawal fills in the withdrawal columns, nothing is deleted."""

    __tablename__ = "consent_record"

    consent_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    recipients: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    categories: list[str] = Field(sa_column=Column(JSON, nullable=False))
    purposes: list[str] = Field(sa_column=Column(JSON, nullable=False))
    valid_from: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    valid_to: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    method: str = Field(sa_column=Column(String(10), nullable=False))
    document_reference: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True)
    )
    oral_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_by: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    withdrawn_by: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    withdrawal_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class BreakGlassApprovalRow(SQLModel, table=True):
    """Who approved a break-glass grant, named in full: user, agency and organisation.

    The grant row every service keeps (``access_break_glass``) names the
    approver by user only, which does not tell which authority closed the
    mandatory review; intake, where grants are requested and approved, keeps
    the whole of it here, one row per approved grant.
    """

    __tablename__ = "intake_break_glass_approval"

    grant_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    agency: str = Field(sa_column=Column(String(20), nullable=False))
    organisation: str = Field(sa_column=Column(String(200), nullable=False))
    user: str = Field(sa_column=Column(String(200), nullable=False))
    approved_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))


class BreakGlassRejectionRow(SQLModel, table=True):
    """A second person's rejection of a break-glass grant: who, when, and why.

    Like the approval, named in full (user, agency and organisation), and kept by
    intake alone: the event that ends the grant everywhere carries neither the
    second person nor the reason, which no gate needs. One row per rejected grant.
    """

    __tablename__ = "intake_break_glass_rejection"

    grant_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    agency: str = Field(sa_column=Column(String(20), nullable=False))
    organisation: str = Field(sa_column=Column(String(200), nullable=False))
    user: str = Field(sa_column=Column(String(200), nullable=False))
    rejected_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))


class BreakGlassRequestRow(SQLModel, table=True):
    """Why a break-glass grant was taken: the acute danger as the requester explained it,
    and the provision relied on, for the second person who reviews it.

    Intake's own: the grant row every service keeps (``access_break_glass``) and
    the event announcing it carry neither. The justification describes the
    person's danger, which no other service needs to enforce a grant.
    """

    __tablename__ = "intake_break_glass_request"

    grant_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    justification: str = Field(sa_column=Column(Text, nullable=False))
    legal_basis: str = Field(sa_column=Column(String(200), nullable=False))


class LocationReadRecord(SQLModel, table=True):
    """An alert that someone read the new home town: the case owner's own notice of it
    (ACCESS.md, case team), kept from ``case.protected_location_read``."""

    __tablename__ = "intake_location_read"

    #: The alert's event id: a redelivered alert is the same alert.
    alert_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False, index=True))
    reader_agency: str = Field(sa_column=Column(String(20), nullable=False))
    reader_organisation: str = Field(sa_column=Column(String(200), nullable=False))
    reader_user: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    read_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    channel: str = Field(sa_column=Column(String(40), nullable=False))
