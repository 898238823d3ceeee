"""Social services work only on cases whose investigation is open here."""

from __future__ import annotations

from avhopp_shared.errors import NotFound
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.investigation_repository import InvestigationRepository


async def require_investigation(uow: UnitOfWork, case_id: str) -> None:
    if await InvestigationRepository(uow.session).get(case_id) is None:
        raise NotFound("investigation", case_id)
