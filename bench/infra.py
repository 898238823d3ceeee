"""The infrastructure a run needs: a Tansu broker, throwaway PostgreSQL databases, machine facts.

The broker is the tests' :class:`tests.fixtures.broker.TansuBroker` (memory
storage, a free port on 127.0.0.1). PostgreSQL is the local server the tests
use (127.0.0.1:5432, user postgres, trust auth); every database made here is
dropped again when the run ends, whatever happened.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import platform
import secrets
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Any

from tests.fixtures.broker import TansuBroker, find_tansu

# Imported by name: asyncpg ships no type information.
_asyncpg: Any = importlib.import_module("asyncpg")

PG_HOST = os.environ.get("AVHOPP_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("AVHOPP_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("AVHOPP_TEST_PG_USER", "postgres")
ADMIN_DSN = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"


@contextmanager
def tansu_broker(log_dir: Path) -> Iterator[TansuBroker]:
    """One Tansu broker (memory storage) on a free local port, stopped at the end."""
    broker = TansuBroker(find_tansu(), log_dir)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


class PostgresDatabases:
    """Creates databases ``avhopp_bench_<run>_<call>_<name>``; :meth:`drop_all` removes them."""

    def __init__(self, admin: Any) -> None:
        self._admin = admin
        self._run = secrets.token_hex(3)
        self._created: list[str] = []
        self._calls = 0

    async def create(self, names: list[str]) -> dict[str, str]:
        """{name: SQLAlchemy asyncpg URL} of freshly created, empty databases."""
        self._calls += 1
        urls = {}
        for name in names:
            database = f"avhopp_bench_{self._run}_{self._calls}_{name}"
            await self._admin.execute(f'CREATE DATABASE "{database}"')
            self._created.append(database)
            urls[name] = f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
        return urls

    async def server_version(self) -> str:
        return str(await self._admin.fetchval("SHOW server_version"))

    async def drop_all(self) -> None:
        while self._created:
            database = self._created.pop()
            await self._admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@asynccontextmanager
async def postgres_databases() -> AsyncIterator[PostgresDatabases]:
    admin = await _asyncpg.connect(ADMIN_DSN, timeout=5)
    databases = PostgresDatabases(admin)
    try:
        yield databases
    finally:
        try:
            await databases.drop_all()
        finally:
            await admin.close()


def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str | None:
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or None


def _memory_total_mb() -> int | None:
    with suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return None


def _tansu_version() -> str | None:
    with suppress(Exception):
        completed = subprocess.run(
            [find_tansu(), "--version"], capture_output=True, text=True, timeout=5, check=False
        )
        return completed.stdout.strip() or None
    return None


def load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: anything else running makes the figures noisier."""
    if hasattr(os, "getloadavg"):
        return [round(value, 2) for value in os.getloadavg()]
    return None


def machine_info() -> dict[str, Any]:
    return {
        "load_average_at_start": load_average(),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": _cpu_model(),
        "memory_mb": _memory_total_mb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "packages": {
            name: _package_version(name)
            for name in ("aiokafka", "sqlalchemy", "asyncpg", "aiosqlite", "fastapi", "httpx")
        },
        "tansu": _tansu_version(),
    }
