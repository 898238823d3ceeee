"""W3C Trace Context carried from the HTTP request (or consumed event) into emitted events."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
#: W3C Trace Context 3.2.2.3 and 3.2.2.4: an id of all zeros is invalid.
_ZERO_TRACE_ID = "0" * 32
_ZERO_PARENT_ID = "0" * 16

#: Vendor data of the trace (W3C Trace Context 3.3): list members, printable ASCII,
#: separated by "," and optional whitespace, which is spaces and horizontal tabs
#: (3.3.1, RFC 9110 5.6.3); at most 512 characters as passed on (3.3.1.5 lets a
#: vendor drop a longer one).
_TRACESTATE = re.compile(r"^[\x20-\x7e\t]{1,512}$")

current_traceparent: ContextVar[str | None] = ContextVar("current_traceparent", default=None)
current_tracestate: ContextVar[str | None] = ContextVar("current_tracestate", default=None)


@contextmanager
def continued(traceparent: str | None, tracestate: str | None) -> Iterator[None]:
    """Within the block, what is emitted or logged carries a new span of the incoming
    trace (``child_of``) and its ``tracestate``, which a receiver MUST send on with
    what it causes (W3C Trace Context 3.5). A tracestate goes only with the trace it
    came with: under a traceparent that is not valid, whose trace is replaced by a new
    one, it is dropped, as it is when it is not a header value the recommendation allows."""
    kept = _valid_traceparent(traceparent) is not None
    state = (tracestate or "").strip(" \t")
    parent_token = current_traceparent.set(child_of(traceparent))
    state_token = current_tracestate.set(
        state if kept and _TRACESTATE.match(state) is not None else None
    )
    try:
        yield
    finally:
        current_tracestate.reset(state_token)
        current_traceparent.reset(parent_token)


def child_of(traceparent: str | None) -> str:
    """A new span id under the incoming trace, or a new trace when there is none (or it is not valid)."""
    match = _valid_traceparent(traceparent)
    trace_id = match.group(1) if match else secrets.token_hex(16)
    flags = match.group(3) if match else "01"
    return f"00-{trace_id}-{secrets.token_hex(8)}-{flags}"


def trace_id_of(traceparent: str | None) -> str | None:
    match = _valid_traceparent(traceparent)
    return match.group(1) if match else None


def _valid_traceparent(traceparent: str | None) -> re.Match[str] | None:
    """The parts of a traceparent the recommendation lets a receiver continue, or None.

    Version 00 only: version ff is invalid (W3C Trace Context 3.2.2.1), and so is
    an all-zero trace-id or parent-id (3.2.2.3, 3.2.2.4); such a traceparent MUST
    be ignored and a new trace started, as one that does not parse is."""
    match = _TRACEPARENT.match(traceparent or "")
    if match is None or match.group(1) == _ZERO_TRACE_ID or match.group(2) == _ZERO_PARENT_ID:
        return None
    return match
