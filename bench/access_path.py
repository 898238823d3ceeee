"""What the disclosure gate costs: a governed case read against a bare read of the same row.

Governed read: ``GET /cases/{case_id}`` on intake over ASGI, as a real client
sends it — bearer token, the ``case.read`` action check, the access state of
the case (consents, team, legal bases, break-glass), the disclosure decision,
the field filter and the audit entry, committed. Two callers: social services
(the owner) and police (through the consent every application here carries).

Bare read: a route this module adds to the same running intake app, in this
process only, that reads the same row with the same service-layer function
(``get_application`` on a unit of work from the runtime) and answers
``CasePublic.of(...)`` — no token, no policy, no audit. The product has no
such route. Bare read with an audit entry: the same, plus one chained audit
entry committed with the read — the floor any fail-closed audited read pays
(ACCESS.md: a disclosure that cannot be audited is not made), with no token,
no policy and no access state.

The four kinds of request run the same number of times, one after another,
interleaved in blocks (the order rotating every round), so that whatever else
the machine does hits all of them alike.

Decision latency: ``decide_access`` on the platform's own policy engine with a
realistic input (``access_input``: 14 categories, two consents), uncached (a
different case id each call, through the cache, and the inner engine with no
cache at all) and cached (the same input again); the compiled program too
where the engine offers one.
"""

from __future__ import annotations

import importlib
import inspect
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.responses import JSONResponse

from avhopp_intake.entrypoints.schemas import CasePublic
from avhopp_intake.service_layer.register_application import get_application
from avhopp_shared.access import audit
from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.access.categories import Category
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import AccessState, Owner, access_input
from avhopp_shared.access.tables import ConsentGrantRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.policy import CachedEngine, PolicyEngine, RegorusEngine, decide_access
from avhopp_shared.policy.access_decision import DECISION_RULE
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.settings import ServiceSettings
from avhopp_shared.web.params import CaseId
from bench.stats import percentile, summarize
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

BARE_PATH = "/bench/bare-cases/{case_id}"
AUDITED_PATH = "/bench/bare-audited-cases/{case_id}"
DECISION_TIMEOUT_S = 0.5
#: Categories of the decision-latency input: most of the matrix, as a case
#: file with many sections asks for; members of Category, as the gate passes them.
DECISION_CATEGORIES = list(Category)[:14]
PROGRESS_EVERY = 1000


async def _bare_case(case_id: CaseId, uow: UnitOfWorkDep) -> JSONResponse:
    application = await get_application(uow, case_id)
    return JSONResponse(CasePublic.of(application).model_dump(mode="json"))


async def _bare_audited_case(case_id: CaseId, uow: UnitOfWorkDep) -> JSONResponse:
    """The bare read plus the one thing fail-closed auditing cannot skip: an audit
    entry (chained, as the gate writes it) committed in the read's transaction."""
    async with uow:
        application = await get_application(uow, case_id)
        body = CasePublic.of(application).model_dump(mode="json")
        await audit.append(uow.session, _FLOOR_RECORD, datetime.now(UTC))
        await uow.commit()
    return JSONResponse(body)


_FLOOR_RECORD = audit.AuditRecord(
    channel="rest",
    client_id="bench",
    user=None,
    agency="social",
    organisation="bench",
    case_id="bench",
    resource="CasePublic",
    purpose="social_care",
    disclosed=["case_ref", "identity", "status"],
    withheld={},
    bases={},
    decision_id="bench",
    policy_revision="bench",
)


def add_bare_route(platform: RunningPlatform) -> None:
    """The ungoverned twins of ``GET /cases/{case_id}``, on the running intake app."""
    app = platform.apps["intake"]
    for path, endpoint in ((BARE_PATH, _bare_case), (AUDITED_PATH, _bare_audited_case)):
        if not any(getattr(route, "path", None) == path for route in app.router.routes):
            app.router.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)


