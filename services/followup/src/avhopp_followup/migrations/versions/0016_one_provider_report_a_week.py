"""One provider report per case, provider and week: a retried report was stored, and
its serious incidents announced, once more each time it was sent.

Repeats already stored (the same content for the same week) are removed, the
first one sent kept. Reports of one week that differ are the provider's own
records and not this migration's to choose between: the upgrade stops and
says how many weeks hold them, to be settled before it is run again.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# JSON is compared as its text on both databases (PostgreSQL's json has no `=`):
# the service wrote every row with one serialiser, so one content is one text.
_REPEATS = """
DELETE FROM followup_provider_report WHERE EXISTS (
    SELECT 1 FROM followup_provider_report AS earlier
    WHERE earlier.case_id = followup_provider_report.case_id
    AND earlier.provider_organisation = followup_provider_report.provider_organisation
    AND earlier.week_starting = followup_provider_report.week_starting
    AND earlier.schedule = followup_provider_report.schedule
    AND CAST(earlier.contacts AS TEXT) = CAST(followup_provider_report.contacts AS TEXT)
    AND CAST(earlier.activities AS TEXT) = CAST(followup_provider_report.activities AS TEXT)
    AND CAST(earlier.treatment_sessions AS TEXT)
        = CAST(followup_provider_report.treatment_sessions AS TEXT)
    AND CAST(earlier.incidents AS TEXT) = CAST(followup_provider_report.incidents AS TEXT)
    AND CAST(earlier.absences AS TEXT) = CAST(followup_provider_report.absences AS TEXT)
    AND (
        earlier.reported_at < followup_provider_report.reported_at
        OR (
            earlier.reported_at = followup_provider_report.reported_at
            AND earlier.report_id < followup_provider_report.report_id
        )
    )
)
"""
_WEEKS_IN_DOUBT = """
SELECT COUNT(*) FROM (
    SELECT 1 FROM followup_provider_report
    GROUP BY case_id, provider_organisation, week_starting
    HAVING COUNT(*) > 1
) AS weeks
"""


def upgrade() -> None:
    op.execute(_REPEATS)
    weeks = op.get_bind().execute(sa.text(_WEEKS_IN_DOUBT)).scalar_one()
    if weeks:
        raise RuntimeError(
            "followup_provider_report: differing reports of one provider for the same week "
            f"of a case ({weeks} such weeks); keep one report of each, then upgrade again"
        )
    op.create_index(
        "uq_followup_provider_report_week",
        "followup_provider_report",
        ["case_id", "provider_organisation", "week_starting"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_followup_provider_report_week", table_name="followup_provider_report")
