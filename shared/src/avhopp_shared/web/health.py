"""Liveness and readiness: ``/healthz`` says the process runs, ``/readyz`` that it can do its job."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.db.ping import database_reachable
from avhopp_shared.policy import CachedEngine
from avhopp_shared.policy.access_decision import action_allowed
from avhopp_shared.policy.engine import PolicyEngine

router = APIRouter(tags=["health"])

_CHECK_TIMEOUT_SECONDS = 3.0


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"
    service: str


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    service: str
    checks: dict[str, bool]


def _policy_answers(engine: PolicyEngine) -> bool:
    """Without a policy answer nothing can be disclosed: the service is not ready to serve.

    Asks the engine itself, past the process's cache: the cache keeps the
    first answer to this same probe for as long as the revision stands, so
    through it an engine (an OPA server) that went down was never noticed.
    Blocking (OPA answers over HTTP): run it off the event loop.
    """
    if isinstance(engine, CachedEngine):
        engine = engine.inner
    probe = Caller("readiness", Agency.SOCIAL, "readiness")
    return action_allowed(engine, probe, "case.read", None, timeout_s=_CHECK_TIMEOUT_SECONDS)


@router.get("/healthz", response_model=Liveness, operation_id="liveness")
async def healthz(request: Request) -> Liveness:
    return Liveness(service=request.app.state.runtime.settings.service_name)


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "database, bus or policy unavailable"}},
    operation_id="readiness",
)
async def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime

    async def bounded(check: asyncio.Future[bool] | asyncio.Task[bool]) -> bool:
        try:
            return await asyncio.wait_for(check, _CHECK_TIMEOUT_SECONDS)
        except Exception:
            return False

    database, bus, policy = await asyncio.gather(
        bounded(asyncio.ensure_future(database_reachable(runtime.engine))),
        bounded(asyncio.ensure_future(runtime.bus.ping())),
        bounded(asyncio.ensure_future(asyncio.to_thread(_policy_answers, runtime.policy))),
    )
    checks = {"database": database, "bus": bus, "policy": policy}
    ready = all(checks.values())
    body = Readiness(
        status="ready" if ready else "unavailable",
        service=runtime.settings.service_name,
        checks=checks,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
