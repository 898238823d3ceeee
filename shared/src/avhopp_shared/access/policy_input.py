"""Builds the input of the disclosure decision (policies/README.md) from what the service knows."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from avhopp_shared.access.tables import (
    BreakGlassRow,
    ConsentGrantRow,
    DisclosureDecisionRow,
    LegalBasisRow,
    TeamMemberRow,
)
from avhopp_shared.auth.caller import Caller


@dataclass(frozen=True)
class Owner:
    """Who holds the data being disclosed: an agency and, where known, one organisation."""

    agency: str
    organisation: str | None = None

    def as_policy_input(self) -> dict[str, str | None]:
        return {"agency": self.agency, "organisation": self.organisation}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def policy_time(moment: datetime) -> int:
    """``moment`` as the policy input carries every time: whole microseconds since the
    Unix epoch, exactly as the platform stores it. A grant covers a read when
    valid_from <= now < valid_to (policies/README.md); cut to the second, a grant
    would open before its ``valid_from``, which intake still reports pending, and
    close before its ``valid_to``. Integers, so the policy compares them exactly."""
    return (moment - _EPOCH) // _MICROSECOND


def _time(moment: datetime | None) -> int | None:
    return None if moment is None else policy_time(moment)


def _consent(row: ConsentGrantRow) -> dict[str, Any]:
    return {
        "id": row.consent_id,
        "status": row.status,
        "recipients": row.recipients,
        "categories": row.categories,
        "purposes": row.purposes,
        "valid_from": _time(row.valid_from),
        "valid_to": _time(row.valid_to),
    }


def _team_member(row: TeamMemberRow) -> dict[str, Any]:
    return {"agency": row.agency, "organisation": row.organisation, "user": row.user}


def _disclosure_decision(row: DisclosureDecisionRow) -> dict[str, Any]:
    return {
        "id": row.decision_id,
        "provider_organisation": row.provider_organisation,
        "categories": row.categories,
    }


def _legal_basis(row: LegalBasisRow) -> dict[str, Any]:
    # Who recorded it: it opens only that agency's records (policies/access/legal_basis.rego);
    # null where not known (kept before it was announced), and then it opens nothing.
    granted_by = (
        None
        if row.granted_by_agency is None
        else {"agency": row.granted_by_agency, "organisation": row.granted_by_organisation}
    )
    return {
        "id": row.legal_basis_id,
        "reference": row.reference,
        "recipient": row.recipient,
        "categories": row.categories,
        "valid_from": _time(row.valid_from),
        "valid_to": _time(row.valid_to),
        "granted_by": granted_by,
    }


def _break_glass(row: BreakGlassRow) -> dict[str, Any]:
    return {
        "id": row.grant_id,
        "agency": row.agency,
        "organisation": row.organisation,
        "user": row.user,
        "categories": row.categories,
        "valid_from": _time(row.valid_from),
        "expires_at": _time(row.expires_at),
    }


@dataclass(frozen=True)
class PolicyItems:
    """A state as the policy input carries it, built once per state (the gate caches states)."""

    consents: list[dict[str, Any]]
    disclosure_decisions: list[dict[str, Any]]
    team: list[dict[str, Any]]
    legal_bases: list[dict[str, Any]]
    break_glass: list[dict[str, Any]]
    #: Every validity boundary in the state, ascending, for :func:`decision_time`.
    boundaries: tuple[int, ...]


@dataclass(frozen=True)
class AccessState:
    """Everything a service knows about who may see one case, besides the matrix."""

    consents: Sequence[ConsentGrantRow] = ()
    team: Sequence[TeamMemberRow] = ()
    legal_bases: Sequence[LegalBasisRow] = ()
    break_glass: Sequence[BreakGlassRow] = ()
    disclosure_decisions: Sequence[DisclosureDecisionRow] = ()
    #: The person's current threat level as police announced it (None: none known).
    threat_level: str | None = None

    @cached_property
    def policy_items(self) -> PolicyItems:
        consents = [_consent(row) for row in self.consents]
        legal_bases = [_legal_basis(row) for row in self.legal_bases]
        break_glass = [_break_glass(row) for row in self.break_glass]
        boundaries = [
            *(item[key] for item in consents + legal_bases for key in ("valid_from", "valid_to")),
            *(item[key] for item in break_glass for key in ("valid_from", "expires_at")),
        ]
        return PolicyItems(
            consents=consents,
            disclosure_decisions=[_disclosure_decision(row) for row in self.disclosure_decisions],
            team=[_team_member(row) for row in self.team],
            legal_bases=legal_bases,
            break_glass=break_glass,
            boundaries=tuple(sorted(b for b in boundaries if b is not None)),
        )


def decision_time(now: datetime, boundaries: Sequence[int]) -> int:
    """The latest validity boundary not after ``now`` (0 when there is none);
    ``boundaries`` ascending, as :class:`PolicyItems` keeps them (:func:`policy_time`).

    The rules only compare the time with the boundaries in the input, so any
    two moments between the same two boundaries get the same decision; using
    the boundary instead of the clock makes equal inputs equal, which lets
    decisions be cached without ever outliving a grant by a microsecond.
    """
    passed = bisect_right(boundaries, policy_time(now))
    return boundaries[passed - 1] if passed else 0


def access_input(
    *,
    recipient: Caller,
    purpose: str,
    owner: Owner,
    case_id: str,
    categories: Iterable[str],
    state: AccessState,
    now: datetime,
) -> dict[str, Any]:
    items = state.policy_items
    return {
        "caller": recipient.as_policy_input(),
        "purpose": purpose,
        "owner": owner.as_policy_input(),
        "case_id": case_id,
        "categories": sorted(set(categories)),
        "now": decision_time(now, items.boundaries),
        "consents": items.consents,
        "disclosure_decisions": items.disclosure_decisions,
        "team": items.team,
        "legal_bases": items.legal_bases,
        "break_glass": items.break_glass,
        "threat_level": state.threat_level,
    }
