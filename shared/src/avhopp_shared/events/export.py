"""Writes the event contract for integrators: JSON Schema per payload and an AsyncAPI document.

``python -m avhopp_shared.events.export shared/schemas`` — the committed copy is
checked against the code by the test suite, so it cannot drift.

The JSON Schema files describe whole payloads. The AsyncAPI document has one
channel per topic, ``avhopp.for-<agency>.<family>``, and describes each
message as that agency's services receive it (``access.event_audiences``): a
copy published by another agency lacks the fields of the categories the
policy never lets that agency's services receive, and its envelope's
``withheld`` attribute names them. Who publishes an event is not in the event
registry, so it is kept here (``FAMILY_PUBLISHERS``; a test compares it with
the services' sources). A message's payload schema lists no field its
agency's copy can never carry, and accepts every copy it can get.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from avhopp_shared.access.catalogue import Catalogue, nested_model, platform_catalogue
from avhopp_shared.access.copy_rules import ONLY_FOR
from avhopp_shared.access.event_audiences import EventAudiences, platform_audiences
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.registry import EVENT_TYPES, json_schemas
from avhopp_shared.events.topics import AUDIENCES, audience_prefix, family_of, topic_for

#: The agency whose services publish each event family: the publishing
#: service's ``owner_agency`` (services/*/app.py), which the unit of work
#: writes as the envelope's ``actingagency``. Intake, social and follow-up act
#: for social services, threat for police.
FAMILY_PUBLISHERS: dict[str, str] = {
    "case": "social",
    "followup": "social",
    "relapse": "police",
    "responsibility": "social",
    "social": "social",
    "threat": "police",
}

#: Event types the services of every agency publish, whatever their family's
#: publisher: each service's disclosure gate raises the alert when it discloses
#: the new home town, and police's rival check does too (access.gate).
PUBLISHED_BY_EVERY_AGENCY = frozenset({"case.protected_location_read"})


def publishers_of(event_type: str) -> frozenset[str]:
    """The agencies whose services publish ``event_type``."""
    if event_type in PUBLISHED_BY_EVERY_AGENCY:
        return frozenset(AUDIENCES)
    family = family_of(event_type)
    if family not in FAMILY_PUBLISHERS:
        raise KeyError(
            f"{event_type}: no publisher known for family {family!r} (FAMILY_PUBLISHERS)"
        )
    return frozenset({FAMILY_PUBLISHERS[family]})


def audience_payload_schema(
    model: type[BaseModel],
    audience: str,
    receivable: frozenset[str],
    catalogue: Catalogue,
    publishers: frozenset[str],
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``model``'s payload schema as ``audience``'s services receive it, and the
    categories withheld from it (none: the schema is the whole payload's).

    Published by ``audience``'s own agency only: whole. Published only by other
    agencies: the fields of the categories not ``receivable`` are removed. Published
    by both: those fields stay listed (the own agency's copy carries them) but are
    no longer required (another agency's copy lacks them).
    """
    schema = model.model_json_schema()
    if publishers == {audience}:
        return schema, ()
    withheld: set[str] = set()
    _project(
        model,
        schema,
        schema.get("$defs", {}),
        receivable,
        catalogue,
        remove=audience not in publishers,
        withheld=withheld,
        done=set(),
    )
    if not withheld:
        return model.model_json_schema(), ()
    _prune_definitions(schema)
    return schema, tuple(sorted(withheld))


