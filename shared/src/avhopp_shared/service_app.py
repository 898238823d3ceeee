"""Builds one service's FastAPI application: the same wiring for all four services.

A service declares its routers, the events it consumes and its migrations;
everything else — database, outbox relay, inbox consumer, bus, health,
problem+json, body limit, trace context, logs — is wired here once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.audit_anchor import AuditHeadLog
from avhopp_shared.access.event_audiences import EventAudiences
from avhopp_shared.access.event_gate import (
    KEPT_FOR_ENFORCEMENT,
    audited_keep,
    delivery_record,
    event_gate,
    gated_observer,
    service_caller,
)
from avhopp_shared.access.expiry_sweep import ExpirySweeper
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.access.purge import Purger, withdrawal_handler
from avhopp_shared.access.state_handlers import ACCESS_HANDLERS
from avhopp_shared.auth.dependencies import install_auth_problem_handlers, jwks_router
from avhopp_shared.bus.base import Bus
from avhopp_shared.bus.factory import build_bus
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.export import reaches
from avhopp_shared.events.registry import EVENT_TYPES
from avhopp_shared.events.topics import AUDIENCES, topic_for
from avhopp_shared.heap import startup_objects_frozen
from avhopp_shared.messaging.inbox import EventHandler, InboxConsumer
from avhopp_shared.messaging.relay import OutboxRelay
from avhopp_shared.periodic import Periodic
from avhopp_shared.policy.engine import PolicyEngine
from avhopp_shared.security_wiring import (
    field_catalogue,
    local_issuer_for,
    policy_engine,
    token_validator,
)
from avhopp_shared.settings import ServiceSettings
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web import health
from avhopp_shared.web.allowed_methods import remember_route_methods
from avhopp_shared.web.body_limit import BodySizeLimit
from avhopp_shared.web.head_as_get import HeadAsGet
from avhopp_shared.web.openapi_document import install_openapi_document
from avhopp_shared.web.problems import install_problem_handlers, problem_responses
from avhopp_shared.web.text_guard import TextGuard
from avhopp_shared.web.trace_context import TraceContext


@dataclass(frozen=True)
class ServiceDefinition:
    settings: ServiceSettings
    title: str
    description: str
    owner_agency: str
    migrations: Path
    routers: Sequence[APIRouter] = ()
    consumes: Mapping[str, EventHandler] = field(default_factory=dict)
    # Run after whatever else handles the event, in the same transaction: to
    # note an access event (a consent, a threat level) without replacing how
    # the gate's state follows it.
    observes: Mapping[str, EventHandler] = field(default_factory=dict)
    # Category → how this service removes what it holds of it about a case,
    # run when the consent it was received under is withdrawn.
    purgers: Mapping[str, Purger] = field(default_factory=dict)
    # Background work the service repeats while it runs, each built on its runtime
    # once started (intake's sweep of grants that take effect later, for one).
    periodic: Sequence[Callable[[ServiceRuntime], Periodic]] = ()


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    owner_agency: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    bus: Bus
    relay: OutboxRelay
    consumer: InboxConsumer | None
    policy: PolicyEngine
    gate: DisclosureGate
    audiences: EventAudiences
    # Purges what grants ended by time brought (access.expiry_sweep); None for a
    # service that keeps no other agency's copies.
    expiry_sweeper: ExpirySweeper | None = None

    def new_uow(self) -> UnitOfWork:
        return UnitOfWork(
            self.sessions,
            source=self.settings.source_uri,
            acting_agency=self.owner_agency,
            on_commit=self.relay.notify,
            audiences=self.audiences,
        )


def published_topics(audiences: EventAudiences) -> list[str]:
    """The topics some agency's copy of an event goes to, ensured on Kafka at start: those
    deploy/kafka/topics.yaml declares. A family no copy of reaches an agency (police's
    responsibility topic) has no topic, and a service never creates one for it."""
    return sorted(
        {
            topic_for(event_type, audience)
            for event_type in EVENT_TYPES
            for audience in AUDIENCES
            if reaches(event_type, audience, audiences)
        }
    )


def build_consumer(
    definition: ServiceDefinition, new_uow: Callable[[], UnitOfWork], gate: DisclosureGate
) -> InboxConsumer | None:
    """The service's consumer of other services' events; None for a service that hears none."""
    if not definition.consumes and not definition.observes:
        return None
    settings = definition.settings
    # A service that hears another's events also keeps the consent state its
    # gate decides them by.
    recipient = service_caller(settings.service_name, definition.owner_agency)
    handlers = {
        **ACCESS_HANDLERS,
        ConsentWithdrawn.event_type: withdrawal_handler(gate, recipient, definition.purgers),
        **definition.consumes,
    }
    observes = dict(definition.observes)
    for event_type in KEPT_FOR_ENFORCEMENT:
        # A service that notes a kept event is shown it inside the keeping, so that
        # one delivery gets one audit entry (ACCESS.md, "Audit").
        observer = observes.pop(event_type, None)
        handlers[event_type] = audited_keep(gate, recipient, handlers[event_type], observer)
    for event_type, observer in observes.items():
        handlers[event_type] = _then(
            handlers.get(event_type), gated_observer(gate, recipient, observer)
        )
    return InboxConsumer(
        settings.consumer_group,
        new_uow,
        handlers,
        event_gate(gate, recipient),
        own_source=settings.source_uri,
        own_agency=definition.owner_agency,
        delivery_record=delivery_record(gate, recipient),
    )


@asynccontextmanager
async def service_runtime(
    definition: ServiceDefinition, shared_bus: Bus | None = None
) -> AsyncIterator[ServiceRuntime]:
    """Start database, bus, consumer and relay; stop them in reverse order."""
    settings = definition.settings
    engine = create_engine(settings.resolved_database_url)
    policy = policy_engine(settings)
    catalogue = field_catalogue(settings)
    audiences = EventAudiences(policy, catalogue)
    bus = shared_bus if shared_bus is not None else build_bus(settings, published_topics(audiences))
    relay = OutboxRelay(
        engine,
        bus,
        name=settings.service_name,
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.relay_poll_seconds,
        backoff_initial_seconds=settings.relay_backoff_initial_seconds,
        backoff_max_seconds=settings.relay_backoff_max_seconds,
    )
    gate = DisclosureGate(policy, catalogue, Owner(definition.owner_agency))
    runtime = ServiceRuntime(
        settings,
        definition.owner_agency,
        engine,
        session_factory(engine),
        bus,
        relay,
        None,
        policy,
        gate,
        audiences,
    )
    try:
        if settings.should_auto_migrate:
            await upgrade_to_head(engine, definition.migrations, policies_dir=settings.policies_dir)
        runtime.consumer = build_consumer(definition, runtime.new_uow, gate)
        if runtime.consumer is not None:
            # Only the agency's own copies: what another agency's services
            # may not receive never reaches this consumer group.
            topics = sorted(
                {topic_for(t, definition.owner_agency) for t in runtime.consumer.event_types}
            )
            bus.subscribe(settings.consumer_group, topics, runtime.consumer)
        if shared_bus is None:
            await bus.start()
        await relay.start()
        head_log = AuditHeadLog(engine, settings.service_name, settings.audit_anchor_seconds)
        await head_log.start()
        expiry_sweep = _expiry_sweep(definition, runtime)
        if expiry_sweep is not None:
            await expiry_sweep.start()
        periodic = [make(runtime) for make in definition.periodic]
        for job in periodic:
            await job.start()
        try:
            yield runtime
        finally:
            for job in reversed(periodic):
                await job.stop()
            if expiry_sweep is not None:
                await expiry_sweep.stop()
            await head_log.stop()
            await relay.stop()
            if shared_bus is None:
                await bus.stop()
    finally:
        await engine.dispose()


def _expiry_sweep(definition: ServiceDefinition, runtime: ServiceRuntime) -> Periodic | None:
    """The sweep of grants that end by time, for a service that keeps copies of another
    agency's records (it has purgers); None for one that keeps none."""
    if not definition.purgers:
        return None
    settings = definition.settings
    sweeper = runtime.expiry_sweeper = ExpirySweeper(
        runtime.new_uow,
        runtime.gate,
        service_caller(settings.service_name, definition.owner_agency),
        definition.purgers,
    )
    return Periodic(
        sweeper.sweep_round,
        f"expiry-sweep-{settings.service_name}",
        settings.access_expiry_sweep_seconds,
    )


