"""The consents a service knows of, kept from consent events; read by its gate.

Every service keeps this projection in its own database (services never read
each other's tables). Intake writes it in the same transaction as the consent
record itself, so its own gate never lags.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.tables import ConsentGrantRow
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.consent_events import ConsentGranted, ConsentWithdrawn

ACTIVE = "active"
WITHDRAWN = "withdrawn"


async def apply_consent_granted(session: AsyncSession, granted: ConsentGranted) -> None:
    await insert_new(
        session,
        ConsentGrantRow,
        {
            "consent_id": granted.consent_id,
            "case_id": granted.case_id,
            "status": ACTIVE,
            "recipients": [r.model_dump() for r in granted.recipients],
            "categories": [c.value for c in granted.categories],
            "purposes": [p.value for p in granted.purposes],
            "valid_from": granted.valid_from,
            "valid_to": granted.valid_to,
        },
    )


async def apply_consent_withdrawn(session: AsyncSession, withdrawn: ConsentWithdrawn) -> None:
    row = await session.get(ConsentGrantRow, withdrawn.consent_id)
    if row is None or row.status == WITHDRAWN:
        return
    row.status = WITHDRAWN
    row.withdrawn_at = withdrawn.withdrawn_at
    session.add(row)
