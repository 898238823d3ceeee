"""Consent changes as events (ACCESS.md, "Consent records").

They are in the ``case`` family, so they travel on the case's topic with the
case id as key: a service always learns of a consent before intake's own events
that rely on it, and of a withdrawal before anything intake sends after it.
Another service's events travel on their own family's topic, which nothing
orders against these (README, "Known limits").

They carry what a gate needs to decide — who, which categories, which
purposes, how long — and nothing of the person: the method, the document
reference and the note stay with intake.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.events.case_events import EventPayload


class Recipient(BaseModel):
    """An agency, or one organisation within it when ``organisation`` is set."""

    # Surrounding spaces are stripped as the value is read: a gate compares the
    # organisation with the caller's as written (policies/lib/match.rego), so
    # "polisen-region-syd " would be recorded, reported active and open nothing.
    # An organisation of spaces only names no one and is refused like an empty one.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    agency: str = Field(pattern="^(police|social|provider|probation|sis)$")
    organisation: str | None = Field(default=None, min_length=1, max_length=200)


class ConsentGranted(EventPayload):
    event_type: ClassVar[str] = "case.consent_granted"
    schema_version: ClassVar[int] = 1

    case_id: str
    consent_id: str
    recipients: list[Recipient] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    purposes: list[Purpose] = Field(min_length=1)
    valid_from: datetime
    valid_to: datetime | None


class ConsentWithdrawn(EventPayload):
    """Takes effect at once: later reads and deliveries under this consent are denied."""

    event_type: ClassVar[str] = "case.consent_withdrawn"
    schema_version: ClassVar[int] = 1

    case_id: str
    consent_id: str
    withdrawn_at: datetime
