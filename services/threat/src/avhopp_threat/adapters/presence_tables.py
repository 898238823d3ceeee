"""Where the networks recorded by open police cases are present: the rival check's index."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String
from sqlmodel import Field, SQLModel


class NetworkPresenceRow(SQLModel, table=True):
    """One network in one town for one case; ``network`` is stored normalised (case-folded).

    The rival check asks "which of these towns hold which of these networks",
    so the composite index leads with the town and then the network: the
    query is a handful of index range scans whatever the number of cases.
    """

    __tablename__ = "threat_network_presence"
    __table_args__ = (
        Index("ix_threat_network_presence_case", "case_id"),
        Index("ix_threat_network_presence_town_network", "municipality_code", "network"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    case_id: str = Field(sa_column=Column(String(36), nullable=False))
    network: str = Field(sa_column=Column(String(200), nullable=False))
    municipality_code: str = Field(sa_column=Column(String(4), nullable=False))
    kind: str = Field(sa_column=Column(String(10), nullable=False))
