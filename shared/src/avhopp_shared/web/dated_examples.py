"""Request examples dated from today's Swedish date, written when the schema is built.

A request example with a fixed date stops being one the API accepts: a decision,
a phase or a transfer cannot predate the application (PROCESS.md: the case
begins with it), and a report cannot lie in the future. Integrators post the
examples of the OpenAPI document on a case they have just opened, so every date
in a request example is counted from the day the document is built, in Sweden
(as the services date requests, ``municipal_responsibility.today_in_sweden``).

    model_config = ConfigDict(
        json_schema_extra=dated_examples(lambda today: [{"decided_on": day(today)}])
    )
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from pydantic.config import JsonDict

from avhopp_shared.municipal_responsibility import today_in_sweden


def dated_examples(write: Callable[[date], list[JsonDict]]) -> Callable[[JsonDict], None]:
    """A ``json_schema_extra`` that sets ``examples`` to what ``write`` gives for today."""

    def add(schema: JsonDict) -> None:
        schema["examples"] = list(write(today_in_sweden()))

    return add


def day(today: date, days: int = 0) -> str:
    """``today`` moved by ``days``, as the ISO date a request carries."""
    return (today + timedelta(days=days)).isoformat()


def week_start(today: date) -> str:
    """The Monday of ``today``'s week: the week a report of today covers."""
    return (today - timedelta(days=today.weekday())).isoformat()
