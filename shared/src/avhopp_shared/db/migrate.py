"""Alembic, driven programmatically: each service keeps its own migration scripts."""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

# Alembic's ``context`` and ``op`` are process-wide proxies: two services
# migrating at once in one process (the embedded platform) would write into
# each other's databases. Migrations therefore run one at a time.
_one_at_a_time = asyncio.Lock()


def alembic_config(script_location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


#: Where a migration finds the service's ``policies_dir`` setting (``None``: the
#: process's policies folder, ``policy.bundle.policies_dir``).
POLICIES_DIR_ATTRIBUTE = "policies_dir"


async def upgrade_to_head(
    engine: AsyncEngine, script_location: Path, *, policies_dir: Path | None = None
) -> None:
    """Migrate to head; a migration that cuts events by the policies reads those in
    ``policies_dir`` (the service's setting), as the running service does."""
    config = alembic_config(script_location)

    def upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        config.attributes[POLICIES_DIR_ATTRIBUTE] = policies_dir
        command.upgrade(config, "head")

    async with _one_at_a_time, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together (init containers in a rollout) take
            # turns; the lock ends with the migration's transaction.
            lock_key = zlib.crc32(f"avhopp.migrate.{script_location.parent.name}".encode())
            await connection.execute(select(func.pg_advisory_xact_lock(lock_key)))
        await connection.run_sync(upgrade)
