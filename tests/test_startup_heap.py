"""A running service keeps its start-up objects out of the cycle collector, and gives them back."""

from __future__ import annotations

import gc
from pathlib import Path

from tests.fixtures.platform import platform_settings, start_platform


async def test_objects_made_at_start_are_frozen_while_the_platform_runs_and_released_at_stop(
    tmp_path: Path,
) -> None:
    settings = platform_settings("embedded", var_dir=tmp_path, gc_freeze_after_start=True)
    async with start_platform(settings) as platform:
        frozen = gc.get_freeze_count()
        # The apps, their routes and schemas are among what was frozen.
        assert frozen > 10_000
        assert (await platform.clients["intake"].get("/healthz")).status_code == 200
    assert gc.get_freeze_count() == 0