async def measure_reads(
    platform: RunningPlatform, *, reads: int, warmup: int, block: int = 100, seed: int = 11
) -> dict[str, Any]:
    """``reads`` sequential requests of each kind after ``warmup`` each; latency in ms."""
    add_bare_route(platform)
    client = platform.clients["intake"]
    created = await platform.submit(application_body(random.Random(seed)))
    if created.status_code != 201:
        raise RuntimeError(f"POST /applications answered {created.status_code}")
    case_id = str(created.json()["case_id"])
    governed = f"/cases/{case_id}"
    kinds: dict[str, tuple[str, dict[str, str]]] = {
        "bare": (BARE_PATH.format(case_id=case_id), {}),
        "bare_audited": (AUDITED_PATH.format(case_id=case_id), {}),
        "governed_social": (governed, platform.auth("social-malmo")),
        "governed_police": (governed, platform.auth("police-syd")),
    }
    bodies = {}
    for kind, (path, headers) in kinds.items():
        response = await client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{kind}: GET {path} answered {response.status_code}")
        bodies[kind] = response.json()

    async def run(kind: str, count: int, into: list[float] | None) -> None:
        path, headers = kinds[kind]
        for _ in range(count):
            started = time.perf_counter()
            response = await client.get(path, headers=headers)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{kind}: GET {path} answered {response.status_code}")
            if into is not None:
                into.append(elapsed * 1000)

    names = list(kinds)
    for kind in names:
        await run(kind, warmup, None)
    samples: dict[str, list[float]] = {kind: [] for kind in names}
    rounds = -(-reads // block)
    for index in range(rounds):
        size = min(block, reads - index * block)
        # Rotate the order every round: no kind always follows the same one.
        for kind in names[index % len(names) :] + names[: index % len(names)]:
            await run(kind, size, samples[kind])
        done = (index + 1) * block
        if done % PROGRESS_EVERY == 0 and done < reads:
            print(f"   reads: {done}/{reads} of each kind", file=sys.stderr, flush=True)

    figures: dict[str, Any] = {
        "reads": reads,
        "warmup": warmup,
        "block": block,
        "case_id": case_id,
        "case_fields": {kind: sorted(body) for kind, body in bodies.items()},
    }
    bare_p50 = statistics.median(samples["bare"])
    for kind in names:
        values = samples[kind]
        summary = summarize(values)
        figures[kind] = {
            "latency_ms": summary,
            "requests_per_s": round(len(values) / (sum(values) / 1000), 1),
            "p50_vs_bare": round(statistics.median(values) / bare_p50, 3),
        }
    return figures


# -- where a governed read's time goes ------------------------------------------------

#: (module, attribute, label): the steps of a governed read, wrapped while
#: :func:`split_governed_read` runs (and restored after) to add up their time;
#: an indented step runs inside the one above it. A step the code no longer
#: has is left out of the split.
GOVERNED_STEPS: list[tuple[str, str, str]] = [
    ("avhopp_shared.auth.tokens", "TokenValidator.validate", "bearer token validated"),
    ("avhopp_shared.web.disclosure", "action_allowed", "action check (case.read)"),
    ("avhopp_intake.entrypoints.routes", "get_application", "case row read"),
    ("avhopp_shared.access.gate", "DisclosureGate.disclose_all", "disclosure gate, in all"),
    (
        "avhopp_shared.access.gate",
        "DisclosureGate._state",
        "  access state (read only on a version change)",
    ),
    ("avhopp_shared.access.gate", "DisclosureGate.decide", "  classify, decide, filter"),
    (
        "avhopp_shared.access.gate",
        "DisclosureGate.decision",
        "    disclosure decision (cache hit: no input built)",
    ),
    ("avhopp_shared.access.audit", "append_all", "  audit entry appended (chained)"),
    ("avhopp_shared.uow", "UnitOfWork.commit", "units of work committed"),
]


def _wrap(owner: Any, name: str, spent: list[float]) -> Callable[[], None]:
    """Adds the wall time of every call of ``owner.name`` to ``spent[0]``; returns the undo."""
    original = getattr(owner, name)
    if inspect.iscoroutinefunction(original):

        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        setattr(owner, name, timed_async)
    else:

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        setattr(owner, name, timed)
    return lambda: setattr(owner, name, original)


async def split_governed_read(
    platform: RunningPlatform, case_id: str, *, reads: int = 300
) -> dict[str, Any]:
    """Mean ms per governed police read spent in each step (steps nest: see the labels)."""
    client = platform.clients["intake"]
    headers = platform.auth("police-syd")
    spent: dict[str, list[float]] = {}
    undo: list[Callable[[], None]] = []
    try:
        for module_name, attribute, label in GOVERNED_STEPS:
            owner: Any = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part, None)
            if owner is None or not callable(getattr(owner, name, None)):
                continue
            spent[label] = [0.0]
            undo.append(_wrap(owner, name, spent[label]))
        started = time.perf_counter()
        for _ in range(reads):
            response = await client.get(f"/cases/{case_id}", headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"GET /cases/{case_id} answered {response.status_code}")
        total = time.perf_counter() - started
    finally:
        for restore in reversed(undo):
            restore()
    return {
        "reads": reads,
        "total_ms": round(total * 1000 / reads, 3),
        "steps_ms": {label: round(value[0] * 1000 / reads, 3) for label, value in spent.items()},
    }


# -- decision latency ---------------------------------------------------------------


def _consents(now: datetime) -> list[ConsentGrantRow]:
    """Two active consents for police, as intake records them (made-up ids)."""
    return [
        ConsentGrantRow(
            consent_id=f"bench-consent-{index}",
            case_id="bench-case",
            status="active",
            recipients=[{"agency": "police", "organisation": None}],
            categories=["case_ref", "identity"] if index == 0 else ["case_ref", "followup"],
            purposes=["protection"],
            valid_from=now - timedelta(days=1 + index),
            valid_to=None if index == 0 else now + timedelta(days=30),
        )
        for index in range(2)
    ]


def decision_input(case_id: str, now: datetime) -> dict[str, Any]:
    return access_input(
        recipient=Caller("police-syd", Agency.POLICE, "polisen-syd", "u-17"),
        purpose="protection",
        owner=Owner("social", "malmo"),
        case_id=case_id,
        categories=DECISION_CATEGORIES,
        state=AccessState(consents=_consents(now)),
        now=now,
    )


