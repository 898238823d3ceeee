"""Creates the messaging tables: outbox and inbox from a service's first migration,
the inbox's dead letters from a later one."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime


def create_messaging_tables() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["published_at", "id"])
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("processed_at", UtcDateTime(), nullable=False),
    )


def drop_messaging_tables() -> None:
    op.drop_table("inbox")
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("outbox")


def create_dead_letter_table() -> None:
    op.create_table(
        "inbox_dead_letter",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("consumer", sa.String(100), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failed_at", UtcDateTime(), nullable=False),
        sa.Column("replayed_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_inbox_dead_letter_event", "inbox_dead_letter", ["consumer", "event_id"])


def drop_dead_letter_table() -> None:
    op.drop_index("ix_inbox_dead_letter_event", table_name="inbox_dead_letter")
    op.drop_table("inbox_dead_letter")
