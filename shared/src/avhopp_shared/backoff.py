"""Exponential backoff: the one retry schedule of the outbox relay and the Kafka consumers."""

from __future__ import annotations

import math


def backoff_delay(initial: float, maximum: float, attempt: int) -> float:
    """``initial * 2**attempt`` capped at ``maximum`` (attempt counts from 0)."""
    if attempt >= 64:
        return maximum
    return min(maximum, initial * math.pow(2, attempt))
