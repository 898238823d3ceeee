"""Commissioning a provider (uppdrag till utförare) and the board's disclosure decision.

004 Del 2, "Genomför insatser": once it is decided who carries out the
interventions, the deciding board judges which information may be passed to
the provider (for example police's threat assessment). ACCESS.md, ``decided``:
a provider reads a category only under such a decision (and a consent).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from avhopp_shared.access.categories import Category
from avhopp_shared.errors import InvalidInput
from avhopp_social.domain.aid_decision import AidType


class InvalidCommission(InvalidInput):
    """A commission the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Commission:
    commission_id: str
    case_id: str
    intervention: AidType
    provider_organisation: str
    disclosed_categories: tuple[Category, ...]
    decided_by: str
    decided_on: date


def commission(
    *,
    commission_id: str,
    case_id: str,
    intervention: AidType,
    provider_organisation: str,
    disclosed_categories: Collection[Category],
    known_providers: Collection[str],
    decided_by: str,
    decided_on: date,
    today: date,
) -> Commission:
    if provider_organisation not in known_providers:
        # A fixed reason: validation errors never echo the rejected value (README,
        # "Errors"), and a provider's name can tell where the person is placed.
        raise InvalidCommission("provider_organisation", "not a known provider")
    if decided_on > today:
        raise InvalidCommission("decided_on", "a decision cannot be dated in the future")
    return Commission(
        commission_id=commission_id,
        case_id=case_id,
        intervention=intervention,
        provider_organisation=provider_organisation,
        disclosed_categories=tuple(dict.fromkeys(disclosed_categories)),
        decided_by=decided_by,
        decided_on=decided_on,
    )
