"""Social services work only on cases whose investigation is open here."""

from __future__ import annotations

from datetime import date

from avhopp_shared.errors import NotFound
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.investigation_repository import InvestigationRepository


async def require_investigation(uow: UnitOfWork, case_id: str) -> None:
    await received_on(uow, case_id)


async def received_on(uow: UnitOfWork, case_id: str) -> date:
    """The Swedish day the case's application was received (README: days are
    Swedish days); unknown cases are :class:`NotFound`. Nothing is decided
    about a case before it: the investigation opens on that application."""
    investigation = await InvestigationRepository(uow.session).get(case_id)
    if investigation is None:
        raise NotFound("investigation", case_id)
    return today_in_sweden(investigation.received_at)


async def lock_investigation(uow: UnitOfWork, case_id: str) -> None:
    """Locks the case's investigation row until the unit of work ends (unknown cases are
    :class:`NotFound`). Two versions of a record written at once (a retry on another
    replica, two caseworkers) would each read the same newest version and collide on
    the next one (503); in turn, each is the next version (PROCESS.md step 9: a
    changed plan is a new version, earlier ones stay)."""
    investigation = await InvestigationRepository(uow.session).get(case_id, for_update=True)
    if investigation is None:
        raise NotFound("investigation", case_id)
