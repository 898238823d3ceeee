"""The authenticated caller: a client bound to one agency and one organisation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Agency(StrEnum):
    POLICE = "police"
    SOCIAL = "social"
    PROVIDER = "provider"
    PROBATION = "probation"
    SIS = "sis"


@dataclass(frozen=True)
class Caller:
    """Who is asking. The agency comes from the token, never from the request body."""

    client_id: str
    agency: Agency
    organisation: str
    user: str | None = None

    @property
    def recorded_as(self) -> str:
        """Who a record names as having done something: the named user, else the client."""
        return self.user or self.client_id

    def as_policy_input(self) -> dict[str, str | None]:
        """The ``caller`` part of a policy decision's input (plain JSON values)."""
        return {
            "agency": self.agency.value,
            "organisation": self.organisation,
            "user": self.user,
            "client_id": self.client_id,
        }
