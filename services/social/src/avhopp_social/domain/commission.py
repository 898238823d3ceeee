"""Commissioning a provider (uppdrag till utförare) and the board's disclosure decision.

004 Del 2, "Genomför insatser": once it is decided who carries out the
interventions, the deciding board judges which information may be passed to
the provider (for example police's threat assessment). ACCESS.md, ``decided``:
a provider reads a category only under such a decision (and a consent).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from avhopp_shared.access.categories import Category
from avhopp_shared.errors import InvalidInput
from avhopp_social.domain.aid_decision import AidDecision, AidType

#: The interventions that are housing a provider runs (PROCESS.md step 7:
#: protected housing, HVB; for children family home, HVB, supported housing,
#: 6 kap. 1 § SoL). Only these may be told the new home town: ACCESS.md, baseline
#: matrix, provider ``protected_location`` is "decided (the housing it runs)".
HOUSING: frozenset[AidType] = frozenset(
    {
        AidType.PROTECTED_HOUSING,
        AidType.HVB,
        AidType.SUPPORTED_HOUSING,
        AidType.FAMILY_HOME,
    }
)


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
    decidable: Collection[Category],
    decisions: Sequence[AidDecision],
    decided_by: str,
    decided_on: date,
    today: date,
    received_on: date,
) -> Commission:
    """``decidable`` are the categories a disclosure decision can open to a provider
    (its ``decided`` cells in the matrix); ``decisions`` the case's aid decisions;
    ``received_on`` the Swedish day the application was received. Every rule broken
    is named at once; the reasons are fixed texts, for validation errors never echo
    the rejected value (README, "Errors")."""
    problems: list[tuple[str, str]] = []
    if provider_organisation not in known_providers:
        # A provider's name can tell where the person is placed.
        problems.append(("provider_organisation", "not a known provider"))
    if decided_on > today:
        problems.append(("decided_on", "a decision cannot be dated in the future"))
    elif decided_on < received_on:
        # As for aid decisions (aid_decision._before_application): the
        # commission carries out aid decided on the application, 4 kap. 1 § SoL.
        problems.append(("decided_on", "cannot come before the application was received"))
    if _refused(intervention, decisions):
        problems.append(("intervention", "the board refused this aid"))
    problems.extend(_disclosure_problems(intervention, disclosed_categories, decidable))
    if problems:
        (field, reason), *also = problems
        raise InvalidCommission(field, reason, also=also)
    return Commission(
        commission_id=commission_id,
        case_id=case_id,
        intervention=intervention,
        provider_organisation=provider_organisation,
        disclosed_categories=tuple(dict.fromkeys(disclosed_categories)),
        decided_by=decided_by,
        decided_on=decided_on,
    )


def _refused(intervention: AidType, decisions: Sequence[AidDecision]) -> bool:
    """The board decided on this aid and granted none of it.

    004 Del 2, "Genomför insatser": the provider carries out "den beviljade
    insatsen", so a commission never carries out aid that was refused. Aid not
    decided on at all is still commissioned: acute protection cannot wait for
    the investigation (PROCESS.md steps 1 and 6: acute threat, an acute
    protective placement before social services decide; the municipality of
    stay's acute help, 2 a kap. 2-3 §§ SoL), and the decision follows."""
    of_type = [d for d in decisions if d.aid_type is intervention]
    return bool(of_type) and not any(d.grants_aid for d in of_type)


def _disclosure_problems(
    intervention: AidType,
    disclosed: Collection[Category],
    decidable: Collection[Category],
) -> list[tuple[str, str]]:
    problems = []
    if any(category not in decidable for category in disclosed):
        # ACCESS.md, baseline matrix: a provider reads only its own records and
        # its "decided" cells; a decision naming anything else ("none", such as
        # criminal history or the investigation) could never open it, and
        # recording one would say the board passed on what it cannot pass on.
        problems.append(("disclosed_categories", "lists a category no provider can be given"))
    if Category.PROTECTED_LOCATION in disclosed and intervention not in HOUSING:
        problems.append(
            ("disclosed_categories", "the new home town is only for the housing a provider runs")
        )
    return problems