def _timed_us(step: Callable[[int], object], first: int, count: int) -> list[float]:
    """Wall time of each of ``count`` calls ``step(first)`` .. ``step(first + count - 1)``, µs."""
    timings: list[float] = []
    clock = time.perf_counter_ns
    for index in range(first, first + count):
        started = clock()
        step(index)
        timings.append((clock() - started) / 1000)
    return timings


def measure_decisions(engine: PolicyEngine | None = None, *, count: int = 5000) -> dict[str, Any]:
    """``decide_access`` on the platform engine (µs), the kinds interleaved in ten rounds."""
    engine = engine or policy_engine(ServiceSettings())
    now = datetime.now(UTC)
    fresh = [decision_input(f"bench-{index:06d}", now) for index in range(count * 2)]
    repeated = decision_input("bench-repeated", now)
    inner = engine.inner if isinstance(engine, CachedEngine) else None
    variants: dict[str, tuple[str, Callable[[int], object]]] = {
        "uncached_through_cache": (
            "a different case id each call: a cache miss, evaluated and stored",
            lambda i: decide_access(engine, fresh[i], DECISION_TIMEOUT_S),
        ),
        "cached": (
            "the same input again: a cache hit, key built from the input",
            lambda i: decide_access(engine, repeated, DECISION_TIMEOUT_S),
        ),
    }
    variants["cached_with_key"] = (
        "the same input again: a cache hit, key given by the caller",
        lambda i: decide_access(engine, repeated, DECISION_TIMEOUT_S, key="bench-repeated"),
    )
    gate = DisclosureGate(engine, platform_catalogue(), Owner("social", "malmo"))
    state = AccessState(consents=_consents(now))
    recipient = Caller("police-syd", Agency.POLICE, "polisen-syd", "u-17")
    variants["cached_as_gate"] = (
        "a hit as the gate asks: input built from a cached state, key from its version",
        lambda i: gate.decision(
            recipient=recipient,
            purpose="protection",
            case_id="bench-repeated",
            categories=DECISION_CATEGORIES,
            state=state,
            now=now,
            version=1,
        ),
    )
    if inner is not None:
        variants["uncached_inner"] = (
            f"the inner engine ({type(inner).__name__}), no cache",
            lambda i: decide_access(inner, fresh[count + i], DECISION_TIMEOUT_S),
        )
    compiled = _compiled_variant(inner)
    if compiled is not None:
        variants["uncached_interpreted"] = (
            "the regorus interpreter alone, no cache",
            lambda i: decide_access(compiled[0], fresh[count + i], DECISION_TIMEOUT_S),
        )
        variants["uncached_compiled"] = (
            "the compiled program (regorus Rvm) alone, no cache",
            lambda i: decide_access(compiled[1], fresh[count + i], DECISION_TIMEOUT_S),
        )
    # Warm every path (per-thread engines are built on first use, the cached entry stored).
    for _, step in variants.values():
        for index in range(50):
            step(index)
    timings: dict[str, list[float]] = {name: [] for name in variants}
    round_medians: dict[str, list[float]] = {name: [] for name in variants}
    rounds = 10
    per_round = count // rounds
    for round_index in range(rounds):
        for name, (_, step) in variants.items():
            values = _timed_us(step, round_index * per_round, per_round)
            timings[name] += values
            round_medians[name].append(statistics.median(values))
    sample = decide_access(engine, repeated, DECISION_TIMEOUT_S)
    return {
        "count": count,
        "categories": len(DECISION_CATEGORIES),
        "consents": 2,
        "engine": _describe(engine),
        "decision": {
            "allowed": sorted(sample.allowed),
            "withheld": len(sample.withheld),
        },
        **{
            name: {
                "what": what,
                "median_us": round(statistics.median(timings[name]), 2),
                "p99_us": round(percentile(sorted(timings[name]), 99), 1),
                "round_medians_us": [round(value, 1) for value in round_medians[name]],
            }
            for name, (what, _) in variants.items()
        },
    }


def _compiled_variant(inner: PolicyEngine | None) -> tuple[PolicyEngine, PolicyEngine] | None:
    """(interpreter, compiled program) engines on the inner engine's bundle, if it is regorus."""
    if not isinstance(inner, RegorusEngine):
        return None
    return (
        RegorusEngine(inner.bundle, compiled_rules=()),
        RegorusEngine(inner.bundle, compiled_rules=[DECISION_RULE]),
    )


def _describe(engine: PolicyEngine) -> str:
    inner = engine.inner if isinstance(engine, CachedEngine) else None
    return type(engine).__name__ + (f"({type(inner).__name__})" if inner is not None else "")


async def measure(
    platform: RunningPlatform, *, reads: int, warmup: int, decisions: int
) -> dict[str, Any]:
    figures = await measure_reads(platform, reads=reads, warmup=warmup)
    figures["governed_split"] = await split_governed_read(platform, figures["case_id"])
    figures["decisions"] = measure_decisions(platform.runtime("intake").policy, count=decisions)
    return figures
