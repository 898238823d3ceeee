"""ISU facts: one row per case (and per need, per intervention), kept up to date as events
arrive, so group-level statistics are aggregates over small rows, not over the history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, text
from sqlmodel import Field, SQLModel


class IsuCaseRow(SQLModel, table=True):
    __tablename__ = "followup_isu_case"
    __table_args__ = (
        Index("ix_followup_isu_case_applied", "applied_on", "municipality"),
        # The few re-applications, found at once: ISU folds only their chains
        # (isu_persons.chained), and every query asks which cases they name.
        Index(
            "ix_followup_isu_case_first_case",
            "first_case_id",
            postgresql_where=text("first_case_id IS NOT NULL"),
            sqlite_where=text("first_case_id IS NOT NULL"),
        ),
    )

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    #: A re-application (``previous_case_id``): the person's first case known here,
    #: the root of the chain of cases linked back. None for a first application,
    #: whose own id is the person's key (``isu_persons.person``): ISU counts persons.
    first_case_id: str | None = Field(default=None, sa_column=Column(String(36), nullable=True))
    #: The municipality that received the application.
    municipality: str = Field(sa_column=Column(String(4), nullable=False))
    applied_on: date = Field(sa_column=Column(Date(), nullable=False))
    first_decision_on: date | None = Field(default=None, sa_column=Column(Date(), nullable=True))
    #: ongoing, completed or aborted (domain/exit.py).
    outcome: str = Field(sa_column=Column(String(20), nullable=False))
    relapsed: bool = Field(sa_column=Column(Boolean(), nullable=False))
    #: Days spent in each phase, once the phase was left (domain/phases.py).
    initial_contact_days: int | None = Field(
        default=None, sa_column=Column(Integer(), nullable=True)
    )
    acute_days: int | None = Field(default=None, sa_column=Column(Integer(), nullable=True))
    stabilising_days: int | None = Field(default=None, sa_column=Column(Integer(), nullable=True))


class IsuNeedRow(SQLModel, table=True):
    """A need the first needs mapping found (the needs at intake)."""

    __tablename__ = "followup_isu_need"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    need: str = Field(sa_column=Column(String(40), primary_key=True))


class IsuInterventionRow(SQLModel, table=True):
    """An intervention decided for a case, and whether it was carried out (a commissioned
    provider reported on it)."""

    __tablename__ = "followup_isu_intervention"

    case_id: str = Field(sa_column=Column(String(36), primary_key=True))
    intervention: str = Field(sa_column=Column(String(40), primary_key=True))
    decided: bool = Field(sa_column=Column(Boolean(), nullable=False))
    carried_out: bool = Field(sa_column=Column(Boolean(), nullable=False))
