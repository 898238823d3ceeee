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
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

CONTENT_TYPE = "application/cloudevents+json"

#: The ``content-type`` header of every Kafka record the platform publishes. The
#: CloudEvents Kafka protocol binding (section 3) reads a record in structured
#: mode, the value being the whole envelope, only when this header starts with
#: ``application/cloudevents``; without it a receiver reads the record in binary
#: mode and finds none of the ``ce_`` headers that mode needs. The value is
#: UTF-8 JSON (``to_json_bytes``).
RECORD_CONTENT_TYPE = f"{CONTENT_TYPE}; charset=UTF-8"
RECORD_HEADERS: tuple[tuple[str, bytes], ...] = (("content-type", RECORD_CONTENT_TYPE.encode()),)

#: The length of an event id: the canonical text of a UUID, which is what the
#: inbox and outbox tables store (``event_id`` columns).
EVENT_ID_LENGTH = 36


def new_event_id() -> str:
    return str(uuid.uuid4())


def _canonical_uuid(value: str) -> str:
    """The id as every producer of the platform writes it (``new_event_id``).

    CloudEvents allows any non-empty string, but the inbox keys on the id: an id
    it cannot store would fail the consumer's transaction on every delivery,
    and a second spelling of the same UUID (upper case, braces, no hyphens)
    would slip past its duplicate check. Such a record is not an event of this
    platform; the buses log and skip it like any other record that is not an
    envelope.
    """
    try:
        canonical = str(uuid.UUID(value)) if len(value) == EVENT_ID_LENGTH else None
    except ValueError:
        canonical = None
    if canonical != value:
        raise ValueError("an event id is a UUID in its canonical form: 36 lower-case characters")
    return value


#: Checked after parsing; the published JSON Schema says it with ``format: uuid``.
EventId = Annotated[str, AfterValidator(_canonical_uuid)]

#: Attributes a reader may leave out (each has a default) that every envelope
#: the platform writes carries: CloudEvents 1.0 requires ``id`` and
#: ``specversion``, and ``time`` and ``datacontenttype`` are always set. The
#: published schema lists them as required (``published_schema``).
ALWAYS_WRITTEN = ("specversion", "id", "time", "datacontenttype")


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventEnvelope(BaseModel):
    """One event as it is stored in an outbox and carried by the bus (structured mode)."""

    model_config = ConfigDict(populate_by_name=True, frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: EventId = Field(default_factory=new_event_id, json_schema_extra={"format": "uuid"})
    source: str
    type: str
    subject: str = Field(description="The case id; also the partition key.")
    time: datetime = Field(default_factory=utcnow)
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    schema_version: int = Field(
        alias="schemaversion",
        ge=1,
        description=(
            "The version of the payload schema of this type that data follows "
            "(shared/schemas/events/<type>.v<schemaversion>.schema.json). A newer "
            "version only adds optional fields."
        ),
    )
    acting_agency: str = Field(
        alias="actingagency",
        description="The agency whose service published the event (police, social).",
    )
    traceparent: str | None = None
    tracestate: str | None = None
    #: The categories the publisher left out of this copy, space-separated (a
    #: CloudEvents extension is a string): the fields of these are absent from
    #: ``data`` on purpose (access.event_audiences). Absent on a whole copy.
    withheld: str | None = Field(
        default=None,
        pattern=r"^[a-z_]+( [a-z_]+)*$",
        description=(
            "The data categories left out of this agency's copy, space-separated: "
            "their fields are absent from data (never nulled). Absent on a whole copy."
        ),
    )
    data: dict[str, Any]

    @property
    def case_id(self) -> str:
        return self.subject

    @property
    def withheld_categories(self) -> frozenset[str]:
        return frozenset(self.withheld.split()) if self.withheld else frozenset()

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()

    @classmethod
    def from_json_bytes(cls, raw: bytes | str) -> EventEnvelope:
        return cls.model_validate_json(raw)

    @classmethod
    def published_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the envelope as the platform writes it (by its
        attribute names): what readers may default, writers always set."""
        schema = cls.model_json_schema(by_alias=True)
        required: list[str] = schema.setdefault("required", [])
        required += [name for name in ALWAYS_WRITTEN if name not in required]
        return schema
