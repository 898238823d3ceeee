"""The events every service that hears other services keeps its access state from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Table, update
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access import consent_state, grants_state, state_versions, threat_level_state
from avhopp_shared.access.tables import LegalBasisRow
from avhopp_shared.events.access_events import (
    BreakGlassApproved,
    BreakGlassGranted,
    BreakGlassRejected,
    DisclosureDecided,
    LegalBasisRecorded,
    TeamMemberAdded,
    TeamMemberRemoved,
)
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentGranted, ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.police_events import ThreatLevelChanged
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork

_legal_basis: Table = LegalBasisRow.__table__  # type: ignore[attr-defined]


async def _apply_legal_basis_recorded(session: AsyncSession, recorded: LegalBasisRecorded) -> None:
    """The basis, with who recorded it: it opens only that agency's records (README,
    "Beyond consent"; policies/access/legal_basis.rego). A basis announced without a
    recorder keeps none, and opens nothing; one delivered again with it gains it."""
    await grants_state.apply_legal_basis_recorded(session, recorded)
    if recorded.granted_by is None:
        return
    connection = await session.connection()
    await connection.execute(
        update(_legal_basis)
        .where(
            _legal_basis.c.legal_basis_id == recorded.legal_basis_id,
            _legal_basis.c.granted_by_agency.is_(None),
        )
        .values(
            granted_by_agency=recorded.granted_by.agency,
            granted_by_organisation=recorded.granted_by.organisation,
        )
    )


_APPLY: dict[type[EventPayload], Callable[[AsyncSession, Any], Awaitable[None]]] = {
    ConsentGranted: consent_state.apply_consent_granted,
    ConsentWithdrawn: consent_state.apply_consent_withdrawn,
    TeamMemberAdded: grants_state.apply_team_member_added,
    TeamMemberRemoved: grants_state.apply_team_member_removed,
    LegalBasisRecorded: _apply_legal_basis_recorded,
    BreakGlassGranted: grants_state.apply_break_glass_granted,
    BreakGlassApproved: grants_state.apply_break_glass_approved,
    BreakGlassRejected: grants_state.apply_break_glass_rejected,
    DisclosureDecided: grants_state.apply_disclosure_decided,
    ThreatLevelChanged: threat_level_state.apply_threat_level_changed,
}


async def apply_access_event(session: AsyncSession, payload: EventPayload) -> None:
    """Intake calls this in the same transaction as the change; the others from the bus."""
    await _APPLY[type(payload)](session, payload)
    # Every access event names its case (the payload models above).
    await state_versions.bump(session, payload.case_id)  # type: ignore[attr-defined]


async def _on_access_event(uow: UnitOfWork, payload: EventPayload, _: EventEnvelope) -> None:
    await apply_access_event(uow.session, payload)


ACCESS_HANDLERS: dict[str, EventHandler] = {model.event_type: _on_access_event for model in _APPLY}
