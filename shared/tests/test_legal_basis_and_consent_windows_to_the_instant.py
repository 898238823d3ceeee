"""A grant's validity window is decided to the instant the grant names, not to the second.

policies/README.md: a consent covers a read when valid_from <= now and (valid_to is
null or now < valid_to); a legal basis and a break-glass grant alike. Intake reports
a consent ``pending`` until its ``valid_from`` to the microsecond (domain/consent.py),
and its start sweep claims a grant when ``valid_from <= now`` (started_grants), so
the policy must not open a grant before it starts, nor close it before it ends, by
cutting either time to the second.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import AccessState, Owner, access_input
from avhopp_shared.access.tables import BreakGlassRow, ConsentGrantRow, LegalBasisRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.policy.access_decision import decide_access
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.settings import ServiceSettings

POLICE = Caller("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-1")
MALMO = Owner("social", "1280")
SECOND = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
EARLY = SECOND + timedelta(milliseconds=300)
LATE = SECOND + timedelta(milliseconds=900)
DAY = timedelta(days=1)


def _consent(valid_from: datetime, valid_to: datetime | None) -> ConsentGrantRow:
    return ConsentGrantRow(
        consent_id="consent-1",
        case_id="case-1",
        status="active",
        recipients=[{"agency": "police", "organisation": None}],
        categories=["case_ref", "identity"],
        purposes=["protection"],
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _basis(valid_from: datetime, valid_to: datetime | None) -> LegalBasisRow:
    return LegalBasisRow(
        legal_basis_id="basis-1",
        case_id="case-1",
        reference="10 kap. 18 a § OSL",
        recipient={"agency": "police", "organisation": None},
        categories=["case_ref"],
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by_agency="social",
        granted_by_organisation="1280",
    )


def _glass(valid_from: datetime, expires_at: datetime) -> BreakGlassRow:
    return BreakGlassRow(
        grant_id="glass-1",
        case_id="case-1",
        agency="police",
        organisation="polisen-region-syd",
        user="samordnare-1",
        categories=["protected_location"],
        valid_from=valid_from,
        expires_at=expires_at,
        review_required=True,
    )


def _allowed(state: AccessState, now: datetime, categories: list[str]) -> set[str]:
    policy_input = access_input(
        recipient=POLICE,
        purpose="protection",
        owner=MALMO,
        case_id="case-1",
        categories=categories,
        state=state,
        now=now,
    )
    return set(decide_access(policy_engine(ServiceSettings()), policy_input, 1.0).allowed)


def test_a_consent_opens_nothing_before_its_valid_from_within_the_same_second() -> None:
    state = AccessState(consents=[_consent(LATE, None)])
    assert _allowed(state, EARLY, ["case_ref", "identity"]) == set()
    assert _allowed(state, LATE, ["case_ref", "identity"]) == {"case_ref", "identity"}


def test_a_consent_still_covers_a_read_before_its_valid_to_within_the_same_second() -> None:
    state = AccessState(consents=[_consent(SECOND - DAY, LATE)])
    assert _allowed(state, EARLY, ["case_ref", "identity"]) == {"case_ref", "identity"}
    assert _allowed(state, LATE, ["case_ref", "identity"]) == set()


def test_a_legal_basis_opens_and_ends_at_the_instants_it_names() -> None:
    starts_late = AccessState(legal_bases=[_basis(LATE, None)])
    ends_late = AccessState(legal_bases=[_basis(SECOND - DAY, LATE)])
    assert _allowed(starts_late, EARLY, ["case_ref"]) == set()
    assert _allowed(ends_late, EARLY, ["case_ref"]) == {"case_ref"}
    assert _allowed(ends_late, LATE, ["case_ref"]) == set()


def test_a_break_glass_grant_opens_and_ends_at_the_instants_it_names() -> None:
    starts_late = AccessState(break_glass=[_glass(LATE, LATE + DAY)])
    ends_late = AccessState(break_glass=[_glass(SECOND - DAY, LATE)])
    assert _allowed(starts_late, EARLY, ["protected_location"]) == set()
    assert _allowed(ends_late, EARLY, ["protected_location"]) == {"protected_location"}
    assert _allowed(ends_late, LATE, ["protected_location"]) == set()


def test_a_cached_decision_never_outlives_a_consent_that_ends_within_the_second() -> None:
    # The gate caches decisions by the case's state version and the moment the input
    # carries: a read after the consent's end, in the same second as one before it,
    # must not be answered from the decision taken before it.
    gate = DisclosureGate(policy_engine(ServiceSettings()), platform_catalogue(), MALMO)
    state = AccessState(consents=[_consent(SECOND - DAY, LATE)])
    case_id = f"case-{uuid4()}"

    def allowed(now: datetime) -> set[str]:
        decision = gate.decision(
            recipient=POLICE,
            purpose="protection",
            case_id=case_id,
            categories=["case_ref"],
            state=state,
            now=now,
            version=1,
        )
        return set(decision.allowed)

    assert allowed(EARLY) == {"case_ref"}
    assert allowed(LATE) == set()
    assert allowed(LATE + timedelta(milliseconds=50)) == set()
    assert allowed(EARLY) == {"case_ref"}
