"""Dates and times the API takes: ISO 8601 text, as its documents promise, and nothing else.

Pydantic also reads a number, or a text of digits, as seconds since 1970. A
client that sent ``0`` or ``"1700000000"`` for a consent's end, a legal
basis's validity or the day an application arrived would have a date
recorded that nobody meant (a consent ending in 1970 is simply expired, an
application received in 1970 is overdue at once), where a 422 naming the
field tells it what is wrong.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator

_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text(value: object) -> object:
    # A datetime is a date: values built in code pass; pydantic checks the rest.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE_START.match(value)):
        return value
    raise ValueError("must be ISO 8601 text, e.g. 2026-03-01 or 2026-03-01T10:00:00+01:00")


#: A point in time in a request: RFC 3339 text (the field may ask for an offset).
Timestamp = Annotated[datetime, BeforeValidator(_iso_text)]
#: A calendar day in a request: ISO 8601 text (2026-03-01).
Day = Annotated[date, BeforeValidator(_iso_text)]
