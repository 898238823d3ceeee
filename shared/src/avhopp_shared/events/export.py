"""Writes the event contract for integrators: JSON Schema per payload and an AsyncAPI document.

``python -m avhopp_shared.events.export shared/schemas`` — the committed copy is
checked against the code by the test suite, so it cannot drift.

The JSON Schema file of a type describes every copy of its payload: the fields
of a category another agency's copy may leave out are listed but not required
there (``payload_schema``). The AsyncAPI document has one
channel per topic, ``avhopp.for-<agency>.<family>``, and describes each
message as that agency's services receive it (``access.event_audiences``): a
copy published by another agency lacks the fields of the categories the
policy never lets that agency's services receive, and its envelope's
``withheld`` attribute names them. Who publishes an event is not in the event
registry, so it is kept here (``FAMILY_PUBLISHERS``; a test compares it with
the services' sources). A message's payload schema lists no field its
agency's copy can never carry, and accepts every copy it can get. Each
document is whole on its own: its references resolve within it.
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
from avhopp_shared.events.envelope import RECORD_CONTENT_TYPE, EventEnvelope
from avhopp_shared.events.registry import EVENT_TYPES
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


#: What every payload schema says of a cut copy (README, "Events").
_WITHHELD_RULE = (
    "A copy leaves out the fields of the categories its envelope's withheld "
    "attribute names: they are absent, never nulled"
)


def payload_schema(event_type: str, audiences: EventAudiences | None = None) -> dict[str, Any]:
    """The JSON Schema of ``event_type``'s payload that every agency's copy of it meets.

    A field of a category that some agency's copy can lack (published by another
    agency, ``audience_payload_schema``) is listed but not required: the whole
    copy carries it, the cut one leaves it out. The description says so.
    """
    audiences = audiences or platform_audiences()
    catalogue = platform_catalogue()
    model = EVENT_TYPES[event_type]
    publishers = publishers_of(event_type)
    schema = model.model_json_schema()
    withheld: set[str] = set()
    for audience in AUDIENCES:
        receivable = audiences.receivable(audience)
        if publishers == {audience} or not _reaches(
            model, audience, publishers, receivable, catalogue
        ):
            continue
        _project(
            model,
            schema,
            schema.get("$defs", {}),
            receivable,
            catalogue,
            remove=False,
            withheld=withheld,
            done=set(),
        )
    if withheld:
        rule = (
            f"{_WITHHELD_RULE}. Another agency's copy may lack the fields of "
            f"{', '.join(sorted(withheld))}: they are not required here."
        )
    else:
        rule = f"{_WITHHELD_RULE}. No copy of this type withholds any."
    described = schema.get("description")
    # After a docstring of paragraphs as a paragraph of its own.
    joint = "\n\n" if described and "\n" in described else " "
    schema["description"] = f"{described}{joint}{rule}" if described else rule
    return schema


def json_schemas(audiences: EventAudiences | None = None) -> dict[str, dict[str, Any]]:
    """``payload_schema`` of each event type, keyed by ``<type>.v<schema_version>``."""
    return {
        f"{name}.v{model.schema_version}": payload_schema(name, audiences)
        for name, model in sorted(EVENT_TYPES.items())
    }


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


_DEFINITIONS = "#/$defs/"
_COMPONENTS = "#/components/schemas/"


def _add_schema(
    components: dict[str, Any], name: str, schema: dict[str, Any], *, cut_for: str | None = None
) -> None:
    """Puts ``schema`` into ``components`` (the document's components.schemas) under
    ``name``, and its ``$defs`` beside it.

    Pydantic refers to a nested model or enum as ``#/$defs/<Name>``; inside the
    AsyncAPI document ``#`` is the document's root, which has no ``$defs``
    (AsyncAPI 3.0, Reference Object). Each definition becomes a schema of the
    components, referred to as ``#/components/schemas/<Name>``, one for every
    payload that uses it (``Category``, ``Recipient``). A copy cut for an agency
    whose definition differs from the whole one's gets its own,
    ``<Name>_for_<agency>``; any other difference under one name is an error.
    """
    schema = dict(schema)
    definitions: dict[str, Any] = schema.pop("$defs", {})
    names = {definition: definition for definition in definitions}
    while True:
        rewritten = {d: _rewrite(value, names) for d, value in definitions.items()}
        clashes = [
            d
            for d, value in rewritten.items()
            if names[d] in components and components[names[d]] != value
        ]
        if not clashes:
            break
        for d in clashes:
            if cut_for is None or names[d] != d:
                raise ValueError(
                    f"{name}: its definition {d!r} differs from the schema {names[d]!r}"
                )
            names[d] = f"{d}_for_{cut_for}"
    for d, value in rewritten.items():
        components.setdefault(names[d], value)
    if name in components:
        raise ValueError(f"{name}: two schemas of one name")
    components[name] = _rewrite(schema, names)


def _rewrite(node: Any, names: dict[str, str]) -> Any:
    """``node`` with each ``#/$defs/<Name>`` as ``#/components/schemas/<names[Name]>``."""
    if isinstance(node, list):
        return [_rewrite(value, names) for value in node]
    if not isinstance(node, dict):
        return node
    rewritten = {key: _rewrite(value, names) for key, value in node.items()}
    reference = node.get("$ref")
    if isinstance(reference, str):
        if not reference.startswith(_DEFINITIONS):
            raise ValueError(f"a reference the export does not know: {reference}")
        rewritten["$ref"] = _COMPONENTS + names[reference.removeprefix(_DEFINITIONS)]
    return rewritten


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
    schemas: dict[str, Any] = {}
    _add_schema(schemas, "envelope", EventEnvelope.published_schema())
    _add_schema(schemas, "record_headers", _RECORD_HEADERS)
    for event_type, model in sorted(EVENT_TYPES.items()):
        _add_schema(schemas, event_type.replace(".", "_"), model.model_json_schema())
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
                _add_schema(
                    schemas, message_name, payload | {"description": description}, cut_for=audience
                )
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
                "Key = case id; CloudEvents 1.0 structured mode (the record's content-type "
                "header says so); payloads carry ids and codes, never identity or whereabouts."
            ),
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


#: The headers of every record (``headers`` of each message).
_RECORD_HEADERS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "content-type": {
            "type": "string",
            "const": RECORD_CONTENT_TYPE,
            "description": (
                "CloudEvents Kafka protocol binding, structured mode: the record "
                "value is the whole event (UTF-8 JSON); there are no ce_ headers."
            ),
        }
    },
    "required": ["content-type"],
}


def _message(
    event_type: str, model: type[BaseModel], schema_name: str, description: str | None
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "name": event_type,
        "title": _title(model, event_type),
        "contentType": "application/cloudevents+json",
        # CloudEvents structured mode: the record value is the whole envelope, the
        # event's data (this copy of it) under "data"; the record's one header
        # says so (envelope.RECORD_HEADERS).
        "headers": {"$ref": f"{_COMPONENTS}record_headers"},
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
