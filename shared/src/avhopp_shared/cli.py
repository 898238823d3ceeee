"""``python -m avhopp_<service> serve|migrate``: the same entry point for every service."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.logging_setup import configure_logging
from avhopp_shared.service_app import ServiceDefinition


def main(
    definition_factory: Callable[[], ServiceDefinition], app_factory: Callable[[], FastAPI]
) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve", "migrate"])
    args = parser.parse_args()
    definition = definition_factory()
    settings = definition.settings
    configure_logging(settings.log_level)
    if args.command == "migrate":
        asyncio.run(_migrate(definition))
        return
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
