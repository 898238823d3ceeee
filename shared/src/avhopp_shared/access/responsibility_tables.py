"""A service's copy of which municipality answers for each case (social services' record).

Kept by the services social services run besides their own case service
(intake, follow-up), so that each municipality works only in its own cases
there too (``avhopp_shared.web.municipality_scope``). The municipality of
stay and any transfer's destination are usually the new home town: they are
never answered through an API from here, only compared.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, Index, String
from sqlmodel import Field, SQLModel


class ResponsibilityCopyRow(SQLModel, table=True):
    __tablename__ = "access_responsibility"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    residence: str = Field(sa_column=Column(String(4), nullable=False))
    stay: str | None = Field(default=None, sa_column=Column(String(4), nullable=True))
    #: The Swedish day social services recorded the stay (``Responsibility.stay_since``).
    stay_since: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))


class TransferCopyRow(SQLModel, table=True):
    __tablename__ = "access_responsibility_transfer"
    __table_args__ = (Index("ix_access_responsibility_transfer_case", "case_id"),)

    transfer_id: str = Field(sa_column=Column(String(36), primary_key=True))
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    to_municipality: str = Field(sa_column=Column(String(4), nullable=False))
    requested_on: date = Field(sa_column=Column(Date(), nullable=False))
    decided_on: date = Field(sa_column=Column(Date(), nullable=False))
    effective_on: date = Field(sa_column=Column(Date(), nullable=False))
