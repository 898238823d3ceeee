"""Social services of one municipality work only in the cases that municipality answers for.

Each municipality is its own authority and secrecy holds between them (OSL);
a case is the responsible municipality's, and in an acute situation also the
municipality of stay's (2 a kap. SoL; ``avhopp_shared.municipal_responsibility``).
Every service social services run applies this to social-services callers;
other agencies are not concerned: the action policy and the disclosure gate
decide for them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Depends

from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.dependencies import CallerDep, Forbidden
from avhopp_shared.errors import NotFound
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web.params import CaseId

#: (uow, case id, caller, today, acute) → whether the caller's municipality works
#: in the case; :class:`NotFound` for a case the service does not know.
MayWorkIn = Callable[[UnitOfWork, str, Caller, date, bool], Awaitable[bool]]


@dataclass(frozen=True)
class MunicipalityScope:
    may_work_in: MayWorkIn

    async def require(
        self, uow: UnitOfWork, case_id: str, caller: Caller, *, reading: bool, acute: bool = True
    ) -> None:
        """Inside an open unit of work. A reader from another municipality cannot tell
        the case from one that does not exist (404); a writer is told it may not
        (403). ``acute=False`` for what only the responsible municipality decides."""
        if caller.agency is not Agency.SOCIAL:
            return
        # The Swedish date: a transfer takes effect at the start of a Swedish day.
        if await self.may_work_in(uow, case_id, caller, today_in_sweden(), acute):
            return
        if reading:
            raise NotFound("case data", "for this caller")
        raise Forbidden(
            "only social services of the municipality responsible for the case work here"
        )

    def dependency(self, *, reading: bool = False, acute: bool = True) -> Any:
        """A route dependency for ``/cases/{case_id}/...``: :meth:`require`."""

        async def check(case_id: CaseId, caller: CallerDep, uow: UnitOfWorkDep) -> None:
            async with uow:
                await self.require(uow, case_id, caller, reading=reading, acute=acute)

        return Depends(check)
