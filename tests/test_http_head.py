"""HEAD is answered wherever GET is (RFC 9110, 9.1 and 9.3.2): as GET would, without content.

Load balancers and monitors probe with HEAD. The disclosure gate already reads
a HEAD of a case as a read of it, audited as a GET is.
"""

from __future__ import annotations

from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform


async def test_head_is_answered_wherever_get_is_with_the_headers_of_get_and_no_content(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = (await p.submit(application_body())).json()["case_id"]

    for path in ("/healthz", "/readyz", f"/cases/{case_id}"):
        got = await p.clients["intake"].get(path)
        head = await p.clients["intake"].head(path)

        assert head.status_code == got.status_code == 200, (path, head.status_code, head.headers)
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-length"] == str(len(got.content)), path


async def test_a_head_of_a_case_nobody_may_see_is_the_404_of_a_get_without_content(
    embedded_platform: RunningPlatform,
) -> None:
    head = await embedded_platform.clients["intake"].head("/cases/no-such-case")

    assert head.status_code == 404
    assert head.headers["content-type"] == "application/problem+json"
    assert head.content == b""


async def test_allow_lists_head_wherever_get_is_and_the_document_has_no_head_operations(
    embedded_platform: RunningPlatform,
) -> None:
    client = embedded_platform.clients["intake"]

    refused = await client.delete("/cases/some-case/consents")
    posted_only = await client.head("/applications")
    document = (await client.get("/openapi.json")).json()

    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, POST"
    assert (posted_only.status_code, posted_only.headers["allow"]) == (405, "POST")
    assert posted_only.content == b""
    assert not [path for path, ops in document["paths"].items() if "head" in ops]
