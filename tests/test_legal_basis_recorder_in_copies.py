"""A legal basis recorded after a transfer does not tell police where the case moved.

README, social services: where the case moves is ``protected_location``, and a
transfer and its destination never leave social services in an event. Only the
responsible municipality records a legal basis, so another agency's copy names the
recorder's agency alone (``copy_rules._recorder_as_agency``), which is all its gate
needs to know whose records the basis opens.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_access_grants import _legal_basis
from tests.test_responsibility_between_municipalities import _received_days_ago, _transfer
from tests.test_social_municipality import social_case

LUND = "1281"


async def test_a_legal_basis_recorded_by_the_municipality_a_case_moved_to_does_not_name_it_to_police(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    today = today_in_sweden()
    yesterday = today - timedelta(days=1)
    case_id = await social_case(p, received_at=_received_days_ago(3), consents=[])
    moved = await p.clients["social"].post(
        f"/cases/{case_id}/responsibility/transfers",
        json=_transfer(LUND, requested=yesterday, decided=yesterday, effective=today),
    )
    assert moved.status_code == 201, moved.text

    async def intake_knows() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(p.runtime("intake"), "access_responsibility_transfer", where) == 1

    assert await wait_until(intake_knows)
    recorded = await p.clients["intake"].post(
        f"/cases/{case_id}/legal-bases",
        json=_legal_basis({"agency": "police"}, ["case_ref"]),
        headers=p.auth("social-lund"),
    )
    assert recorded.status_code == 201, recorded.text

    async def threat_has_it() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(p.runtime("threat"), "access_legal_basis", where) == 1

    assert await wait_until(threat_has_it)
    async with p.runtime("threat").engine.connect() as connection:
        kept = (
            await connection.execute(
                text(
                    "SELECT granted_by_agency, granted_by_organisation FROM access_legal_basis "
                    "WHERE case_id = :case_id"
                ),
                {"case_id": case_id},
            )
        ).one()
    async with p.runtime("intake").engine.connect() as connection:
        copies = (
            await connection.execute(
                text("SELECT payload FROM outbox WHERE topic LIKE 'avhopp.for-police.%'")
            )
        ).all()
    police_copies = [
        json.loads(bytes(c.payload) if not isinstance(c.payload, str) else c.payload)
        for c in copies
    ]
    basis = [
        c["data"]
        for c in police_copies
        if c["type"] == "case.legal_basis_recorded" and c["subject"] == case_id
    ]
    assert len(basis) == 1, "police get the legal basis"
    # The destination of the transfer never reaches police in an event ...
    assert (basis[0].get("granted_by") or {}).get("organisation") != LUND, basis[0]
    assert kept.granted_by_organisation != LUND, tuple(kept)
    # ... while the basis still opens social services' records to police there.
    assert kept.granted_by_agency == "social", tuple(kept)
