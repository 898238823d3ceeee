"""The authenticated caller: a client bound to one agency and one organisation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from avhopp_shared.municipalities import is_municipality_code


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
    #: A service of the platform deciding what it may keep of another agency's
    #: event for its whole agency; never set from a token.
    service: bool = False

    @property
    def municipality(self) -> str | None:
        """A social-services client's municipality: its organisation is the municipality
        code (SCB's kommunkod, e.g. "1280"), which every municipal register uses.
        None for other agencies, and for an organisation that is no municipality code."""
        if self.agency is Agency.SOCIAL and is_municipality_code(self.organisation):
            return self.organisation
        return None

    @property
    def recorded_as(self) -> str:
        """Who a record names as having done something: the named user, else the client."""
        return self.user or self.client_id

    def as_policy_input(self) -> dict[str, str | bool | None]:
        """The ``caller`` part of a policy decision's input (plain JSON values)."""
        caller: dict[str, str | bool | None] = {
            "agency": self.agency.value,
            "organisation": self.organisation,
            "user": self.user,
            "client_id": self.client_id,
        }
        if self.service:
            caller["service"] = True
        return caller
