"""A legal basis opens the recording agency's own records, never another agency's.

README, "Beyond consent": legal bases "allow named categories without consent,
recorded by the agency that owns those categories"; policies/README.md, "Recording
a legal basis": "no one opens another agency's records ... this way". The person's
consent to police's follow-up records names Malmö (1280). A legal basis that Malmö
records for Umeå (2480, the municipality of stay) over ``case_ref`` and ``followup``
opens Malmö's own records to Umeå, not police's relapse report, which Malmö itself
reads only under the person's consent and which police never opened.
"""

from __future__ import annotations

from sqlalchemy import Table, select

from avhopp_shared.access.tables import LegalBasisRow
from tests.fixtures.consents import consent_social_to_police_records
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import STAY, _legal_basis
from tests.test_consent_withdrawal_purges import _police_entries, _relapse_reported
from tests.test_police_case import _open_case
from tests.test_threat_assessments import assessment, known_case

_basis: Table = LegalBasisRow.__table__  # type: ignore[attr-defined]
MALMO = "1280"


def _umea(p: RunningPlatform) -> dict[str, str]:
    token = p.issuer.mint(
        {
            "client_id": "social-umea",
            "agency": "social",
            "organisation": STAY,
            "user": "socialsekreterare-umea",
        }
    )
    return {"Authorization": f"Bearer {token}"}


async def _police_entries_shown_to_umea(p: RunningPlatform, case_id: str) -> list[object]:
    read = await p.clients["followup"].get(f"/cases/{case_id}/timeline", headers=_umea(p))
    assert read.status_code == 200, read.text
    return [e for e in read.json().get("entries", []) if e.get("reported_by") == "police"]


async def _recorders(p: RunningPlatform, service: str, case_id: str) -> list[tuple[object, ...]]:
    query = select(_basis.c.granted_by_agency, _basis.c.granted_by_organisation).where(
        _basis.c.case_id == case_id
    )
    async with p.runtime(service).engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(query)).all()]


async def test_malmos_legal_basis_for_the_municipality_of_stay_does_not_open_police_s_relapse_report(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _open_case(p)
    await consent_social_to_police_records(p, case_id)  # names Malmö (1280) only
    stay = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility",
        json={"residence_municipality": MALMO, "stay_municipality": STAY},
    )
    assert stay.status_code == 201, stay.text

    async def followup_knows_the_stay() -> bool:
        where = f"WHERE case_id = '{case_id}' AND stay = '{STAY}'"
        return await count_rows(p.runtime("followup"), "access_responsibility", where) == 1

    assert await wait_until(followup_knows_the_stay)
    await _relapse_reported(p, case_id)

    async def relapse_on_timeline() -> bool:
        return await _police_entries(p, case_id, "followup") >= 1

    assert await wait_until(relapse_on_timeline)
    assert await _police_entries_shown_to_umea(p, case_id) == []

    recorded = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "social", "organisation": STAY}, ["case_ref", "followup"]),
    )
    assert recorded.status_code == 201, recorded.text

    async def followup_has_it() -> bool:
        return len(await _recorders(p, "followup", case_id)) == 1

    assert await wait_until(followup_has_it)
    # Every copy names who recorded it: the gates match it against each record's owner.
    assert await _recorders(p, "followup", case_id) == [("social", MALMO)]
    assert await _recorders(p, "intake", case_id) == [("social", MALMO)]

    # Malmö opened its own records; police's relapse report is still police's.
    assert await _police_entries_shown_to_umea(p, case_id) == []
    # Malmö itself still reads it, under the person's consent.
    malmo = await p.clients["followup"].get(f"/cases/{case_id}/timeline")
    assert malmo.status_code == 200, malmo.text
    assert [e for e in malmo.json()["entries"] if e.get("reported_by") == "police"]


async def test_police_s_legal_basis_still_opens_police_s_own_threat_picture_to_malmo(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await known_case(p)  # received by Malmö (1280), responsible for it
    recorded = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "social", "organisation": MALMO}, ["threat"]),
        headers=p.auth("police-syd"),
    )
    assert recorded.status_code == 201, recorded.text

    async def threat_has_it() -> bool:
        return len(await _recorders(p, "threat", case_id)) == 1

    assert await wait_until(threat_has_it)
    assert await _recorders(p, "threat", case_id) == [("police", "polisen-region-syd")]
    assessed = await p.clients["threat"].post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high")
    )
    assert assessed.status_code == 201, assessed.text

    read = await p.get_as("social-malmo", "threat", f"/cases/{case_id}/threat-assessments")

    assert read.status_code == 200, read.text
    assert read.json(), "police's own threat assessment is opened to Malmö by police's basis"
