"""How every service is served over HTTP, by the platform's process and by a service's own.

The request head (request line and header fields) has a limit as the body
has (``max_body_bytes``, 413 before it is read): without one, uvicorn's
default parser (httptools) buffered a head of any size, many megabytes, and
served the request. h11 holds at most ``MAX_REQUEST_HEAD_BYTES`` of a head it
has not yet seen the end of, then answers 400 and closes without serving (a
head that arrives whole in one read of the socket is parsed as it came, so
what is held stays bounded by the limit plus one read). The limit is far above
any head a client of the API sends (a bearer token, a traceparent, a purpose).
"""

from __future__ import annotations

from typing import Any

from avhopp_shared.settings import ServiceSettings

#: How much of an incomplete request head is held, in bytes.
MAX_REQUEST_HEAD_BYTES = 64 * 1024


def server_options(settings: ServiceSettings) -> dict[str, Any]:
    """uvicorn's options for serving one service (``uvicorn.Config``, ``uvicorn.run``)."""
    return {
        "host": settings.host,
        "port": settings.resolved_port,
        "log_config": None,
        "http": "h11",
        "h11_max_incomplete_event_size": MAX_REQUEST_HEAD_BYTES,
    }
