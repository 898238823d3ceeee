"""Every point in time a client sends carries its offset and names a moment the platform can hold.

The platform keeps every moment in UTC. A time without an offset, or one that
leaves datetime's years once turned into UTC (``9999-12-31T23:00-14:00`` is
year 10000 in UTC, ``0001-01-01T00:00+14:00`` year 0), used to pass
validation and fail on its way into the database: a 503 with Retry-After, so
the client retried a request that could never succeed. Each is a 422 naming
the field, and nothing is recorded.
"""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from pydantic import ValidationError

from tests.fixtures.database import count_rows
from tests.fixtures.people import POLICE_CONSENT, application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_request_dates import DATE_FIELDS

NO_OFFSET = ["2026-03-01T10:00:00", "2026-03-01"]
BEYOND_UTC = ["9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+14:00"]
OUT_OF_RANGE = ["1899-12-31T23:59:59+00:00", "3000-01-01T00:00:00+00:00", "9999-12-31T23:59:59Z"]
REFUSED = NO_OFFSET + BEYOND_UTC + OUT_OF_RANGE


#: Every date-time field of every request body of the four services.
DATE_TIME_FIELDS = {
    name: adapter for name, (adapter, kind) in DATE_FIELDS.items() if kind is datetime
}


def test_the_request_bodies_have_date_time_fields_to_check() -> None:
    assert {
        "ApplicationCreate.received_at",
        "ConsentCreate.valid_from",
        "ConsentCreate.valid_to",
        "LegalBasisIn.valid_to",
    } <= set(DATE_TIME_FIELDS)


@pytest.mark.parametrize("field", sorted(DATE_TIME_FIELDS))
def test_a_date_time_field_refuses_a_time_without_offset_or_beyond_the_platforms_range(
    field: str,
) -> None:
    adapter = DATE_TIME_FIELDS[field]
    refused = []
    for value in REFUSED:
        try:
            adapter.validate_python(value)
        except ValidationError:
            refused.append(value)

    assert refused == REFUSED
    # The edges of the range, at any offset, are still taken.
    for taken in ("1900-01-01T01:00:00+01:00", "2999-12-31T23:59:59+00:00"):
        assert adapter.validate_python(taken) is not None


@pytest.mark.parametrize("value", NO_OFFSET + BEYOND_UTC)
async def test_a_legal_basis_end_without_offset_or_beyond_utc_is_a_422_not_a_503(
    embedded_platform: RunningPlatform, value: str
) -> None:
    case_id = (await embedded_platform.submit(application_body(consents=[]))).json()["case_id"]
    body = {
        "reference": "10 kap. 18 a § OSL",
        "recipient": {"agency": "police"},
        "categories": ["case_ref"],
        "note": "Needed to prevent a serious crime against the person",
        "valid_to": value,
    }

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/legal-bases", json=body
    )

    assert response.status_code == 422, response.text
    assert "retry-after" not in response.headers
    assert [p["name"] for p in response.json()["invalid-params"]] == ["valid_to"]
    recorded = await count_rows(
        embedded_platform.runtime("intake"), "access_legal_basis", f"WHERE case_id = '{case_id}'"
    )
    assert recorded == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("valid_to", BEYOND_UTC[0]), ("valid_from", BEYOND_UTC[1])],
)
async def test_a_consent_time_beyond_utc_is_a_422_naming_the_field_not_a_503(
    embedded_platform: RunningPlatform, field: str, value: str
) -> None:
    case_id = (await embedded_platform.submit(application_body(consents=[]))).json()["case_id"]

    response = await embedded_platform.clients["intake"].post(
        f"/cases/{case_id}/consents", json={**POLICE_CONSENT, field: value}
    )

    assert response.status_code == 422, response.text
    assert [p["name"] for p in response.json()["invalid-params"]] == [field]


async def test_an_application_received_at_a_time_beyond_utc_is_a_422_and_opens_no_case(
    embedded_platform: RunningPlatform,
) -> None:
    before = await count_rows(embedded_platform.runtime("intake"), "intake_case")

    response = await embedded_platform.submit(
        application_body(random.Random(), received_at=BEYOND_UTC[1])
    )

    assert response.status_code == 422, response.text
    assert [p["name"] for p in response.json()["invalid-params"]] == ["received_at"]
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == before
