"""Chooses the bus adapter from settings: configuration, never code, selects the mode."""

from __future__ import annotations

from collections.abc import Sequence

from avhopp_shared.bus.base import Bus
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.settings import ServiceSettings


class LoneBusError(RuntimeError):
    """A deployed service would publish into an in-process bus nobody else listens on."""


def build_bus(settings: ServiceSettings, topics: Sequence[str]) -> Bus:
    """The bus of a service started on its own (``make run`` shares one in-process bus)."""
    if settings.bus == "kafka":
        from avhopp_shared.bus.kafka import KafkaBus

        return KafkaBus(
            settings.kafka_bootstrap_servers,
            client_id=settings.consumer_group,
            topics=topics,
            partitions=settings.kafka_partitions,
            replication_factor=settings.kafka_replication_factor,
            backoff_max_seconds=settings.consumer_backoff_max_seconds,
            consumer_options={
                "session_timeout_ms": settings.kafka_session_timeout_ms,
                "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
                "rebalance_timeout_ms": settings.kafka_rebalance_timeout_ms,
                "metadata_max_age_ms": settings.kafka_metadata_max_age_ms,
                "fetch_max_wait_ms": settings.kafka_fetch_max_wait_ms,
            },
        )
    if settings.environment != "development":
        # A service alone on its own in-process bus would mark every event sent
        # that no other service could receive: lost for good. README
        # (Configuration): outside development nothing falls back to a local default.
        raise LoneBusError(
            "AVHOPP_BUS=kafka must be set for a service started on its own outside "
            "development: the in-process bus reaches only services in the same process"
        )
    return InProcessBus()
