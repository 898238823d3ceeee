"""Domain-level errors every service raises; the web layer maps them to problem+json."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal


class NotFound(Exception):
    """Nothing to answer with. ``resource`` and ``identifier`` are for the logs and
    the code: the web answer names neither (``web.problems.NOT_FOUND_DETAIL``),
    so that a case withheld from the caller looks like one that does not exist."""

    def __init__(self, resource: str, identifier: str) -> None:
        super().__init__(f"{resource} {identifier} not found")
        self.resource = resource
        self.identifier = identifier


class Conflict(Exception):
    pass


class InvalidInput(ValueError):
    """A domain rule the input breaks; ``field`` names the offending field (422 on the web).

    ``also`` names further (field, reason) pairs when a request breaks several rules
    at once, so that the answer lists every one of them. ``location`` says where the
    fields are: the body (the default), the query or the path.
    """

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        also: Sequence[tuple[str, str]] = (),
        location: Literal["body", "query", "path"] = "body",
    ) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.problems = [(field, reason), *also]
        self.location = location
