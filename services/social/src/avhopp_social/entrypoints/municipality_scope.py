"""Social services of one municipality work only in the cases that municipality answers for.

Each municipality is its own authority and secrecy holds between them (OSL);
the issue of a case is the responsible municipality's, and in an acute
situation also the municipality of stay's (2 a kap. SoL). Other agencies are
not concerned here: the action policy and the disclosure gate decide for them.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends
from sqlalchemy import false

from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.dependencies import CallerDep, Forbidden
from avhopp_shared.errors import NotFound
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web.params import CaseId
from avhopp_social.adapters.case_filter import CaseFilter
from avhopp_social.service_layer.responsibility import may_work_in, responsible_cases


async def require_municipality(
    uow: UnitOfWork, case_id: str, caller: Caller, *, reading: bool, acute: bool = True
) -> None:
    """Inside an open unit of work. A reader from another municipality cannot tell the
    case from one that does not exist (404); a writer is told it may not (403).
    ``acute=False`` for what only the responsible municipality decides."""
    if caller.agency is not Agency.SOCIAL:
        return
    if await may_work_in(uow, case_id, caller, utcnow().date(), acute=acute):
        return
    if reading:
        raise NotFound("case data", "for this caller")
    raise Forbidden("only social services of the municipality responsible for the case work here")


def responsible_municipality(*, reading: bool = False, acute: bool = True) -> Any:
    """A route dependency for ``/cases/{case_id}/...``: :func:`require_municipality`."""

    async def check(case_id: CaseId, caller: CallerDep, uow: UnitOfWorkDep) -> None:
        async with uow:
            await require_municipality(uow, case_id, caller, reading=reading, acute=acute)

    return Depends(check)


WRITES = responsible_municipality()
READS = responsible_municipality(reading=True)
#: Where the responsibility itself moves: never the municipality of stay alone.
RESPONSIBLE_WRITES = responsible_municipality(acute=False)


def municipality_cases(caller: Caller) -> CaseFilter | None:
    """For a social-services caller, a listing narrowed to its municipality's cases
    (None for other agencies: the gate decides item by item for them)."""
    if caller.agency is not Agency.SOCIAL:
        return None
    municipality, today = caller.municipality, utcnow().date()
    if municipality is None:
        return lambda _: false()
    return lambda case_id: responsible_cases(municipality, today, case_id)
