"""The new home town does not travel on a topic another agency reads.

Kafka grants a consumer group a whole topic, never single event types: every
service of an agency that subscribes to a topic receives every event on it,
also those its inbox then drops unhandled. So an event carrying the new home
town (``protected_location``: no other agency's gate lets it through but to the
case team, and never in an event) must be on a topic no service of another
agency subscribes to.

The subscriptions are computed from the services' definitions as
``service_app.service_runtime`` subscribes them, the publishing agency is the
owner of the topic in deploy/kafka/topics.yaml, and the categories come from
policies/data/catalogue.json: nothing here is a list kept by hand.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from pydantic import BaseModel

from avhopp_shared.access.catalogue import Catalogue, nested_model, platform_catalogue
from avhopp_shared.access.responsibility_copy import RESPONSIBILITY_HANDLERS
from avhopp_shared.access.state_handlers import ACCESS_HANDLERS
from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.registry import EVENT_TYPES, RENAMED_EVENT_TYPES, parse_payload
from avhopp_shared.events.responsibility_events import ResponsibilityRecorded
from avhopp_shared.events.topics import topic_for
from avhopp_shared.platform import SERVICES
from avhopp_shared.service_app import ServiceDefinition
from tests.fixtures.platform import platform_settings

TOPICS_FILE = Path(__file__).parents[1] / "deploy" / "kafka" / "topics.yaml"
#: Never on another agency's topic, whatever its cell: only the case team reads it.
NEVER_SHARED = frozenset({"protected_location"})


def _definitions(tmp_path: Path) -> dict[str, ServiceDefinition]:
    settings = platform_settings("embedded", var_dir=tmp_path)
    return {
        name: importlib.import_module(f"avhopp_{name}.app").definition(settings[name])
        for name in SERVICES
    }


def _categories(catalogue: Catalogue, model: type[BaseModel]) -> dict[str, str]:
    """``Model.field`` → category of every field of the payload, nested ones included."""
    found: dict[str, str] = {}
    for field, info in model.model_fields.items():
        inner = nested_model(info.annotation)
        if inner is not None:
            found |= _categories(catalogue, inner)
            continue
        category = catalogue.category_of(model, field)
        assert category is not None, f"{model.__name__}.{field} has no category"
        found[f"{model.__name__}.{field}"] = category
    return found


def _subscribed_topics(definition: ServiceDefinition) -> set[str]:
    """The topics ``service_runtime`` subscribes the service's consumer group to."""
    if not definition.consumes and not definition.observes:
        return set()
    handled = {
        *ACCESS_HANDLERS,
        ConsentWithdrawn.event_type,
        *definition.consumes,
        *definition.observes,
    }
    return {topic_for(event_type) for event_type in handled}


def test_no_event_carrying_the_protected_location_is_on_a_topic_a_service_of_another_agency_reads(
    tmp_path: Path,
) -> None:
    definitions = _definitions(tmp_path)
    topic_owner = {t["name"]: t["owner"] for t in yaml.safe_load(TOPICS_FILE.read_text())["topics"]}
    catalogue = platform_catalogue()
    readers = {
        name: (definition.owner_agency, _subscribed_topics(definition))
        for name, definition in definitions.items()
    }
    # The walk sees the exchanges it guards (else it proves nothing): police read
    # social services' topic for the interventions decided.
    assert topic_for("social.interventions_decided") in readers["threat"][1]
    # Social services' own services still get the responsibility for their copy.
    for service in ("intake", "followup"):
        assert topic_for(ResponsibilityRecorded.event_type) in readers[service][1]

    exposed = set()
    for event_type, model in EVENT_TYPES.items():
        topic = topic_for(event_type)
        sender = definitions[topic_owner[topic]].owner_agency
        for field, category in _categories(catalogue, model).items():
            for service, (agency, topics) in readers.items():
                if agency == sender or topic not in topics:
                    continue
                if category in NEVER_SHARED:
                    exposed.add((event_type, field, topic, service))

    assert exposed == set()


def test_an_event_under_an_old_responsibility_name_is_still_read_and_still_moves_the_copy() -> None:
    # Published on avhopp.social before the upgrade and not yet read by intake or
    # follow-up: it must still move their copy of the responsibility.
    for old, new in RENAMED_EVENT_TYPES.items():
        assert RESPONSIBILITY_HANDLERS[old] is RESPONSIBILITY_HANDLERS[new]
        assert old not in EVENT_TYPES  # never published under it again
    envelope = EventEnvelope(
        source="/avhopp/social",
        type="social.responsibility_recorded",
        subject="c-1",
        schema_version=1,
        acting_agency="social",
        data={"case_id": "c-1", "residence": "1280", "stay": "1281"},
    )
    assert parse_payload(envelope) == ResponsibilityRecorded(
        case_id="c-1", residence="1280", stay="1281"
    )
