"""Bad input gets a clear RFC 9457 answer naming the field, and stores nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform
from tests.test_social_municipality import born_on

PROBLEM = "application/problem+json"


def _named_fields(response_json: dict[str, object]) -> set[str]:
    params = response_json["invalid-params"]
    assert isinstance(params, list)
    return {param["name"] for param in params}


async def _nothing_stored(platform: RunningPlatform) -> bool:
    intake = platform.runtime("intake")
    return await count_rows(intake, "intake_case") == 0 and await count_events(intake) == 0


async def test_a_missing_field_is_named_in_a_422_problem(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(3))
    del body["referral_source"]

    response = await embedded_platform.submit(body)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert problem["type"].endswith("/validation-error")
    assert _named_fields(problem) == {"referral_source"}
    assert "referral_source" in problem["detail"]
    assert await _nothing_stored(embedded_platform)


@pytest.mark.parametrize(
    "number",
    ["198112189877", "19811318-9876", "abc", "811218987"],
    ids=["wrong-check-digit", "no-such-month", "letters", "too-short"],
)
async def test_an_invalid_personal_identity_number_is_rejected_by_field_name(
    embedded_platform: RunningPlatform, number: str
) -> None:
    body = application_body(random.Random(4))
    body["applicant"]["personal_identity_number"] = number

    response = await embedded_platform.submit(body)

    assert response.status_code == 422
    assert _named_fields(response.json()) == {"applicant.personal_identity_number"}
    assert response.json()["invalid-params"][0]["pointer"] == "#/applicant/personal_identity_number"
    # The rejected number is personal data: it is not echoed back.
    assert number not in response.text
    assert await _nothing_stored(embedded_platform)


async def test_a_co_ordination_number_is_accepted(embedded_platform: RunningPlatform) -> None:
    body = application_body(random.Random(5))
    body["applicant"]["personal_identity_number"] = "701063-2391"  # day 10 + 60

    response = await embedded_platform.submit(body)

    assert response.status_code == 201, response.text
    assert response.json()["applicant"]["personal_identity_number"] == "197010632391"
    assert response.json()["applicant"]["birth_date"] == "1970-10-03"


@pytest.mark.parametrize(
    "born",
    # A callable, so "tomorrow" is the day after the test runs, not after collection.
    [lambda: date(2099, 12, 31), lambda: today_in_sweden() + timedelta(days=1)],
    ids=["in-2099", "tomorrow-in-sweden"],
)
async def test_an_identity_number_born_in_the_future_is_refused_by_field_name(
    embedded_platform: RunningPlatform, born: Callable[[], date]
) -> None:
    body = application_body(random.Random(7))
    body["applicant"]["personal_identity_number"] = born_on(born())

    response = await embedded_platform.submit(body)

    assert response.status_code == 422, response.text
    assert _named_fields(response.json()) == {"applicant.personal_identity_number"}
    assert await _nothing_stored(embedded_platform)


async def test_a_ten_digit_number_dated_later_this_year_is_a_birth_a_century_ago(
    embedded_platform: RunningPlatform,
) -> None:
    # With "-" the person is under 100: a day to come this year is 99 years old.
    born = today_in_sweden() + timedelta(days=3)
    body = application_body(random.Random(8))
    full = born_on(born)
    body["applicant"]["personal_identity_number"] = f"{full[2:8]}-{full[8:]}"

    response = await embedded_platform.submit(body)

    assert response.status_code == 201, response.text
    century_ago = born.replace(year=born.year - 100)
    assert response.json()["applicant"]["birth_date"] == century_ago.isoformat()
    assert (
        response.json()["applicant"]["personal_identity_number"] == f"{born.year - 100}" + full[4:]
    )


async def test_an_identity_number_in_other_digits_is_refused_and_opens_no_second_case(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(12))
    first = await embedded_platform.submit(body)
    number = body["applicant"]["personal_identity_number"]
    arabic_indic = number.translate(
        str.maketrans("0123456789", "".join(map(chr, range(0x0660, 0x066A))))
    )
    again = {**body, "applicant": {**body["applicant"], "personal_identity_number": arabic_indic}}

    second = await embedded_platform.submit(again)

    assert first.status_code == 201, first.text
    # Stored as sent, the same person would count as two and never be linked.
    assert second.status_code == 422, second.text
    assert _named_fields(second.json()) == {"applicant.personal_identity_number"}
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 1


async def test_unknown_values_and_future_dates_are_named(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(
        random.Random(6),
        channel="fax",
        applied_for=[],
        received_at="2999-01-01T00:00:00+00:00",
    )

    response = await embedded_platform.submit(body)

    assert response.status_code == 422
    assert _named_fields(response.json()) == {"channel", "applied_for", "received_at"}


async def test_a_body_that_is_not_json_gets_a_422_problem_naming_the_body_not_a_field(
    embedded_platform: RunningPlatform,
) -> None:
    response = await embedded_platform.clients["intake"].post(
        "/applications",
        content=b'{"channel": "letter",',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"], param["pointer"]) == ("body", "body", "#")
    assert param["reason"].startswith("the body is not valid JSON at character ")
    assert await _nothing_stored(embedded_platform)


@pytest.mark.parametrize(
    "body",
    [
        b'{"channel": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        b'{"channel": ' + b"9" * 5000 + b"}",
        b'{"channel": "l\xe4tter"}',
    ],
    ids=["nested-1000-deep", "a-5000-digit-number", "not-utf-8"],
)
async def test_a_body_the_json_parser_gives_up_on_gets_the_documented_400_naming_the_body(
    embedded_platform: RunningPlatform, body: bytes
) -> None:
    response = await embedded_platform.clients["intake"].post(
        "/applications", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    [param] = response.json()["invalid-params"]
    assert (param["name"], param["in"]) == ("body", "body")
    assert param["reason"].startswith("the body could not be read as JSON")
    assert await _nothing_stored(embedded_platform)


async def test_an_oversized_body_gets_413_before_it_is_read(
    embedded_platform: RunningPlatform,
) -> None:
    limit = embedded_platform.settings["intake"].max_body_bytes
    body = application_body(random.Random(7), summary="x" * (limit + 1))

    response = await embedded_platform.submit(body)

    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 413
    assert await _nothing_stored(embedded_platform)


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("intake", "/cases/{id}"),
        ("social", "/cases/{id}/investigation"),
        ("threat", "/cases/{id}/threat-assessment-task"),
        ("followup", "/cases/{id}/timeline"),
    ],
)
async def test_an_unknown_case_is_a_404_problem(
    embedded_platform: RunningPlatform, service: str, path: str
) -> None:
    response = await embedded_platform.clients[service].get(path.format(id="no-such-case"))

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == 404
    assert response.json()["instance"] == path.format(id="no-such-case")


async def test_a_retried_request_with_the_same_idempotency_key_opens_one_case(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(8))
    headers = {"Idempotency-Key": "police-system-req-0001"}
    intake = embedded_platform.clients["intake"]

    first = await intake.post("/applications", json=body, headers=headers)
    second = await intake.post("/applications", json=body, headers=headers)

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["case_id"] == first.json()["case_id"]
    runtime = embedded_platform.runtime("intake")
    assert await count_rows(runtime, "intake_case") == 1
    assert await count_events(runtime, "WHERE event_type = 'case.application_received'") == 1


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/applications", "POST"),
        # Two routes share this path: the answer lists the methods of both, and HEAD
        # wherever GET is (RFC 9110, section 9.1).
        ("/cases/some-case/consents", "GET, HEAD, POST"),
    ],
)
async def test_a_method_the_path_does_not_take_is_a_405_problem_that_names_the_allowed_ones(
    embedded_platform: RunningPlatform, path: str, allowed: str
) -> None:
    response = await embedded_platform.clients["intake"].delete(path)

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["allow"] == allowed


async def test_an_empty_idempotency_key_is_a_422_naming_the_header(
    embedded_platform: RunningPlatform,
) -> None:
    intake = embedded_platform.clients["intake"]
    body = application_body(random.Random(9))

    response = await intake.post("/applications", json=body, headers={"Idempotency-Key": ""})

    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid-params"]] == ["Idempotency-Key"]
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 0


async def test_a_retry_by_a_referrer_who_may_see_nothing_gets_the_first_answer_not_a_404(
    embedded_platform: RunningPlatform,
) -> None:
    # Police refer a person who has given no consent: the answer withholds
    # every category, and the retry must say the same, not that nothing exists.
    body = {**application_body(random.Random(11)), "consents": [], "municipality": "1280"}
    headers = {**embedded_platform.auth("police-syd"), "Idempotency-Key": "police-req-0077"}
    intake = embedded_platform.clients["intake"]

    first = await intake.post("/applications", json=body, headers=headers)
    retry = await intake.post("/applications", json=body, headers=headers)

    assert first.status_code == 201, first.text
    assert retry.status_code == 200, retry.text
    assert retry.json() == first.json()
    # The case id is withheld from them, in the Location header as in the body.
    assert "location" not in first.headers and "location" not in retry.headers
    assert await count_rows(embedded_platform.runtime("intake"), "intake_case") == 1
