"""Topic naming: one Kafka topic per event family (``case.*`` → ``avhopp.case``)."""

TOPIC_PREFIX = "avhopp."


def family_of(event_type: str) -> str:
    family, sep, name = event_type.partition(".")
    if not sep or not family or not name:
        raise ValueError(f"event type {event_type!r} is not '<family>.<name>'")
    return family


def topic_for(event_type: str) -> str:
    return TOPIC_PREFIX + family_of(event_type)
