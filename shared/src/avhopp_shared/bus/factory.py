"""Chooses the bus adapter from settings: configuration, never code, selects the mode."""

from __future__ import annotations

from collections.abc import Sequence

from avhopp_shared.bus.base import Bus
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.settings import ServiceSettings


def build_bus(settings: ServiceSettings, topics: Sequence[str]) -> Bus:
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
    return InProcessBus()
