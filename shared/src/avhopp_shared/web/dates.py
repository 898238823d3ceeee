"""Dates and times the API takes: ISO 8601 text, as its documents promise, and nothing else.

Pydantic also reads a number, or a text of digits, as seconds since 1970. A
client that sent ``0`` or ``"1700000000"`` for a consent's end, a legal
basis's validity or the day an application arrived would have a date
recorded that nobody meant (a consent ending in 1970 is simply expired, an
application received in 1970 is overdue at once), where a 422 naming the
field tells it what is wrong.

A point in time must also carry its offset and name a moment the platform can
hold. The platform keeps every moment in UTC: a time without an offset is no
moment at all (the database refuses it), and ``9999-12-31T23:00-14:00`` or
``0001-01-01T00:00+14:00`` fall outside the years Python's datetime can hold
once turned into UTC. Either would otherwise fail only on the way into the
database, after validation, and answer 503 as if the fault were the
platform's, so the client would retry a request that can never succeed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")

#: The moments a request may name: from 1900 up to, not including, the year 3000
#: (UTC). Far wider than any application, consent or legal basis needs, and far
#: enough inside datetime's own limits that a day or a year added later, or a
#: conversion to another offset, cannot overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
END = datetime(3000, 1, 1, tzinfo=UTC)


def _iso_text(value: object) -> object:
    # A datetime is a date: values built in code pass; pydantic checks the rest.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE_START.match(value)):
        return value
    raise ValueError("must be ISO 8601 text, e.g. 2026-03-01 or 2026-03-01T10:00:00+01:00")


def _a_moment_in_range(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise ValueError("must include a timezone offset, e.g. 2026-03-01T10:00:00+01:00")
    # Comparing aware datetimes never converts either to UTC, so the comparison
    # itself cannot overflow, whatever the offset.
    if not EARLIEST <= value < END:
        raise ValueError(
            f"must lie between {EARLIEST.isoformat()} and {END.isoformat()} (not included)"
        )
    return value


#: A point in time in a request: RFC 3339 text with its offset, inside
#: [:data:`EARLIEST`, :data:`END`).
Timestamp = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_a_moment_in_range)]


def _a_day_in_range(value: date) -> date:
    # The same years as a moment: a decision dated in year 1 or 9999 is a typing
    # error, and one kept would skew every figure counted from it (ISU).
    if not EARLIEST.date() <= value < END.date():
        raise ValueError("must be a day from the year 1900 up to the year 3000")
    return value


#: A calendar day in a request: ISO 8601 text (2026-03-01), from 1900 up to 3000.
Day = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_a_day_in_range)]
