"""Timeline consent entries no longer name the consent's recipients.

A consent entry is ``case_ref``, which police read under the usual consent,
and its summary was "Consent given (to police, provider)": a consent to a
provider told police that a provider works with the person, which is
``interventions`` ("provider commissions"), closed to police (ACCESS.md,
matrix). The service now writes "Consent given"; the entries already stored
are rewritten the same way, or they would go on telling it.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Kept here as text, not imported: a migration says what it did when it was written.
_CONSENT_GIVEN = "Consent given"

_NAMING_RECIPIENTS = sa.text(
    "UPDATE followup_timeline_entry SET summary = :given "
    "WHERE milestone = 'consent_granted' AND summary <> :given"
).bindparams(given=_CONSENT_GIVEN)


def upgrade() -> None:
    op.execute(_NAMING_RECIPIENTS)


def downgrade() -> None:
    # The recipients are not written back: naming them was the disclosure this
    # migration ends, and the consents themselves still say to whom they were given.
    pass
