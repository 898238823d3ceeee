"""The event envelope: CloudEvents 1.0 attributes plus the platform's extensions.

CloudEvents extension attribute names may only hold lower-case letters and
digits (CloudEvents 1.0, "Attribute Naming Convention"), so the schema version
travels as ``schemaversion`` and the acting agency as ``actingagency``; trace
context uses the names of the CloudEvents distributed-tracing extension
(``traceparent``/``tracestate``, W3C Trace Context).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CONTENT_TYPE = "application/cloudevents+json"


def new_event_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventEnvelope(BaseModel):
    """One event as it is stored in an outbox and carried by the bus (structured mode)."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=new_event_id)
    source: str
    type: str
    subject: str = Field(description="The case id; also the partition key.")
    time: datetime = Field(default_factory=utcnow)
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    schema_version: int = Field(alias="schemaversion", ge=1)
    acting_agency: str = Field(alias="actingagency")
    traceparent: str | None = None
    tracestate: str | None = None
    data: dict[str, Any]

    @property
    def case_id(self) -> str:
        return self.subject

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()

    @classmethod
    def from_json_bytes(cls, raw: bytes | str) -> EventEnvelope:
        return cls.model_validate_json(raw)
