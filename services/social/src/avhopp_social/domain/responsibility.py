"""Which municipality is responsible: residence, stay, and transfers (2 a kap. SoL).

PROCESS.md, "Actors": the residence municipality (bosättningskommun) keeps
responsibility even when the person is moved; the municipality of stay
(vistelsekommun) has the ultimate responsibility in an acute situation (2 a
kap. 2-3 §§ SoL); once the person has settled, responsibility may be
transferred (2 a kap. 10 § SoL). The municipality of stay, and any that
responsibility moves to, is usually the new home town: the platform treats it
as ``protected_location``; only the residence the case started from is not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipal_responsibility import Responsibility, Transfer

__all__ = ["InvalidResponsibility", "Responsibility", "Transfer", "transfer"]


class InvalidResponsibility(InvalidInput):
    """A responsibility the rules refuse; ``field`` names it (422)."""


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
    if decided_on > today:
        raise InvalidResponsibility("decided_on", "a transfer cannot be decided in the future")
    if not requested_on <= decided_on <= effective_on:
        raise InvalidResponsibility(
            "effective_on", "a transfer is requested, then decided, then takes effect"
        )
    if to_municipality == current.responsible_on(effective_on):
        raise InvalidResponsibility(
            "to_municipality", "that municipality is already responsible then"
        )
    moved = Transfer(transfer_id, to_municipality, requested_on, decided_on, effective_on)
    return replace(current, transfers=(*current.transfers, moved))
