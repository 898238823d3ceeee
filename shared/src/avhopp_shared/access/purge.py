"""Withdrawal reaches shared data: a recipient purges what it may no longer hold.

When a consent is withdrawn, each service that received data under it asks
the policy whether it may still receive each covered category about the case
(another consent or a legal basis may cover it). What it may not, it purges
through the service's own purgers, and the purge goes into the audit trail.
If the policy cannot answer, everything covered is purged: fail closed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from avhopp_shared.access import audit
from avhopp_shared.access.categories import DEFAULT_PURPOSE
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.access.state_handlers import apply_access_event
from avhopp_shared.access.state_read import access_state
from avhopp_shared.access.tables import ConsentGrantRow
from avhopp_shared.auth.caller import Caller
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork

#: Removes what a service holds of one category about one case; returns rows affected.
Purger = Callable[[UnitOfWork, str], Awaitable[int]]


def withdrawal_handler(
    gate: DisclosureGate, recipient: Caller, purgers: Mapping[str, Purger]
) -> EventHandler:
    async def on_withdrawn(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
        assert isinstance(payload, ConsentWithdrawn)
        await apply_access_event(uow.session, payload)
        consent = await uow.session.get(ConsentGrantRow, payload.consent_id)
        if consent is None or not any(
            r["agency"] == recipient.agency.value for r in consent.recipients
        ):
            return
        covered = [c for c in consent.categories if c in purgers]
        if not covered:
            return
        now = utcnow()
        decision = gate.decision(
            recipient=recipient,
            purpose=DEFAULT_PURPOSE[recipient.agency.value].value,
            case_id=payload.case_id,
            categories=covered,
            state=await access_state(uow.session, payload.case_id),
            now=now,
            owner=Owner(envelope.acting_agency),
        )
        lost = [c for c in covered if c not in decision.allowed]
        if not lost:
            return
        purged = {c: await purgers[c](uow, payload.case_id) for c in lost}
        await audit.append(
            uow.session,
            audit.AuditRecord(
                channel="purge",
                client_id=recipient.client_id,
                user=None,
                agency=recipient.agency.value,
                organisation=recipient.organisation,
                case_id=payload.case_id,
                resource="consent withdrawal",
                purpose="-",
                disclosed=[],
                withheld={c: "consent withdrawn" for c in lost},
                bases={},
                decision_id=decision.decision_id,
                policy_revision=decision.revision,
                note=f"consent {payload.consent_id} withdrawn; purged rows {purged}",
            ),
            now,
        )

    return on_withdrawn