def _project(
    model: type[BaseModel],
    node: dict[str, Any],
    definitions: dict[str, Any],
    receivable: frozenset[str],
    catalogue: Catalogue,
    *,
    remove: bool,
    withheld: set[str],
    done: set[str],
) -> None:
    """Cuts ``node`` (the object schema of ``model``) in place as ``Catalogue.keep`` cuts
    its data: a field is kept only when its category is receivable, a nested model's
    fields one by one."""
    properties: dict[str, Any] = node.get("properties", {})
    required: list[str] = node.get("required", [])
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in properties:
            continue
        category = catalogue.category_of(model, name)
        inner = nested_model(info.annotation)
        if category is not None and category not in receivable:
            withheld.add(str(category))
            _leave_out(properties, required, key, remove=remove)
            continue
        if inner is None:
            if category is None:
                # Unclassified: never disclosed (and a test fails on it).
                _leave_out(properties, required, key, remove=remove)
            continue
        definition = definitions.get(inner.__name__)
        if definition is None:
            raise KeyError(f"{model.__name__}.{name}: no schema definition {inner.__name__!r}")
        if inner.__name__ not in done:
            done.add(inner.__name__)
            _project(
                inner,
                definition,
                definitions,
                receivable,
                catalogue,
                remove=remove,
                withheld=withheld,
                done=done,
            )
        if not definition.get("required") and key in required:
            # Nothing of it is certain to be there: a nested object cut to nothing is
            # left out, as is an item of a list.
            required.remove(key)
    if not required:
        node.pop("required", None)


def _leave_out(properties: dict[str, Any], required: list[str], key: str, *, remove: bool) -> None:
    if remove:
        properties.pop(key, None)
    if key in required:
        required.remove(key)


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _prune_definitions(schema: dict[str, Any]) -> None:
    """Drops the ``$defs`` no longer referred to once fields were removed."""
    definitions: dict[str, Any] = schema.get("$defs", {})
    prefix = "#/$defs/"
    reached: set[str] = set()
    pending = [{k: v for k, v in schema.items() if k != "$defs"}]
    while pending:
        for reference in _references(pending.pop()):
            name = reference.removeprefix(prefix)
            if reference.startswith(prefix) and name in definitions and name not in reached:
                reached.add(name)
                pending.append(definitions[name])
    for name in list(definitions):
        if name not in reached:
            del definitions[name]
    if not definitions:
        schema.pop("$defs", None)


def _title(model: type[BaseModel], event_type: str) -> str:
    return model.__doc__.strip().splitlines()[0] if model.__doc__ else event_type


def reaches(event_type: str, audience: str, audiences: EventAudiences | None = None) -> bool:
    """Whether ``audience``'s services ever get a copy of ``event_type``."""
    audiences = audiences or platform_audiences()
    return _reaches(
        EVENT_TYPES[event_type],
        audience,
        publishers_of(event_type),
        audiences.receivable(audience),
        platform_catalogue(),
    )


def _reaches(
    model: type[BaseModel],
    audience: str,
    publishers: frozenset[str],
    receivable: frozenset[str],
    catalogue: Catalogue,
) -> bool:
    # Another agency's copy that would keep nothing but the case's reference of
    # an event that carries more is never sent (access.event_audiences).
    if audience in publishers:
        return True
    only_for = ONLY_FOR.get(model)
    if only_for is not None and audience not in only_for:
        return False
    carried = _categories_of(model, catalogue)
    return not (carried - receivable) or not (carried & receivable <= {"case_ref"})


def _categories_of(model: type[BaseModel], catalogue: Catalogue) -> set[str]:
    found: set[str] = set()
    for name, info in model.model_fields.items():
        category = catalogue.category_of(model, name)
        if category is not None:
            found.add(str(category))
        inner = nested_model(info.annotation)
        if inner is not None:
            found |= _categories_of(inner, catalogue)
    return found


def _copy_description(audience: str, withheld: tuple[str, ...], publishers: frozenset[str]) -> str:
    categories = ", ".join(withheld)
    if audience in publishers:
        return (
            f"The copy for {audience}'s services: whole when {audience}'s own services "
            f"publish it; published by another agency, it lacks the fields of {categories} "
            "(listed here, not required), and the envelope's withheld attribute names them."
        )
    return (
        f"The copy for {audience}'s services, published by another agency: the fields of "
        f"{categories} are withheld (left out, never nulled), and the envelope's "
        "withheld attribute names them."
    )