def create_service_app(definition: ServiceDefinition, bus: Bus | None = None) -> FastAPI:
    settings = definition.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with service_runtime(definition, bus) as runtime:
            app.state.runtime = runtime
            with startup_objects_frozen(settings.gc_freeze_after_start):
                yield

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version="0.1.0",
        lifespan=lifespan,
        responses=problem_responses(422, 503),
    )
    app.state.settings = settings
    app.state.token_validator = token_validator(settings)
    install_problem_handlers(app)
    install_auth_problem_handlers(app)
    install_openapi_document(app)
    # The last added runs first: the size limit bounds what the text guard buffers.
    app.add_middleware(TextGuard)
    app.add_middleware(TraceContext)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Outermost: everything inside sees the GET a HEAD asks about (RFC 9110, 9.3.2).
    app.add_middleware(HeadAsGet)
    routers = [health.router, *definition.routers]
    if not settings.auth_jwks_url:
        routers.append(jwks_router(local_issuer_for(settings)))
    for router in routers:
        app.include_router(router)
    remember_route_methods(app, routers)
    return app


# Dependencies are coroutines: FastAPI runs a plain function dependency in a
# worker thread, a round trip that costs more than the dependency itself.
async def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def _uow(request: Request) -> UnitOfWork:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime.new_uow()


RuntimeDep = Annotated[ServiceRuntime, Depends(_runtime)]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(_uow)]


def _then(first: EventHandler | None, then: EventHandler) -> EventHandler:
    async def both(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
        if first is not None:
            await first(uow, payload, envelope)
        await then(uow, payload, envelope)

    return both
