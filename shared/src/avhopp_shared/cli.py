"""``python -m avhopp_<service> serve|migrate|verify-audit``: the same entry point for every service."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from avhopp_shared.access import audit
from avhopp_shared.db.engine import create_engine, session_factory
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.logging_setup import configure_logging
from avhopp_shared.service_app import ServiceDefinition
from avhopp_shared.settings import ServiceSettings


def main(
    definition_factory: Callable[[], ServiceDefinition], app_factory: Callable[[], FastAPI]
) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve", "migrate", "verify-audit"])
    args = parser.parse_args()
    definition = definition_factory()
    settings = definition.settings
    configure_logging(settings.log_level)
    if args.command == "migrate":
        asyncio.run(_migrate(definition))
        return
    if args.command == "verify-audit":
        raise SystemExit(asyncio.run(verify_audit(definition.settings)))
    uvicorn.run(
        app_factory(),
        host=settings.host,
        port=settings.resolved_port,
        log_config=None,
        proxy_headers=True,
    )


async def _migrate(definition: ServiceDefinition) -> None:
    engine = create_engine(definition.settings.resolved_database_url)
    try:
        await upgrade_to_head(engine, definition.migrations)
    finally:
        await engine.dispose()


async def verify_audit(settings: ServiceSettings) -> int:
    """Walk the service's audit chain; print the first broken entry. Exit status 0 = intact."""
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as session:
            report = await audit.verify_chain(audit.entries_in_order(session))
    finally:
        await engine.dispose()
    if report.intact:
        print(f"{settings.service_name}: audit chain intact, {report.entries} entries")
        return 0
    print(
        f"{settings.service_name}: audit chain broken at entry {report.first_broken_id}: "
        f"{report.problem} ({report.entries} entries checked)"
    )
    return 1
