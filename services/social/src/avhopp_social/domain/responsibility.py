"""Which municipality is responsible: residence, stay, and transfers (2 a kap. SoL).

PROCESS.md, "Actors": the residence municipality (bosättningskommun) keeps
responsibility even when the person is moved; the municipality of stay
(vistelsekommun) has the ultimate responsibility in an acute situation (2 a
kap. 2-3 §§ SoL); once the person has settled, responsibility may be
transferred (2 a kap. 10 § SoL). The municipality of stay, and any that
responsibility moves to, is usually the new home town: the platform treats it
as ``protected_location``; only the residence the case started from is not.

The residence is the municipality that received the application, recorded
once when the case opens: responsibility moves only by a transfer, with its
dates, never by rewriting where the case started (that would move the case
at once, and expose the new town as the unprotected starting residence).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from avhopp_shared.errors import Conflict, InvalidInput
from avhopp_shared.municipal_responsibility import (
    Responsibility,
    Transfer,
    stay_after_transfer,
)

__all__ = [
    "InvalidResponsibility",
    "ResidenceRecorded",
    "Responsibility",
    "Transfer",
    "transfer",
    "with_stay",
]


class InvalidResponsibility(InvalidInput):
    """A responsibility the rules refuse; ``field`` names it (422)."""


class ResidenceRecorded(Conflict):
    """The residence is already recorded and differs: a move is a transfer (409)."""


def with_stay(
    current: Responsibility, *, residence: str, stay: str | None, today: date
) -> Responsibility:
    """The municipality of stay recorded (or cleared, ``None``) on the existing record.

    ``residence`` must be the one on record. The stay is another municipality
    than the responsible one: it answers only in an acute situation (2 a kap.
    2-3 §§ SoL), and the responsible municipality needs no second title (one
    that would survive its own transfer of the case)."""
    if residence != current.residence:
        raise ResidenceRecorded(
            "the residence municipality is recorded once; responsibility moves by a "
            "transfer (POST /cases/{case_id}/responsibility/transfers)"
        )
    if stay is not None and stay == current.responsible_on(today):
        raise InvalidResponsibility(
            "stay_municipality", "the responsible municipality is not also the municipality of stay"
        )
    return replace(current, stay=stay)


def transfer(
    current: Responsibility,
    *,
    transfer_id: str,
    to_municipality: str,
    requested_on: date,
    decided_on: date,
    effective_on: date,
    today: date,
) -> Responsibility:
    """The responsibility with one more transfer; it ends the stay (``stay_after_transfer``).

    Transfers take effect one after another, each on a later day than the one
    before: responsibility moves at the start of a day, so two moves the same
    day would leave the first never in effect, and a move before one already
    decided would rewrite the order the municipalities agreed. A transfer to
    take effect the same day as the latest is refused; it takes effect the day
    after."""
    if decided_on > today:
        raise InvalidResponsibility("decided_on", "a transfer cannot be decided in the future")
    if not requested_on <= decided_on <= effective_on:
        raise InvalidResponsibility(
            "effective_on", "a transfer is requested, then decided, then takes effect"
        )
    latest = current.latest_transfer()
    if latest is not None and effective_on <= latest.effective_on:
        raise InvalidResponsibility(
            "effective_on",
            f"a transfer takes effect after the latest one (effective {latest.effective_on})",
        )
    if to_municipality == current.responsible_on(effective_on):
        raise InvalidResponsibility(
            "to_municipality", "that municipality is already responsible then"
        )
    moved = Transfer(transfer_id, to_municipality, requested_on, decided_on, effective_on)
    return replace(
        current,
        stay=stay_after_transfer(current.stay, to_municipality),
        transfers=(*current.transfers, moved),
    )
