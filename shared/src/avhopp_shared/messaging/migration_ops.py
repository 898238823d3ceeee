"""Creates the messaging tables: outbox and inbox from a service's first migration,
the inbox's dead letters from a later one; renames event types not yet published,
and splits them into one copy per receiving agency."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime
from avhopp_shared.events.topics import AUDIENCES, TOPIC_PREFIX, legacy_topic, topic_for


def _outbox_columns(*, unique_event_id: bool) -> list[sa.Column[Any]]:
    """The outbox's columns; its event id alone was unique until copies per agency."""
    return [
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=unique_event_id),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
    ]


def create_messaging_tables() -> None:
    op.create_table("outbox", *_outbox_columns(unique_event_id=True))
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
                # The topic of the day: split_unsent_events_by_audience, a later
                # migration, moves what is still unsent to each agency's topic.
                topic=legacy_topic(new),
                event_type=new,
                # As EventEnvelope.to_json_bytes writes it: compact, not escaped.
                payload=json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode(),
            )
        )


def split_unsent_events_by_audience() -> None:
    """One outbox row per receiving agency from now on (access.event_audiences).

    The outbox's event id is unique per topic rather than alone. Rows not yet
    published on a topic of the old scheme (one per family, every agency's
    services reading it whole) are replaced, in their order, by each agency's
    copy on that agency's topic, cut as the unit of work now cuts them; rows
    already published are history and stay as they were.
    """
    # Imported here: a migration module is loaded before the service's settings are.
    from avhopp_shared.access.event_audiences import EventCopy, platform_audiences
    from avhopp_shared.events.envelope import EventEnvelope
    from avhopp_shared.events.registry import UnknownEventType, parse_payload
    from avhopp_shared.messaging.tables import outbox_row

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite cannot drop the unnamed constraint: the table is copied into one without it.
        with op.batch_alter_table("outbox", copy_from=_outbox_table(), recreate="always") as batch:
            batch.create_unique_constraint("uq_outbox_event_topic", ["event_id", "topic"])
    else:
        for constraint in sa.inspect(bind).get_unique_constraints("outbox"):
            if constraint["column_names"] == ["event_id"] and constraint["name"]:
                op.drop_constraint(constraint["name"], "outbox", type_="unique")
        op.create_unique_constraint("uq_outbox_event_topic", "outbox", ["event_id", "topic"])

    outbox = _outbox_table()
    rows = bind.execute(
        sa.select(outbox)
        .where(outbox.c.published_at.is_(None), ~outbox.c.topic.startswith(TOPIC_PREFIX + "for-"))
        .order_by(outbox.c.id)
    ).all()
    # The service's own policies folder, as its running units of work use (db.migrate).
    audiences = platform_audiences(_configured_policies_dir())
    for row in rows:
        envelope = EventEnvelope.from_json_bytes(bytes(row.payload))
        try:
            payload = parse_payload(envelope)
        except (UnknownEventType, ValueError):
            # Not a payload the policy can cut: it goes to the publishing agency's
            # own services alone, whole, where it discloses nothing (their
            # consumers set aside what they cannot read); nothing else gets it.
            if envelope.acting_agency not in AUDIENCES:
                continue
            copies = [
                EventCopy(
                    envelope.acting_agency,
                    topic_for(envelope.type, envelope.acting_agency),
                    envelope.data,
                    (),
                )
            ]
        else:
            copies = audiences.copies(payload, envelope.data, envelope.acting_agency)
        bind.execute(sa.delete(outbox).where(outbox.c.id == row.id))
        bind.execute(
            sa.insert(outbox), [outbox_row(copy.of(envelope), copy.topic) for copy in copies]
        )


def _configured_policies_dir() -> Path | None:
    """The service's ``policies_dir`` setting, as ``db.migrate.upgrade_to_head`` hands it on."""
    from avhopp_shared.db.migrate import POLICIES_DIR_ATTRIBUTE

    config = op.get_context().config
    found = config.attributes.get(POLICIES_DIR_ATTRIBUTE) if config is not None else None
    return found if isinstance(found, Path) else None


def _outbox_table() -> sa.Table:
    """The outbox as create_messaging_tables made it, but for its event id's uniqueness."""
    return sa.Table(
        "outbox",
        sa.MetaData(),
        *_outbox_columns(unique_event_id=False),
        sa.Index("ix_outbox_unpublished", "published_at", "id"),
    )
