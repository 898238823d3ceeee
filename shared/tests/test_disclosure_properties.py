"""A property of the whole gate: nothing leaves that the law, consent and team do not allow.

For random callers, owners and access states (consents in every state, team
members, legal bases, break-glass grants), every field of the filtered answer
belongs to a disclosed category, and every disclosed category is one that
ACCESS.md's matrix (transcribed independently in test_access_matrix) opens
for this caller on a ground that really exists in the state.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from avhopp_followup.entrypoints.exit_routes import ExitPublic
from avhopp_intake.entrypoints.schemas import ApplicantPublic, CasePublic
from avhopp_shared.access.catalogue import nested_model, platform_catalogue
from avhopp_shared.access.categories import PART_OF
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.access.policy_input import AccessState, Owner
from avhopp_shared.access.tables import BreakGlassRow, ConsentGrantRow, LegalBasisRow, TeamMemberRow
from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.security_wiring import policy_engine
from avhopp_shared.settings import ServiceSettings
from avhopp_social.entrypoints.routes import InvestigationPublic
from avhopp_threat.entrypoints.routes import AssessmentTaskPublic
from shared.tests.test_access_matrix import ACCESS_MD, cell

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
AGENCIES = [a.value for a in Agency]
ORGANISATIONS = ["org-a", "org-b"]
USERS = ["u-1", "u-2"]
CATEGORIES = list(ACCESS_MD)
PURPOSES = ["investigation", "protection", "intervention", "followup"]
CASE = "case-1"
#: A grant names a part's whole, and covers the part with it (policies/README.md).
WHOLE = {str(part): str(whole) for part, whole in PART_OF.items()}

ITEMS: list[BaseModel] = [
    CasePublic(
        case_id=CASE,
        received_at=NOW,
        channel="phone",
        referral_source="self",
        applied_for=["protected_housing"],
        out_of_hours=False,
        summary="synthetic",
        municipality="1280",
        applicant=ApplicantPublic(
            given_name="Testa",
            family_name="Testsson",
            personal_identity_number="198112189876",
            birth_date=date(1981, 12, 18),
            phone="+46 70 000 00 00",
        ),
    ),
    InvestigationPublic.model_validate(
        dict(
            case_id=CASE,
            status="awaiting_start",
            legal_basis="11 kap. 1 § SoL",
            received_at=NOW,
            opened_at=NOW,
            start_deadline=NOW,
            overdue=False,
            applied_for=["protected_housing"],
            out_of_hours=False,
        )
    ),
    AssessmentTaskPublic.model_validate(
        dict(
            case_id=CASE,
            status="pending",
            priority="normal",
            requested_at=NOW,
            application_received_at=NOW,
            out_of_hours=False,
        )
    ),
    # Follow-up status beside its detail (an abort reason, the person's own view).
    ExitPublic.model_validate(
        dict(
            case_id=CASE,
            status="aborted",
            ended_on=NOW.date(),
            aborted_by="person",
            reason="synthetic reason",
            social_support_continues=True,
            closing_conversation_on=NOW.date(),
            person_view="synthetic view",
            earlier_case_id=None,
        )
    ),
]

hours = st.integers(min_value=-72, max_value=72).map(lambda h: NOW + timedelta(hours=h))
party = st.fixed_dictionaries(
    {"agency": st.sampled_from(AGENCIES), "organisation": st.sampled_from([None, *ORGANISATIONS])}
)
some_categories = st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=6, unique=True)


@st.composite
def consents(draw: st.DrawFn, index: int) -> ConsentGrantRow:
    start = draw(hours)
    return ConsentGrantRow(
        consent_id=f"consent-{index}",
        case_id=CASE,
        status=draw(st.sampled_from(["active", "withdrawn"])),
        recipients=draw(st.lists(party, min_size=1, max_size=2)),
        categories=draw(some_categories),
        purposes=draw(st.lists(st.sampled_from(PURPOSES), min_size=1, max_size=2, unique=True)),
        valid_from=start,
        valid_to=draw(st.none() | hours),
    )


@st.composite
def states(draw: st.DrawFn) -> AccessState:
    count = draw(st.integers(min_value=0, max_value=3))
    team = [
        TeamMemberRow(case_id=CASE, agency=a, organisation=o, user=u, added_at=NOW)
        for a, o, u in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(AGENCIES),
                    st.sampled_from(ORGANISATIONS),
                    st.sampled_from(USERS),
                ),
                max_size=2,
                unique=True,
            )
        )
    ]
    legal = [
        LegalBasisRow(
            legal_basis_id=f"lb-{i}",
            case_id=CASE,
            reference="10 kap. 18 a § OSL",
            recipient=draw(party),
            categories=draw(some_categories),
            valid_from=draw(hours),
            valid_to=draw(st.none() | hours),
        )
        for i in range(draw(st.integers(min_value=0, max_value=1)))
    ]
    glass = [
        BreakGlassRow(
            grant_id=f"bg-{i}",
            case_id=CASE,
            agency=draw(st.sampled_from(AGENCIES)),
            organisation=draw(st.sampled_from(ORGANISATIONS)),
            user=draw(st.sampled_from(USERS)),
            categories=draw(some_categories),
            valid_from=draw(hours),
            expires_at=draw(hours),
            review_required=True,
        )
        for i in range(draw(st.integers(min_value=0, max_value=1)))
    ]
    return AccessState(
        consents=[draw(consents(i)) for i in range(count)],
        team=team,
        legal_bases=legal,
        break_glass=glass,
    )


callers = st.builds(
    Caller,
    client_id=st.just("client"),
    agency=st.sampled_from(list(Agency)),
    organisation=st.sampled_from(ORGANISATIONS),
    user=st.none() | st.sampled_from(USERS),
)


def _matches(recipient: dict[str, Any], caller: Caller) -> bool:
    return recipient["agency"] == caller.agency.value and recipient.get("organisation") in (
        None,
        caller.organisation,
    )


def _in_window(start: datetime, end: datetime | None) -> bool:
    return start <= NOW and (end is None or end > NOW)


def grounds(caller: Caller, category: str, purpose: str, state: AccessState) -> set[str]:
    """Which non-owner grounds for ``category`` really exist in ``state`` (independent of Rego)."""
    category = WHOLE.get(category, category)
    found = set()
    for c in state.consents:
        if (
            c.status == "active"
            and _in_window(c.valid_from, c.valid_to)
            and category in c.categories
            and purpose in c.purposes
            and any(_matches(r, caller) for r in c.recipients)
        ):
            found.add("consent")
    for member in state.team:
        if (member.agency, member.organisation, member.user) == (
            caller.agency.value,
            caller.organisation,
            caller.user,
        ):
            found.add("team")
    for basis in state.legal_bases:
        if (
            category in basis.categories
            and _in_window(basis.valid_from, basis.valid_to)
            and _matches(basis.recipient, caller)
        ):
            found.add("legal_basis")
    for grant in state.break_glass:
        if (
            category in grant.categories
            and grant.valid_from <= NOW < grant.expires_at
            and (grant.agency, grant.organisation, grant.user)
            == (caller.agency.value, caller.organisation, caller.user)
        ):
            found.add("break_glass")
    return found


def _fields_with_categories(model: type[BaseModel], data: dict[str, Any]) -> list[str]:
    catalogue = platform_catalogue()
    out: list[str] = []
    for name, value in data.items():
        inner = nested_model(model.model_fields[name].annotation)
        if inner is not None and isinstance(value, dict):
            out += _fields_with_categories(inner, value)
        elif inner is None:
            category = catalogue.category_of(model, name)
            out.append(str(category))
    return out


@cache
def gate() -> DisclosureGate:
    return DisclosureGate(policy_engine(ServiceSettings()), platform_catalogue(), Owner("social"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    caller=callers,
    owner=party,
    purpose=st.sampled_from(PURPOSES),
    state=states(),
    item=st.sampled_from(ITEMS),
)
def test_no_field_leaves_that_the_policy_and_the_matrix_do_not_allow(
    caller: Caller, owner: dict[str, Any], purpose: str, state: AccessState, item: BaseModel
) -> None:
    disclosure, record = gate().decide(
        recipient=caller,
        purpose=purpose,
        case_id=CASE,
        item=item,
        state=state,
        now=NOW,
        owner=Owner(owner["agency"], owner["organisation"]),
    )

    assert set(_fields_with_categories(type(item), disclosure.data)) <= disclosure.disclosed
    assert not disclosure.disclosed & set(disclosure.withheld)
    assert sorted(disclosure.disclosed) == list(record.disclosed)
    is_owner = owner["agency"] == caller.agency.value and owner["organisation"] in (
        None,
        caller.organisation,
    )
    for category in disclosure.disclosed:
        rule = cell(caller.agency.value, category)
        if is_owner and rule != "team":
            continue
        assert rule != "-", f"{category} is closed to {caller.agency.value}"
        assert grounds(caller, category, purpose, state), f"{category} opened on no ground"