def asyncapi_document(audiences: EventAudiences | None = None) -> dict[str, Any]:
    audiences = audiences or platform_audiences()
    catalogue = platform_catalogue()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"envelope": EventEnvelope.model_json_schema(by_alias=True)}
    schemas |= {t.replace(".", "_"): m.model_json_schema() for t, m in EVENT_TYPES.items()}
    for audience in AUDIENCES:
        receivable = audiences.receivable(audience)
        for event_type, model in sorted(EVENT_TYPES.items()):
            topic = topic_for(event_type, audience)
            family = family_of(event_type)
            name = event_type.replace(".", "_")
            publishers = publishers_of(event_type)
            if not _reaches(model, audience, publishers, receivable, catalogue):
                continue
            payload, withheld = audience_payload_schema(
                model, audience, receivable, catalogue, publishers
            )
            message_name = name
            if withheld:
                message_name = f"{name}_for_{audience}"
                description = _copy_description(audience, withheld, publishers)
                schemas[message_name] = payload | {"description": description}
                messages[message_name] = _message(event_type, model, message_name, description)
            elif name not in messages:
                messages[name] = _message(event_type, model, name, None)
            channel = channels.setdefault(
                topic,
                {
                    "address": topic,
                    "title": f"{family} events for {audience}",
                    "description": (
                        f"Every {family}.* event, as {audience}'s services receive it. "
                        f"Read only by {audience}'s consumer groups (a prefixed ACL on "
                        f"{audience_prefix(audience)}); written only by the platform's services."
                    ),
                    "messages": {},
                },
            )
            channel["messages"][message_name] = {"$ref": f"#/components/messages/{message_name}"}
            operation = operations.setdefault(
                f"publish_{family}_for_{audience}",
                {"action": "send", "channel": {"$ref": f"#/channels/{topic}"}, "messages": []},
            )
            operation["messages"].append({"$ref": f"#/channels/{topic}/messages/{message_name}"})
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "avhopp case events",
            "version": "2.0.0",
            "description": (
                "Events between the avhopp services. One topic per event family and "
                "receiving agency: avhopp.for-<agency>.<family>. Each agency's copy carries "
                "what its services may receive: another agency's copy lacks the categories "
                "the policy never opens to it (data.avhopp.access.receivable), named in the "
                "envelope's withheld attribute; the consuming service's gate then decides "
                "the rest by consent, and audits it. An event whose copy would carry "
                "nothing but the case reference is not sent to that agency (that it "
                "happened is itself withheld), and a grant of access (consent, legal "
                "basis, break-glass, disclosure decision) reaches another agency only "
                "where it names that agency or opens records its own services hold. "
                "Key = case id; CloudEvents 1.0 "
                "structured mode; payloads carry ids and codes, never identity or whereabouts."
            ),
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _message(
    event_type: str, model: type[BaseModel], schema_name: str, description: str | None
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": event_type,
        "title": _title(model, event_type),
        "contentType": "application/cloudevents+json",
        # CloudEvents structured mode: the record value is the whole envelope, the
        # event's data (this copy of it) under "data"; the record carries no headers.
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/envelope"},
                {
                    "type": "object",
                    "properties": {"data": {"$ref": f"#/components/schemas/{schema_name}"}},
                    "required": ["data"],
                },
            ]
        },
        "bindings": {"kafka": {"key": {"type": "string", "description": "case id"}}},
    }
    if description is not None:
        message["description"] = description
    return message


def contract_files() -> dict[str, str]:
    files = {
        f"events/{name}.schema.json": json.dumps(schema, indent=2, sort_keys=True) + "\n"
        for name, schema in json_schemas().items()
    }
    files["asyncapi.json"] = json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n"
    return files


def write(target: Path) -> None:
    for relative, content in contract_files().items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "shared/schemas"))
