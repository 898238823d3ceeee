"""Consents and legal bases that take effect after they are recorded reach police then.

A grant recorded with a ``valid_from`` still to come opens nothing when it is recorded,
so ``case_to_police`` sends police's services nothing then; and nothing happens when it
starts, since the gates decide on ``valid_from`` at each read and delivery. Police's
threat service, which opens its assessment task (PROCESS.md step 5) from the
application's event alone, would never hear of such a case.

So intake sweeps, every ``AVHOPP_ACCESS_EXPIRY_SWEEP_SECONDS``, the grants to police
whose start has come and that are not yet claimed, and sends police the application
then if the case is now open to them (``case_to_police.send_if_opened``). A grant in
force when recorded is claimed in the transaction that records it (``claim_started``),
as migration 0023 claimed those recorded before: only a grant that starts later is
ever swept. Each is claimed once in ``access_expiry_swept`` (kind ``consent_start``,
``legal_basis_start``), in the transaction that sends, so replicas never send twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql import ColumnElement

from avhopp_intake.service_layer.case_to_police import POLICE, send_if_opened
from avhopp_shared.access import state_versions
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.tables import ConsentGrantRow, ExpirySweptRow, LegalBasisRow
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.access_events import LegalBasisRecorded
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentGranted
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.periodic import Periodic
from avhopp_shared.service_app import ServiceRuntime
from avhopp_shared.uow import UnitOfWork

log = logging.getLogger("avhopp.intake.started_grants")

CONSENT_START = "consent_start"
LEGAL_BASIS_START = "legal_basis_start"
#: Grants swept in one round at most: the rest wait for the next.
BATCH = 200

_swept = ExpirySweptRow.__table__  # type: ignore[attr-defined]
_consent = ConsentGrantRow.__table__  # type: ignore[attr-defined]
_basis = LegalBasisRow.__table__  # type: ignore[attr-defined]


async def claim(uow: UnitOfWork, kind: str, grant_id: str) -> bool:
    """Claims the grant's start; False when it was claimed before (by another replica)."""
    row = {"kind": kind, "grant_id": grant_id, "swept_at": utcnow()}
    return await insert_new(uow.session, ExpirySweptRow, row)


async def claim_started(uow: UnitOfWork, payload: EventPayload, now: datetime) -> None:
    """A grant in force as it is recorded is claimed at once: what it opens to police
    was decided as it was recorded (``case_to_police``), and the sweep leaves it be."""
    if isinstance(payload, ConsentGranted) and payload.valid_from <= now:
        await claim(uow, CONSENT_START, payload.consent_id)
    elif isinstance(payload, LegalBasisRecorded) and payload.valid_from <= now:
        await claim(uow, LEGAL_BASIS_START, payload.legal_basis_id)


def _not_claimed(kind: str, grant_id: ColumnElement[str]) -> ColumnElement[bool]:
    return ~exists().where(and_(_swept.c.kind == kind, _swept.c.grant_id == grant_id))


def _in_force(table: object, now: datetime) -> ColumnElement[bool]:
    # The policy's window (policies/lib/window.rego) on the same times, to the
    # microsecond (``policy_input.policy_time``): a grant found started here is in
    # force for the gate that decides, later, whether it opened the case to police.
    columns = table.c  # type: ignore[attr-defined]
    return and_(columns.valid_from <= now, or_(columns.valid_to.is_(None), columns.valid_to > now))


async def _started(uow: UnitOfWork, now: datetime) -> list[tuple[str, str, str, bool]]:
    """(kind, grant id, case id, whether it names police) of the grants whose start has
    come, still in force, not claimed yet. A withdrawn consent opens nothing."""
    consents = select(_consent.c.consent_id, _consent.c.case_id, _consent.c.recipients).where(
        _in_force(_consent, now),
        _consent.c.withdrawn_at.is_(None),
        _not_claimed(CONSENT_START, _consent.c.consent_id),
    )
    bases = select(_basis.c.legal_basis_id, _basis.c.case_id, _basis.c.recipient).where(
        _in_force(_basis, now), _not_claimed(LEGAL_BASIS_START, _basis.c.legal_basis_id)
    )
    connection = await uow.session.connection()
    found = [
        (CONSENT_START, grant, case, any(r.get("agency") == POLICE for r in recipients))
        for grant, case, recipients in (await connection.execute(consents.limit(BATCH))).all()
    ]
    found += [
        (LEGAL_BASIS_START, grant, case, recipient.get("agency") == POLICE)
        for grant, case, recipient in (await connection.execute(bases.limit(BATCH))).all()
    ]
    return found


@dataclass(frozen=True)
class StartSweeper:
    """Sends police the application of each case a grant that started later opened."""

    new_uow: Callable[[], UnitOfWork]
    gate: DisclosureGate

    async def sweep(self) -> int:
        """One round: how many started grants this replica claimed."""
        async with self.new_uow() as uow:
            started = await _started(uow, utcnow())
        claimed = 0
        for kind, grant_id, case_id, names_police in started:
            async with self.new_uow() as uow:
                if not await claim(uow, kind, grant_id):
                    continue  # another replica took it
                if names_police:
                    # Decided on the state changes in flight leave, as a grant's is
                    # (``consents.grant_consent``): a withdrawal of the grant
                    # committing meanwhile closes the case to police again.
                    await state_versions.lock(uow.session, case_id)
                    # Police knew of the case before only if their task was opened then;
                    # the threat service adds no second task (``TaskRepository.add_new``).
                    await send_if_opened(uow, self.gate, case_id, knew=False)
                await uow.commit()
            claimed += 1
        return claimed

    async def sweep_round(self) -> None:
        """One round of the periodic sweep: a fault (the policy giving no answer, the
        database) is logged, and what it did not claim is tried on the next round."""
        try:
            await self.sweep()
        except Exception as exc:  # any fault: nothing claimed, tried next round
            log.error("start sweep failed: %s", type(exc).__name__, exc_info=exc)


def start_sweep(runtime: ServiceRuntime) -> Periodic:
    """Intake's periodic sweep of started grants (``ServiceDefinition.periodic``)."""
    sweeper = StartSweeper(runtime.new_uow, runtime.gate)
    return Periodic(
        sweeper.sweep_round, "start-sweep-intake", runtime.settings.access_expiry_sweep_seconds
    )
