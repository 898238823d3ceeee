"""Creates the messaging tables: outbox and inbox from a service's first migration,
the inbox's dead letters from a later one; renames event types not yet published."""

from __future__ import annotations

import json
from collections.abc import Mapping

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime
from avhopp_shared.events.topics import topic_for


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


def rename_unsent_events(renamed: Mapping[str, str]) -> None:
    """Outbox rows not yet published under an old event type (old name → new name)
    go out under the new one, on the new name's topic: the relay publishes a row on
    the topic written into it, so a row left as it was would still reach the old
    topic's readers. Published rows are history and stay as they were."""
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer()),
        sa.column("topic", sa.String()),
        sa.column("event_type", sa.String()),
        sa.column("payload", sa.LargeBinary()),
        sa.column("published_at", UtcDateTime()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.event_type, outbox.c.payload).where(
            outbox.c.published_at.is_(None), outbox.c.event_type.in_(list(renamed))
        )
    ).all()
    for row in rows:
        new = renamed[row.event_type]
        envelope = json.loads(bytes(row.payload))
        envelope["type"] = new
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id == row.id)
            .values(
                topic=topic_for(new),
                event_type=new,
                # As EventEnvelope.to_json_bytes writes it: compact, not escaped.
                payload=json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode(),
            )
        )
