"""Event path with one OS process per service, as deployed: real HTTP, real Kafka, PostgreSQL.

Each service runs as ``python -m avhopp_<name> serve`` (uvicorn) configured by
environment variables only. The client posts over loopback HTTP; the moment
threat's effect is committed is taken from PostgreSQL itself: a trigger on
the threat table calls ``pg_notify``, which PostgreSQL delivers only when the
inserting transaction commits, to a ``LISTEN`` connection of the bench.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from avhopp_shared.auth.local_issuer import DEMO_CLIENTS, LocalIssuer
from avhopp_shared.platform import SERVICES
from bench import machine_cpu
from bench.stats import summarize
from tests.fixtures.broker import free_port
from tests.fixtures.people import application_body
from tests.fixtures.platform import DEFAULT_CALLERS, FAST_RELAY, KAFKA_TEST_SETTINGS

CHANNEL = "bench_threat_effect"
NOTIFY_TRIGGER = f"""
CREATE FUNCTION bench_notify_effect() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_notify('{CHANNEL}', NEW.case_id); RETURN NEW; END $$;
CREATE TRIGGER bench_notify_effect AFTER INSERT ON threat_assessment_task
FOR EACH ROW EXECUTE FUNCTION bench_notify_effect();
"""


def _environment(
    database_urls: Mapping[str, str], bootstrap: str, ports: Mapping[str, int], var_dir: Path
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AVHOPP_")}
    env |= {
        "AVHOPP_ENVIRONMENT": "test",
        # Every service verifies tokens with the local issuer's key under here,
        # which a service on Kafka trusts only by this opt-in for tests.
        "AVHOPP_VAR_DIR": str(var_dir),
        "AVHOPP_AUTH_LOCAL_ISSUER_FOR_TESTS": "true",
        "AVHOPP_BUS": "kafka",
        "AVHOPP_AUTO_MIGRATE": "true",
        "AVHOPP_LOG_LEVEL": "WARNING",
        "AVHOPP_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
    }
    # The same Kafka and relay settings as the in-process distributed run.
    for key, value in {**FAST_RELAY, **KAFKA_TEST_SETTINGS}.items():
        env[f"AVHOPP_{key.upper()}"] = str(value)
    for name in SERVICES:
        env[f"AVHOPP_{name.upper()}_DATABASE_URL"] = database_urls[name]
        env[f"AVHOPP_{name.upper()}_PORT"] = str(ports[name])
    return env


def _log_of(var_dir: Path, name: str) -> Path:
    return var_dir / f"{name}.log"


@contextmanager
def _services(env: Mapping[str, str], var_dir: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Each service in a process of its own, its log in ``var_dir`` (warnings and errors)."""
    logs = [_log_of(var_dir, name).open("wb") for name in SERVICES]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", f"avhopp_{name}", "serve"],
            env=dict(env),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for name, log in zip(SERVICES, logs, strict=True)
    ]
    try:
        yield processes
    finally:
        for log in logs:
            log.close()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _ready(
    client: httpx.AsyncClient, ports: Mapping[str, int], var_dir: Path, limit_s: float
) -> None:
    deadline = time.monotonic() + limit_s
    for name, port in ports.items():
        while True:
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                tail = _log_of(var_dir, name).read_text(errors="replace").splitlines()[-5:]
                raise RuntimeError(f"{name} (port {port}) never became ready: {tail}")
            await asyncio.sleep(0.1)


async def measure(
    database_urls: Mapping[str, str],
    bootstrap: str,
    *,
    cases: int,
    warmup: int,
    broker_pids: Sequence[int] = (),
    idle_seconds: float = 0,
) -> dict[str, Any]:
    ports = {name: free_port() for name in SERVICES}
    with tempfile.TemporaryDirectory(prefix="avhopp-bench-var-") as var_dir:
        # The local issuer's key, made before any service starts: they all load it.
        issuer = LocalIssuer(Path(var_dir) / "issuer" / "es256.pem")
        token = issuer.mint(DEMO_CLIENTS[DEFAULT_CALLERS["intake"]])
        return await _run(
            database_urls,
            bootstrap,
            ports,
            Path(var_dir),
            token,
            cases,
            warmup,
            broker_pids,
            idle_seconds,
        )


async def _run(
    database_urls: Mapping[str, str],
    bootstrap: str,
    ports: Mapping[str, int],
    var_dir: Path,
    token: str,
    cases: int,
    warmup: int,
    broker_pids: Sequence[int],
    idle_seconds: float,
) -> dict[str, Any]:
    threat_dsn = database_urls["threat"].replace("postgresql+asyncpg://", "postgresql://")
    waiting: dict[str, asyncio.Future[float]] = {}

    def effect_of(case_id: str) -> asyncio.Future[float]:
        # Either side may come first: the commit can beat the HTTP response.
        return waiting.setdefault(case_id, asyncio.get_running_loop().create_future())

    def on_notify(_connection: Any, _pid: int, _channel: str, case_id: str) -> None:
        future = effect_of(case_id)
        if not future.done():
            future.set_result(time.perf_counter())

    with _services(_environment(database_urls, bootstrap, ports, var_dir), var_dir) as processes:
        groups = {
            "services": [process.pid for process in processes],
            "bench client": [os.getpid()],
            "broker": list(broker_pids),
        }
        async with httpx.AsyncClient(
            timeout=30, headers={"Authorization": f"Bearer {token}"}
        ) as client:
            await _ready(client, ports, var_dir, limit_s=120)
            listener = await asyncpg.connect(threat_dsn)
            try:
                await listener.execute(NOTIFY_TRIGGER)
                await listener.add_listener(CHANNEL, on_notify)
                rng = random.Random(4242)
                url = f"http://127.0.0.1:{ports['intake']}/applications"
                totals: list[float] = []
                machine_before = None
                # The warm-up also waits out the consumers' first group join.
                for index in range(warmup + cases):
                    if index == warmup:
                        machine_before = machine_cpu.sample()
                    body = application_body(rng)
                    started = time.perf_counter()
                    response = await client.post(url, json=body)
                    if response.status_code != 201:
                        raise RuntimeError(f"POST answered {response.status_code}")
                    case_id = response.json()["case_id"]
                    limit = 90.0 if index < warmup else 30.0
                    effect_at = await asyncio.wait_for(effect_of(case_id), limit)
                    del waiting[case_id]
                    if index >= warmup:
                        totals.append((effect_at - started) * 1000)
                machine = machine_cpu.spent(
                    machine_before, machine_cpu.sample(), groups, cases=cases
                )
                idle = await machine_cpu.idle(groups, idle_seconds) if idle_seconds else None
            finally:
                await listener.close()
    return {
        "latency_ms": summarize(totals),
        "processes": len(SERVICES),
        "http": "loopback TCP, uvicorn",
        "effect_signal": "pg_notify from an AFTER INSERT trigger, delivered at commit",
        "machine_cpu": machine,
        "idle_cpu": idle,
    }
