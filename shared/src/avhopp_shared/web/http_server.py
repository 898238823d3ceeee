"""How every service is served over HTTP, by the platform's process and by a service's own.

The request head (request line and header fields) has a limit as the body
has (``max_body_bytes``, 413 before it is read): without one, uvicorn's
default parser (httptools) buffered a head of any size, many megabytes, and
served the request. h11 holds at most ``MAX_REQUEST_HEAD_BYTES`` of a head it
has not yet seen the end of, then answers 400 and closes without serving (a
head that arrives whole in one read of the socket is parsed as it came, so
what is held stays bounded by the limit plus one read). The limit is far above
any head a client of the API sends (a bearer token, a traceparent, a purpose).

That 400, and the one for a head h11 cannot parse, is answered by the server
before any app sees a request; uvicorn's own is text/plain, so the protocol
here answers it as every error is answered, an RFC 9457 problem document
(README, "Errors").
"""

from __future__ import annotations

import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

from avhopp_shared.settings import ServiceSettings
from avhopp_shared.web.problems import PROBLEM_JSON, problem_body

#: How much of an incomplete request head is held, in bytes.
MAX_REQUEST_HEAD_BYTES = 64 * 1024

#: The detail of that 400: h11 tells a head too long from a malformed one only in its message.
_UNREADABLE_HEAD = (
    "the request line and header fields could not be read: malformed, or more than "
    f"{MAX_REQUEST_HEAD_BYTES // 1024} KiB of them held without their end"
)


class ProblemH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering a request head it cannot read with problem+json."""

    def send_400_response(self, msg: str) -> None:
        # No request was read, so there is no path to name as the instance. The
        # connection is closed after it, as uvicorn's own 400 closes it: the
        # rest of what the client sends cannot be told from a next request.
        content = json.dumps(
            problem_body(400, "bad-request", "Bad request", None, _UNREADABLE_HEAD)
        ).encode()
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(content)).encode()),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=STATUS_PHRASES[400]),
            h11.Data(data=content),
            h11.EndOfMessage(),
        ):
            output = self.conn.send(event)
            if output:
                self.transport.write(output)
        self.transport.close()


def server_options(settings: ServiceSettings) -> dict[str, Any]:
    """uvicorn's options for serving one service (``uvicorn.Config``, ``uvicorn.run``)."""
    return {
        "host": settings.host,
        "port": settings.resolved_port,
        "log_config": None,
        "http": ProblemH11Protocol,
        "h11_max_incomplete_event_size": MAX_REQUEST_HEAD_BYTES,
    }
