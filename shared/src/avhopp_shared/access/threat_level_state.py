"""The person's threat level, kept from ``threat.level_changed`` for the gate.

Police's assessments stay in the threat service; every other service keeps
only the current level of the person (not of relatives), because at ``high``
the new home town narrows to the case team (policies/access/threat_level.rego).
The threat service writes its own copy in the same transaction as the assessment.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.tables import ThreatLevelRow
from avhopp_shared.events.police_events import ThreatLevelChanged


def kept(changed: ThreatLevelChanged) -> bool:
    """Whether the gate keeps this level: the person's, never a relative's."""
    return changed.subject == "person"


async def apply_threat_level_changed(session: AsyncSession, changed: ThreatLevelChanged) -> None:
    if not kept(changed):
        return
    row = await session.get(ThreatLevelRow, changed.case_id)
    if row is None:
        session.add(ThreatLevelRow(case_id=changed.case_id, level=changed.level))
        return
    row.level = changed.level
    session.add(row)
