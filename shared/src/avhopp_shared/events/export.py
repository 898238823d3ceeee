"""Writes the event contract for integrators: JSON Schema per payload and an AsyncAPI document.

``python -m avhopp_shared.events.export shared/schemas`` — the committed copy is
checked against the code by the test suite, so it cannot drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.registry import EVENT_TYPES, json_schemas
from avhopp_shared.events.topics import topic_for


def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, model in sorted(EVENT_TYPES.items()):
        topic = topic_for(event_type)
        name = event_type.replace(".", "_")
        messages[name] = {
            "name": event_type,
            "title": model.__doc__.strip().splitlines()[0] if model.__doc__ else event_type,
            "contentType": "application/cloudevents+json",
            "headers": {"$ref": "#/components/schemas/envelope"},
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": "case id"}}},
        }
        channel = channels.setdefault(topic, {"address": topic, "messages": {}})
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"publish_{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [{"$ref": f"#/channels/{topic}/messages/{name}"}],
        }
    schemas: dict[str, Any] = {"envelope": EventEnvelope.model_json_schema(by_alias=True)}
    schemas |= {t.replace(".", "_"): m.model_json_schema() for t, m in EVENT_TYPES.items()}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "avhopp case events",
            "version": "1.0.0",
            "description": (
                "Events between the avhopp services. Key = case id; CloudEvents 1.0 "
                "structured mode; payloads carry ids and codes, never identity or whereabouts."
            ),
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


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
