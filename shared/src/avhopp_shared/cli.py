"""``python -m avhopp_<service> serve|migrate|verify-audit|replay-dead-letters|republish``:
the same entry point for every service."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Mapping

import uvicorn
from fastapi import FastAPI
from sqlalchemy import update

from avhopp_shared.access import audit, audit_anchor
from avhopp_shared.access.event_audiences import EventAudiences
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.events.topics import AUDIENCES, audience_prefix
from avhopp_shared.logging_setup import configure_logging
from avhopp_shared.messaging.tables import OutboxMessage
from avhopp_shared.security_wiring import field_catalogue, policy_engine
from avhopp_shared.service_app import ServiceDefinition, build_consumer
from avhopp_shared.settings import ServiceSettings
from avhopp_shared.uow import UnitOfWork
from avhopp_shared.web.http_server import server_options


def main(
    definition_factory: Callable[[], ServiceDefinition], app_factory: Callable[[], FastAPI]
) -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the API, consume and publish events")
    commands.add_parser("migrate", help="bring the database schema to head")
    verify = commands.add_parser("verify-audit", help="check the audit chain; exit 1 if broken")
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        type=audit_anchor.parse_anchor,
        metavar="ID:HASH",
        help="a head kept outside the database (the 'audit chain head' log line); repeatable",
    )
    commands.add_parser("replay-dead-letters", help="apply the events set aside again")
    again = commands.add_parser(
        "republish", help="publish one of this service's events again to one agency"
    )
    again.add_argument("event_id")
    again.add_argument("--to", required=True, choices=AUDIENCES, dest="agency")
    args = parser.parse_args()
    definition = definition_factory()
    settings = definition.settings
    configure_logging(settings.log_level)
    if args.command == "migrate":
        asyncio.run(_migrate(definition))
        return
    if args.command == "verify-audit":
        raise SystemExit(asyncio.run(verify_audit(definition.settings, dict(args.anchor))))
    if args.command == "replay-dead-letters":
        raise SystemExit(asyncio.run(replay_dead_letters(definition)))
    if args.command == "republish":
        raise SystemExit(asyncio.run(republish(settings, args.event_id, args.agency)))
    uvicorn.run(app_factory(), proxy_headers=True, **server_options(settings))


async def _migrate(definition: ServiceDefinition) -> None:
    engine = create_engine(definition.settings.resolved_database_url)
    try:
        await upgrade_to_head(
            engine, definition.migrations, policies_dir=definition.settings.policies_dir
        )
    finally:
        await engine.dispose()


async def verify_audit(settings: ServiceSettings, anchors: Mapping[int, str] | None = None) -> int:
    """Walk the service's audit chain; print the first broken entry. Exit status 0 = intact.

    ``anchors`` ({entry id: hash}): heads kept outside the database, which
    must still be in the chain (``audit.verify_chain``)."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as session:
            report = await audit.verify_chain(audit.entries_in_order(session), anchors)
    finally:
        await engine.dispose()
    if report.intact:
        print(
            f"{settings.service_name}: audit chain intact, {report.entries} entries, "
            f"{len(anchors or {})} anchors; head {audit_anchor.anchor_text(report)}"
        )
        return 0
    print(
        f"{settings.service_name}: audit chain broken at entry {report.first_broken_id}: "
        f"{report.problem} ({report.entries} entries checked)"
    )
    return 1


async def replay_dead_letters(definition: ServiceDefinition) -> int:
    """Apply the service's dead letters again, once their cause is fixed; exit status 0 =
    none left failing.

    Each goes through the consumer's inbox and gate as on delivery
    (``InboxConsumer.replay_dead_letters``). The effects, and the events they
    cause, are written to the service's database only: the service's own relay
    publishes those events from its outbox when it next polls, so this opens
    no bus (on the embedded platform another process's bus could not deliver).
    """
    settings = definition.settings
    engine = create_engine(settings.resolved_database_url)
    try:
        policy = policy_engine(settings)
        sessions = session_factory(engine)
        audiences = EventAudiences(policy, field_catalogue(settings))

        def new_uow() -> UnitOfWork:
            return UnitOfWork(
                sessions,
                source=settings.source_uri,
                acting_agency=definition.owner_agency,
                audiences=audiences,
            )

        gate = DisclosureGate(policy, field_catalogue(settings), Owner(definition.owner_agency))
        consumer = build_consumer(definition, new_uow, gate)
        if consumer is None:
            print(f"{settings.service_name}: consumes no events, so has no dead letters")
            return 0
        report = await consumer.replay_dead_letters()
    finally:
        await engine.dispose()
    print(f"{settings.service_name}: {len(report.replayed)} dead letters replayed")
    if report.failed:
        print(f"{settings.service_name}: still set aside: {', '.join(report.failed)}")
        return 1
    return 0


async def republish(settings: ServiceSettings, event_id: str, agency: str) -> int:
    """Publish one of this service's events once more to ``agency``'s services; exit
    status 0 = it will be.

    For an event another agency's consumer set aside (README, "Events"): that
    consumer keeps no data of it, so only its sender can send it again. The
    agency's copy is marked unpublished, and the running service's relay
    publishes it on its next poll, after what it published since; the
    consumer's inbox then applies it once, and ``replay-dead-letters`` there
    marks the letter done.
    """
    engine = create_engine(settings.resolved_database_url)
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    try:
        async with engine.begin() as connection:
            result = await connection.execute(
                update(outbox)
                .where(outbox.c.event_id == event_id)
                .where(outbox.c.topic.startswith(audience_prefix(agency)))
                .values(published_at=None, attempts=0, last_error=None)
            )
    finally:
        await engine.dispose()
    if not result.rowcount:
        print(f"{settings.service_name}: no event {event_id} for {agency} in its outbox")
        return 1
    print(f"{settings.service_name}: event {event_id} goes to {agency} again")
    return 0
