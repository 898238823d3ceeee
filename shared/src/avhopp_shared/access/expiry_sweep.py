"""Grants that end by time reach the copies they brought, as a withdrawal does.

ACCESS.md, "Consent records": a consent is valid from ``valid_from`` until ``valid_to``
or until withdrawn, and subscribers that already hold data are told to purge it. The
gate stops every later read and delivery the moment ``valid_to`` passes, but no event
says so: without a sweep, what a service kept as its own record of police's or social
services' copies (follow-up's exit reason, the ISU relapse fact, social services' task
quoting police's register check) would stay shown after the consent has ended.

So every service with purgers sweeps, every ``AVHOPP_ACCESS_EXPIRY_SWEEP_SECONDS``, its
copies of the consents and legal bases whose ``valid_to`` has passed and the break-glass
grants whose ``expires_at`` has passed, and runs on each the purge a withdrawal runs
(``purge.purge_what_is_lost``): deciding on the access state at that moment, so another
grant still in force keeps what it covers, and recording the purge in the audit trail.

Each grant is swept once: a row in ``access_expiry_swept`` claims it, inserted in the
purge's own transaction (``INSERT … ON CONFLICT DO NOTHING``). On PostgreSQL a second
replica's insert of the same key waits for the first's transaction and then inserts
nothing, so it skips the grant; if the first rolls back, the second purges instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.sql import ColumnElement

from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.purge import Ending, Purger, names_service, purge_what_is_lost
from avhopp_shared.access.tables import (
    BreakGlassRow,
    ConsentGrantRow,
    ExpirySweptRow,
    LegalBasisRow,
)
from avhopp_shared.auth.caller import Caller
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.uow import UnitOfWork

log = logging.getLogger("avhopp.purge")

_swept = ExpirySweptRow.__table__  # type: ignore[attr-defined]
_consent = ConsentGrantRow.__table__  # type: ignore[attr-defined]
_basis = LegalBasisRow.__table__  # type: ignore[attr-defined]
_break_glass = BreakGlassRow.__table__  # type: ignore[attr-defined]

#: Grants swept in one round at most: the rest wait for the next.
BATCH = 200


@dataclass(frozen=True)
class _Ended:
    kind: str
    grant_id: str
    case_id: str
    categories: tuple[str, ...]
    #: Whether the grant brought anything to this service (it names the service).
    ours: bool


def _not_swept(kind: str, grant_id: ColumnElement[Any]) -> ColumnElement[bool]:
    return ~exists().where(and_(_swept.c.kind == kind, _swept.c.grant_id == grant_id))


async def _ended(uow: UnitOfWork, recipient: Caller, now: datetime) -> list[_Ended]:
    """The grants known here whose end in time has passed and that are not swept yet.

    A withdrawn consent is left out: its withdrawal already purged (``purge``)."""
    consents = select(
        _consent.c.consent_id, _consent.c.case_id, _consent.c.categories, _consent.c.recipients
    ).where(
        _consent.c.valid_to <= now,
        _consent.c.withdrawn_at.is_(None),
        _not_swept("consent", _consent.c.consent_id),
    )
    bases = select(
        _basis.c.legal_basis_id, _basis.c.case_id, _basis.c.categories, _basis.c.recipient
    ).where(_basis.c.valid_to <= now, _not_swept("legal_basis", _basis.c.legal_basis_id))
    grants = select(
        _break_glass.c.grant_id,
        _break_glass.c.case_id,
        _break_glass.c.categories,
        _break_glass.c.agency,
    ).where(_break_glass.c.expires_at <= now, _not_swept("break_glass", _break_glass.c.grant_id))
    # Core statements over the tables' columns: run on the unit of work's connection.
    connection = await uow.session.connection()
    found = [
        _Ended("consent", i, c, tuple(cats), any(names_service(r, recipient) for r in recipients))
        for i, c, cats, recipients in (await connection.execute(consents.limit(BATCH))).all()
    ]
    found += [
        _Ended("legal_basis", i, c, tuple(cats), names_service(named, recipient))
        for i, c, cats, named in (await connection.execute(bases.limit(BATCH))).all()
    ]
    found += [
        # A break-glass grant is to a user of an agency (ACCESS.md, "Break-glass"):
        # what it opened is its agency's to sweep.
        _Ended("break_glass", i, c, tuple(cats), agency == recipient.agency.value)
        for i, c, cats, agency in (await connection.execute(grants.limit(BATCH))).all()
    ]
    return found


@dataclass(frozen=True)
class ExpirySweeper:
    """Sweeps one service's grants that have ended by time."""

    new_uow: Callable[[], UnitOfWork]
    gate: DisclosureGate
    recipient: Caller
    purgers: Mapping[str, Purger]

    async def sweep(self) -> int:
        """One round: returns how many grants this replica swept."""
        now = utcnow()
        async with self.new_uow() as uow:
            ended = await _ended(uow, self.recipient, now)
        swept = 0
        for grant in ended:
            swept += await self._sweep_one(grant)
        return swept

    async def sweep_round(self) -> None:
        """One round of the periodic sweep: a fault is logged, and the grants it did
        not claim are tried on the next round."""
        try:
            await self.sweep()
        except Exception as exc:  # any fault: the grant is not claimed, tried next round
            log.error("expiry sweep failed: %s", type(exc).__name__, exc_info=exc)

    async def _sweep_one(self, grant: _Ended) -> int:
        async with self.new_uow() as uow:
            claim = {"kind": grant.kind, "grant_id": grant.grant_id, "swept_at": utcnow()}
            if not await insert_new(uow.session, ExpirySweptRow, claim):
                return 0  # another replica swept it
            if grant.ours:
                await purge_what_is_lost(
                    uow,
                    self.gate,
                    self.recipient,
                    self.purgers,
                    Ending(
                        case_id=grant.case_id,
                        kind=grant.kind,
                        grant_id=grant.grant_id,
                        categories=grant.categories,
                        resource=f"{grant.kind.replace('_', ' ')} expiry",
                        reason=f"{grant.kind.replace('_', ' ')} ended",
                        how="ended",
                    ),
                )
            await uow.commit()
        return 1
