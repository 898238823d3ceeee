"""All four services in one process, each on its own port with its own database.

``python -m avhopp_shared.platform`` is what ``make run`` starts. The URLs are
the ones each service has when deployed apart; only the in-process bus is
shared, and it is opened only once every service has subscribed, so no event
is published to a bus that has not yet got all its consumers.
"""

from __future__ import annotations

import asyncio
import importlib
import signal
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.logging_setup import configure_logging
from avhopp_shared.service_app import ServiceDefinition, create_service_app
from avhopp_shared.settings import ServiceSettings
from avhopp_shared.web.http_server import server_options

SERVICES = ("intake", "threat", "social", "followup")


def _app_module(service: str) -> Any:
    return importlib.import_module(f"avhopp_{service}.app")


def build_apps(
    settings: Mapping[str, ServiceSettings] | None = None,
) -> tuple[dict[str, FastAPI], InProcessBus | None]:
    """One app per service; with the in-process bus they share one bus, else each has its own."""
    given = settings or {}
    # Each definition is built once: it reads the environment when no settings are given.
    definitions: dict[str, ServiceDefinition] = {
        name: _app_module(name).definition(given.get(name)) for name in SERVICES
    }
    kinds = {d.settings.bus for d in definitions.values()}
    if len(kinds) > 1:
        # An in-process bus of its own would cut a service off from the rest.
        raise ValueError(f"services in one process must share one kind of bus, got {sorted(kinds)}")
    bus = InProcessBus() if kinds == {"inprocess"} else None
    apps = {name: create_service_app(definition, bus) for name, definition in definitions.items()}
    return apps, bus


@asynccontextmanager
async def running(
    apps: Mapping[str, FastAPI], bus: InProcessBus | None
) -> AsyncIterator[Mapping[str, FastAPI]]:
    """Run every app's lifespan (no HTTP server), then open the shared bus."""
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        if bus is not None:
            await bus.start()
            stack.push_async_callback(bus.stop)
        yield apps


class _Server(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        # One handler for all four servers is installed by serve_all().
        yield


async def serve_all() -> None:
    apps, bus = build_apps()
    servers = []
    for name, app in apps.items():
        service_settings: ServiceSettings = app.state.settings
        config = uvicorn.Config(app, lifespan="on", **server_options(service_settings))
        servers.append((name, service_settings, _Server(config)))
    configure_logging(servers[0][1].log_level)

    def stop_all() -> None:
        for _, _, server in servers:
            server.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_all)
    tasks = [asyncio.create_task(server.serve()) for _, _, server in servers]
    while not all(server.started for _, _, server in servers):
        if any(task.done() for task in tasks):
            # One service could not start (a taken port, a bad setting): the
            # platform is not half-started, it stops with the reason logged.
            stop_all()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise SystemExit("avhopp did not start: a service failed, see the log above")
        await asyncio.sleep(0.05)
    if bus is not None:
        await bus.start()
        print("\navhopp is running (embedded mode: SQLite + in-process bus).", flush=True)
    else:
        print("\navhopp is running (bus: Kafka).", flush=True)
    for name, service_settings, _ in servers:
        base = f"http://{service_settings.host}:{service_settings.resolved_port}"
        print(f"  {name:<9} {base}/docs", flush=True)
    print(
        "Every API wants a bearer token; for a demo client (list: --list):\n"
        "  make token CLIENT=social-malmo",
        flush=True,
    )
    print("Stop with Ctrl-C.\n", flush=True)
    await asyncio.gather(*tasks)


def main() -> None:
    """Run the platform on the event loop each service gets when deployed apart:
    ``uvicorn.run`` picks uvloop where it is installed (uvicorn[standard] brings
    it), and the bench measures on it too."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve_all())
    else:
        uvloop.run(serve_all())


if __name__ == "__main__":
    main()
