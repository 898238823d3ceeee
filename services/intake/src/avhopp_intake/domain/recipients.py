"""Who a consent or a legal basis names: a social-services recipient is one municipality.

Each municipality is an authority of its own and secrecy holds between them
(OSL). A gate matches a recipient's organisation with the caller's as written,
and a recipient without one is the whole agency (policies/lib/match.rego): so
a social-services recipient is kept by its municipality code, the caller's
organisation, and never without one (ACCESS.md, "Consent records").
"""

from __future__ import annotations

from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.municipalities import resolve_municipality

SOCIAL = "social"


class WholeSocialServices(InvalidInput):
    """A social-services recipient naming no municipality reached the point of storing it."""


def by_municipality_code(recipient: Recipient, field: str) -> Recipient:
    """``recipient`` with a social-services organisation given by code or exact name
    ("Lund", "1281") kept as the code; ``UnknownMunicipality`` naming ``field``
    for a value that is no municipality, which would match no caller and open
    nothing while reported as recorded. Other agencies' organisations are kept as
    given (stripped by :class:`Recipient`)."""
    if recipient.agency != SOCIAL or recipient.organisation is None:
        return recipient
    code = resolve_municipality(recipient.organisation, field).code
    return Recipient(agency=SOCIAL, organisation=code)


def for_municipality(recipient: Recipient, municipality: str) -> Recipient:
    """A social-services recipient naming no municipality, as ``municipality``'s."""
    if recipient.agency != SOCIAL or recipient.organisation is not None:
        return recipient
    return Recipient(agency=SOCIAL, organisation=municipality)


def require_a_municipality(recipients: list[Recipient], field: str) -> None:
    """The last guard before storing: no social-services recipient is the whole agency.

    Recorded so, a consent or legal basis would open the case to every
    municipality's social services (policies/lib/match.rego), though secrecy holds
    between them (OSL). Every route names the municipality first; this refuses
    whatever reaches storage without one."""
    if any(r.agency == SOCIAL and r.organisation is None for r in recipients):
        raise WholeSocialServices(field, "a social-services recipient must name its municipality")


def closed_to(recipient: Recipient, recorder_agency: str) -> str:
    """Whom a refused category is closed to, for the reason given: the recipient's agency,
    or another organisation of the recorder's own agency, whose "own" records (another
    municipality's, another police region's) are its owner's alone. The organisation
    itself is not echoed: errors never echo a value the client sent (README, "Errors")."""
    if recipient.agency == recorder_agency:
        return f"another {recipient.agency} organisation"
    return recipient.agency
