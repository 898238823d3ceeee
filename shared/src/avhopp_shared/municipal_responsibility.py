"""Which municipality answers for a case: residence, stay and transfers (2 a kap. SoL).

PROCESS.md, "Actors": the residence municipality (bosättningskommun) keeps
responsibility even when the person is moved; the municipality of stay
(vistelsekommun) has the ultimate responsibility in an acute situation (2 a
kap. 2-3 §§ SoL); once the person has settled, responsibility may be
transferred (2 a kap. 10 § SoL). Social services decide it (services/social);
every service social services run (intake too) keeps a copy, so that each
municipality works only in its own cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Transfer:
    transfer_id: str
    to_municipality: str
    requested_on: date
    decided_on: date
    effective_on: date


@dataclass(frozen=True, slots=True)
class Responsibility:
    case_id: str
    residence: str
    stay: str | None
    transfers: tuple[Transfer, ...] = ()

    def responsible_on(self, day: date) -> str:
        """The residence, or where the latest transfer in effect by ``day`` moved it."""
        moved = [t for t in self.transfers if t.effective_on <= day]
        return max(moved, key=lambda t: t.effective_on).to_municipality if moved else self.residence

    def acute_responsible_on(self, day: date) -> str:
        """In an acute situation, the municipality of stay (2 a kap. SoL)."""
        return self.stay or self.responsible_on(day)

    def may_act(self, municipality: str | None, day: date, *, acute: bool = True) -> bool:
        """Whether this municipality's social services work in the case on ``day``: the
        responsible one, and (``acute``) the municipality of stay, which answers
        for acute support (2 a kap. 2-3 §§ SoL) but not for the responsibility
        itself. No other: each municipality is its own authority, and secrecy
        holds between them."""
        if municipality is None:
            return False
        if municipality == self.responsible_on(day):
            return True
        return acute and municipality == self.acute_responsible_on(day)
