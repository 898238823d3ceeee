"""Timeline entries of an incident's assessment are ``interventions``, no longer ``followup``.

Social services' individual assessment of a provider's incident was noted as
``followup``, which police read under a consent: the entry told them that an
incident happened, which is ``interventions`` ("provider reports, attendance,
incidents", ACCESS.md), closed to police, who learn of an incident only when it
concerns security (PROCESS.md step 11). The service now notes those entries as
``interventions`` (and says "an incident"); the entries already stored are
rewritten the same way, or they would go on telling it. An assessment of a
relapse stays ``followup``.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Kept here as text, not imported: a migration says what it did when it was written.
_BEFORE = "Individual assessment after a incident"
_AFTER = "Individual assessment after an incident"

_RECATEGORISED = sa.text(
    "UPDATE followup_timeline_entry SET category = 'interventions', "
    "summary = CAST(:after AS VARCHAR) || substr(summary, CAST(:rest AS INTEGER)) "
    "WHERE milestone = 'assessment_made' AND category = 'followup' AND summary LIKE :before"
).bindparams(after=_AFTER, rest=len(_BEFORE) + 1, before=f"{_BEFORE}%")


def upgrade() -> None:
    op.execute(_RECATEGORISED)


def downgrade() -> None:
    # Not written back as ``followup``: that was the disclosure this migration ends.
    pass
