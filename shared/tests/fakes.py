"""A recording bus for unit tests of the relay's logic (the real adapters are tested on their own)."""

from __future__ import annotations

from collections.abc import Sequence

from avhopp_shared.bus.base import BusUnavailable, Handler, OutboundRecord


class RecordingBus:
    def __init__(self) -> None:
        self.published: list[OutboundRecord] = []
        self.failures_left = 0

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def publish(self, records: Sequence[OutboundRecord]) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise BusUnavailable("broker down")
        self.published.extend(records)

    async def ping(self) -> bool:
        return self.failures_left == 0
