"""Which municipality's social services answer for the case (2 a kap. SoL).

A family of its own, so a topic of its own (``avhopp.responsibility``): the
municipality of stay and the municipality a case moves to are usually the new
home town (``protected_location``). Kafka grants a consumer group a whole topic,
never single event types, so these cannot share ``avhopp.social`` with what
police read there (``social.interventions_decided``); only social services' own
services (intake, social, follow-up) subscribe to this one.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from avhopp_shared.events.case_events import EventPayload


class ResponsibilityRecorded(EventPayload):
    """Social services recorded the residence municipality and the municipality of stay
    (2 a kap. SoL). The municipality of stay is usually the new home town:
    ``protected_location``, which no other agency's gate lets through but to
    the case team. Social services' own services keep it to know which
    municipality works in the case."""

    event_type: ClassVar[str] = "responsibility.recorded"
    schema_version: ClassVar[int] = 1

    case_id: str
    residence: str
    stay: str | None
    #: The Swedish day the stay was recorded: the transfers in effect by then do not
    #: end it (``Responsibility.stay_on``). None without a stay, and in events
    #: published before it was sent, which the copies read by the rule of then.
    #: ``protected_location`` as the stay is: it dates the move to the new town.
    stay_since: date | None = None


class ResponsibilityTransferred(EventPayload):
    """The responsibility for the case moves to another municipality (2 a kap. 10 § SoL).

    Where to is ``protected_location`` (usually the new home town), as above.
    """

    event_type: ClassVar[str] = "responsibility.transferred"
    schema_version: ClassVar[int] = 1

    case_id: str
    transfer_id: str
    to_municipality: str
    requested_on: date
    decided_on: date
    effective_on: date
