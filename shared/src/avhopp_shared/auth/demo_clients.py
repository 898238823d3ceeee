"""The synthetic clients embedded mode can mint tokens for: one or more per agency.

Every name here is made up for demonstrations and tests; none is a real
person, office or provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from avhopp_shared.auth.caller import Agency


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    agency: Agency
    organisation: str
    user: str | None = None

    def claims(self) -> dict[str, str]:
        """The identity claims a token for this client carries."""
        claims = {
            "sub": self.user or self.client_id,
            "client_id": self.client_id,
            "agency": self.agency.value,
            "organisation": self.organisation,
        }
        if self.user is not None:
            claims["user"] = self.user
        return claims


DEMO_CLIENTS: Mapping[str, DemoClient] = MappingProxyType(
    {
        client.client_id: client
        for client in (
            DemoClient("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-1"),
            # A second person of the same authority: break-glass is approved by one
            # (four eyes), and nobody names himself to the case team.
            DemoClient("police-syd-2", Agency.POLICE, "polisen-region-syd", "samordnare-2"),
            # Social services' organisation is their municipality code.
            DemoClient("social-malmo", Agency.SOCIAL, "1280", "socialsekreterare-1"),
            DemoClient("social-malmo-2", Agency.SOCIAL, "1280", "socialsekreterare-2"),
            DemoClient("social-lund", Agency.SOCIAL, "1281"),
            DemoClient("provider-skyddat-boende", Agency.PROVIDER, "skyddat-boende-ab"),
            DemoClient("provider-kontakt", Agency.PROVIDER, "kontaktpersoner-ab"),
            DemoClient("probation-syd", Agency.PROBATION, "frivarden-malmo"),
            DemoClient("sis-ungdomshem", Agency.SIS, "sis-ungdomshem-1"),
        )
    }
)
