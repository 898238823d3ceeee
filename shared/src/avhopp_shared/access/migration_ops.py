"""Creates the access-state and audit tables from a service's migration."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime


def create_access_tables() -> None:
    op.create_table(
        "access_consent",
        sa.Column("consent_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("valid_from", UtcDateTime(), nullable=False),
        sa.Column("valid_to", UtcDateTime(), nullable=True),
        sa.Column("withdrawn_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_access_consent_case", "access_consent", ["case_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("user", sa.String(200), nullable=True),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("resource", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("disclosed", sa.JSON(), nullable=False),
        sa.Column("withheld", sa.JSON(), nullable=False),
        sa.Column("bases", sa.JSON(), nullable=False),
        sa.Column("decision_id", sa.String(64), nullable=False),
        sa.Column("policy_revision", sa.String(64), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_case", "audit_log", ["case_id"])


def drop_access_tables() -> None:
    op.drop_index("ix_audit_log_case", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_access_consent_case", table_name="access_consent")
    op.drop_table("access_consent")


def create_access_grant_tables() -> None:
    """Team, legal bases and break-glass grants: the rest of what the gate decides by."""
    op.create_table(
        "access_team_member",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("agency", sa.String(20), primary_key=True),
        sa.Column("organisation", sa.String(200), primary_key=True),
        sa.Column("user", sa.String(200), primary_key=True),
        sa.Column("added_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "access_legal_basis",
        sa.Column("legal_basis_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("recipient", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("valid_from", UtcDateTime(), nullable=False),
        sa.Column("valid_to", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_access_legal_basis_case", "access_legal_basis", ["case_id"])
    op.create_table(
        "access_break_glass",
        sa.Column("grant_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("valid_from", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("review_required", sa.Boolean(), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("approved_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_access_break_glass_case", "access_break_glass", ["case_id"])


def drop_access_grant_tables() -> None:
    op.drop_index("ix_access_break_glass_case", table_name="access_break_glass")
    op.drop_table("access_break_glass")
    op.drop_index("ix_access_legal_basis_case", table_name="access_legal_basis")
    op.drop_table("access_legal_basis")
    op.drop_table("access_team_member")


def make_audit_log_append_only() -> None:
    """The database itself refuses to change or delete an audit entry.

    The hash chain finds tampering after the fact; this stops it through the
    services' own connections. Someone with the rights to drop the trigger can
    still rewrite rows, and the chain is what catches that.
    """
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
        "ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def allow_audit_log_changes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
        return
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION audit_log_append_only()")


def create_access_version_table() -> None:
    """Per case, a counter bumped with every access-state change (the gate's cache key)."""
    op.create_table(
        "access_state_version",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )


def drop_access_version_table() -> None:
    op.drop_table("access_state_version")


def create_access_threat_level_table() -> None:
    """Per case, the person's threat level as announced by police (the gate narrows on it)."""
    op.create_table(
        "access_threat_level",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("level", sa.String(10), nullable=False),
    )


def drop_access_threat_level_table() -> None:
    op.drop_table("access_threat_level")


def create_access_disclosure_decision_table() -> None:
    """Per case, the boards' disclosure decisions for providers (the ``decided`` cells)."""
    op.create_table(
        "access_disclosure_decision",
        sa.Column("decision_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
    )
    op.create_index("ix_access_disclosure_decision_case", "access_disclosure_decision", ["case_id"])


def drop_access_disclosure_decision_table() -> None:
    op.drop_index("ix_access_disclosure_decision_case", table_name="access_disclosure_decision")
    op.drop_table("access_disclosure_decision")


def create_access_responsibility_tables() -> None:
    """A copy of social services' record of the responsible municipality (per case)."""
    op.create_table(
        "access_responsibility",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("residence", sa.String(4), nullable=False),
        sa.Column("stay", sa.String(4), nullable=True),
    )
    op.create_table(
        "access_responsibility_transfer",
        sa.Column("transfer_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("to_municipality", sa.String(4), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
    )
    op.create_index(
        "ix_access_responsibility_transfer_case", "access_responsibility_transfer", ["case_id"]
    )


def drop_access_responsibility_tables() -> None:
    op.drop_index(
        "ix_access_responsibility_transfer_case", table_name="access_responsibility_transfer"
    )
    op.drop_table("access_responsibility_transfer")
    op.drop_table("access_responsibility")
