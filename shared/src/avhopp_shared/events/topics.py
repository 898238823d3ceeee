"""Topic naming: one Kafka topic per event family and receiving agency.

``case.application_received`` meant for police services travels on
``avhopp.for-police.case``. Kafka grants a consumer group whole topics, never
single event types or fields, so each agency gets topics of its own holding
only what its copy of an event may carry (``access.event_audiences``): the
owner filters before data leaves it (ARCHITECTURE.md, "Every exchange is a
disclosure"), and a broker ACL on the prefix ``avhopp.for-<agency>.`` is all
it takes to keep an agency's consumers to its own copies.
"""

TOPIC_PREFIX = "avhopp."

#: The agencies that run services on the platform, and so receive events: every
#: event is written once for each (services/*/app.py, ``owner_agency``; a test
#: holds the two together). Providers, probation and SiS read through the API.
AUDIENCES = ("police", "social")


def family_of(event_type: str) -> str:
    family, sep, name = event_type.partition(".")
    if not sep or not family or not name:
        raise ValueError(f"event type {event_type!r} is not '<family>.<name>'")
    return family


def audience_prefix(audience: str) -> str:
    """What every topic meant for ``audience`` starts with: the prefix an ACL grants."""
    return f"{TOPIC_PREFIX}for-{audience}."


def topic_for(event_type: str, audience: str) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"{audience!r} receives no events; audiences are {AUDIENCES}")
    return audience_prefix(audience) + family_of(event_type)


def legacy_topic(event_type: str) -> str:
    """The topic an event went to before topics were per receiving agency (one per family)."""
    return TOPIC_PREFIX + family_of(event_type)
