"""A legal basis to social services opens a case to one municipality, never to all of them.

Each municipality is an authority of its own and secrecy holds between them
(OSL). A recipient without an organisation is the whole agency to every gate
(policies/lib/match.rego), so a social-services recipient is recorded by its
municipality code: the one it names, or else the municipality responsible for
the case today.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from sqlalchemy import Table, select

from avhopp_intake.domain.recipients import WholeSocialServices
from avhopp_intake.service_layer.access_grants import announce
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.access.tables import LegalBasisRow
from avhopp_shared.events.access_events import LegalBasisRecorded
from avhopp_shared.events.consent_events import ConsentGranted, Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.service_app import ServiceRuntime
from avhopp_shared.uow import UnitOfWork
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import _case_without_consent, _legal_basis
from tests.test_threat_assessments import assessment, known_case

_basis: Table = LegalBasisRow.__table__  # type: ignore[attr-defined]


async def _recipients(runtime: ServiceRuntime, case_id: str) -> list[Any]:
    query = select(_basis.c.recipient).where(_basis.c.case_id == case_id)
    async with runtime.engine.connect() as connection:
        return list((await connection.execute(query)).scalars().all())


async def test_a_police_legal_basis_to_social_services_opens_the_threat_picture_to_the_responsible_municipality_only(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)  # received by Malmö (1280), responsible for it

    recorded = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "social"}, ["threat"]),
        headers=p.auth("police-syd"),
    )

    assert recorded.status_code == 201, recorded.text
    malmo = {"agency": "social", "organisation": "1280"}
    assert recorded.json()["recipient"] == malmo

    async def arrived() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(p.runtime("threat"), "access_legal_basis", where) == 1

    assert await wait_until(arrived)
    assert await _recipients(p.runtime("intake"), case_id) == [malmo]
    assert await _recipients(p.runtime("threat"), case_id) == [malmo]
    assessed = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert assessed.status_code == 201, assessed.text

    by_malmo = await p.get_as("social-malmo", "threat", f"/cases/{case_id}/threat-assessments")
    by_lund = await p.get_as("social-lund", "threat", f"/cases/{case_id}/threat-assessments")
    listed_to_lund = await p.get_as("social-lund", "threat", "/threat-assessments")

    assert by_malmo.status_code == 200, by_malmo.text
    assert by_lund.status_code == 404, by_lund.text
    assert case_id not in [a.get("case_id") for a in listed_to_lund.json()]


@pytest.mark.parametrize(
    "organisation", ["Lund", " 1281", "lund"], ids=["name", "padded-code", "lower-case-name"]
)
async def test_a_legal_basis_to_a_municipality_by_name_or_padded_code_is_recorded_by_its_code(
    embedded_platform: RunningPlatform, organisation: str
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)

    recorded = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "social", "organisation": organisation}, ["threat"]),
        headers=p.auth("police-syd"),
    )

    assert recorded.status_code == 201, recorded.text
    lund = {"agency": "social", "organisation": "1281"}
    assert recorded.json()["recipient"] == lund
    assert await _recipients(p.runtime("intake"), case_id) == [lund]


@pytest.mark.parametrize("organisation", ["9999", "Lundby", "   "])
async def test_a_legal_basis_to_social_services_of_no_municipality_is_refused_naming_it(
    embedded_platform: RunningPlatform, organisation: str
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)

    refused = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "social", "organisation": organisation}, ["threat"]),
        headers=p.auth("police-syd"),
    )

    assert refused.status_code == 422, refused.text
    [param] = refused.json()["invalid-params"]
    assert param["name"] == "recipient.organisation"
    assert await _recipients(p.runtime("intake"), case_id) == []


async def test_a_legal_basis_naming_a_category_twice_is_refused(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _case_without_consent(p)

    refused = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "social", "organisation": "1281"}, ["threat", "threat"]),
        headers=p.auth("police-syd"),
    )

    assert refused.status_code == 422, refused.text
    assert [i["name"] for i in refused.json()["invalid-params"]] == ["categories"]
    assert await _recipients(p.runtime("intake"), case_id) == []


class _Untouched:
    """A unit of work that fails the test if anything reaches its database or its outbox."""

    @property
    def session(self) -> Any:
        raise AssertionError("stored a recipient naming no municipality")

    def emit(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("announced a recipient naming no municipality")


@pytest.mark.parametrize(
    "payload",
    [
        ConsentGranted(
            case_id="case-1",
            consent_id="consent-1",
            recipients=[Recipient(agency="police"), Recipient(agency="social")],
            categories=[Category.CASE_REF],
            purposes=[Purpose.PROTECTION],
            valid_from=utcnow(),
            valid_to=None,
        ),
        LegalBasisRecorded(
            case_id="case-1",
            legal_basis_id="basis-1",
            reference="10 kap. 18 a § OSL",
            recipient=Recipient(agency="social"),
            categories=[Category.THREAT],
            valid_from=utcnow(),
            valid_to=None,
        ),
    ],
    ids=["consent", "legal-basis"],
)
async def test_no_consent_or_legal_basis_to_the_whole_of_social_services_reaches_storage(
    payload: ConsentGranted | LegalBasisRecorded,
) -> None:
    # Every route names the municipality first; this is the last guard before storing.
    with pytest.raises(WholeSocialServices):
        await announce(cast(UnitOfWork, _Untouched()), payload, "case-1")
