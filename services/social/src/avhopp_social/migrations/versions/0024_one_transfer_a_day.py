"""One transfer of the responsibility per case and effective day (2 a kap. 10 § SoL).

Transfers take effect one after another, each on a later day than the one
before (``domain.responsibility.transfer``): two moves the same day would leave
the first never in effect. The check ran against the transfers on record, so
requests in flight together could each pass it; the unique index makes a second
transfer for the same day impossible to store, however it arrives.

Repeats already stored (the same destination and days, a retried request) are
removed, the one with the lowest id kept. Transfers of one day that differ are
municipalities' decisions and not this migration's to choose between: the
upgrade stops and says how many days hold them, to be settled before it is run
again.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_REPEATS = """
DELETE FROM social_responsibility_transfer WHERE EXISTS (
    SELECT 1 FROM social_responsibility_transfer AS earlier
    WHERE earlier.case_id = social_responsibility_transfer.case_id
    AND earlier.effective_on = social_responsibility_transfer.effective_on
    AND earlier.to_municipality = social_responsibility_transfer.to_municipality
    AND earlier.requested_on = social_responsibility_transfer.requested_on
    AND earlier.decided_on = social_responsibility_transfer.decided_on
    AND earlier.transfer_id < social_responsibility_transfer.transfer_id
)
"""
_DAYS_IN_DOUBT = """
SELECT COUNT(*) FROM (
    SELECT 1 FROM social_responsibility_transfer
    GROUP BY case_id, effective_on
    HAVING COUNT(*) > 1
) AS days
"""


def upgrade() -> None:
    op.execute(_REPEATS)
    days = op.get_bind().execute(sa.text(_DAYS_IN_DOUBT)).scalar_one()
    if days:
        raise RuntimeError(
            f"social_responsibility_transfer: {days} day(s) on which a case has differing "
            "transfers taking effect; keep the one in effect on each, then upgrade again"
        )
    op.create_index(
        "uq_social_responsibility_transfer_day",
        "social_responsibility_transfer",
        ["case_id", "effective_on"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(
        "uq_social_responsibility_transfer_day", table_name="social_responsibility_transfer"
    )
