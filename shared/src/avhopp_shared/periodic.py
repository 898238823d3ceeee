"""A piece of background work a service repeats at a fixed interval while it runs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class Periodic:
    """Runs ``work`` at start and then every ``every_seconds`` until stopped.

    ``work`` handles its own faults: a raised exception ends the loop."""

    def __init__(self, work: Callable[[], Awaitable[object]], name: str, every_seconds: float):
        self._work = work
        self._name = name
        self._every = every_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> bool:
        """Whether it was running."""
        task, self._task = self._task, None
        if task is None:
            return False
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return True

    async def _run(self) -> None:
        while True:
            await self._work()
            await asyncio.sleep(self._every)
