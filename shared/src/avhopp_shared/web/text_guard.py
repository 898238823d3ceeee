"""Text that cannot be stored or answered is refused at the door (422), whichever database is behind.

Two kinds of character qualify:

- NUL (U+0000): PostgreSQL cannot store it in text; SQLite can. Left to the
  database, the same request opened a case on the embedded platform and was
  answered 503 on the scaled-out one, an infrastructure fault with "retry
  later", where the request itself is at fault and a retry can never succeed.
- A lone surrogate (U+D800 to U+DFFF without its pair): it is no character at
  all and has no UTF-8 form. Stored, it made the write's own answer, and every
  later read of the resource, fail to encode: a 500 after the commit.

JSON can carry either only as an escape (``\\u0000``, ``\\ud800``; raw bytes
of a surrogate are not UTF-8 and fail the route's own parsing), so a body
without such an escape is passed on as it came, without being parsed twice.

That holds for UTF-8 only, and the route's parser (``json.loads`` on bytes)
also reads UTF-16 and UTF-32, where the escape is written in other bytes. A
body in either is refused here as not UTF-8, the 400 a body the parser gives
up on gets (README, "Errors"): JSON exchanged between systems is UTF-8 (RFC
8259, section 8.1), and this guard then sees every escape the route would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from avhopp_shared.web.problems import (
    body_pointer,
    invalid_input_body,
    send_problem,
    unreadable_body,
)

NUL = "\x00"
#: A NUL, or a surrogate code point (paired ones are joined into one character by the JSON parser).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: The escapes that can put one of them in a JSON text.
_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")
_QUERY_NUL = b"%00"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
#: What ``json.detect_encoding`` calls UTF-8, with or without a byte order mark
#: (which RFC 8259 lets a parser ignore, and the route's parser does).
_UTF8 = frozenset({"utf-8", "utf-8-sig"})


class TextGuard:
    """ASGI middleware: 422 naming where unstorable text was found (path, query parameter, body field).

    Runs inside the body-size limit, which bounds what it buffers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = _in_path(scope) or _in_query(scope)
        if found is not None:
            await _refuse(scope, send, *found)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        body, tail = await _read_body(receive)
        if json.detect_encoding(body) not in _UTF8:
            # The parser's own choice of encoding, by the byte order mark or the
            # NUL bytes among the first four: what it would read as UTF-16 or 32.
            why = "not UTF-8: it begins as UTF-16 or UTF-32 text does"
            await send_problem(send, unreadable_body(_instance(scope), why))
            return
        if _ESCAPE.search(body) is not None:
            field = _in_json(body)
            if field is not None:
                await _refuse(scope, send, *field)
                return
        await self.app(scope, _replay(body, tail, receive), send)


def _in_path(scope: Scope) -> tuple[str, str, str] | None:
    return ("path", "path", "") if NUL in scope.get("path", "") else None


def _in_query(scope: Scope) -> tuple[str, str, str] | None:
    raw: bytes = scope.get("query_string", b"")
    if _QUERY_NUL not in raw:
        return None  # the query can carry the character only percent-encoded
    query = raw.decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if NUL in name or NUL in value:
            return name.replace(NUL, ""), "query", ""
    return None


def _in_json(body: bytes) -> tuple[str, str, str] | None:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # Not JSON, or nested deeper than the parser goes: the route's own
        # parsing answers for it. It parses with the same parser further down
        # this very stack, so a body too deep here is too deep there (a 400)
        # and never reaches the database unchecked.
        return None
    path = _first_unstorable(document)
    if path is None:
        return None  # the escape was part of other text (a backslash, then "u0000"), or a pair
    return ".".join(path) or "body", "body", body_pointer(path)


def _first_unstorable(document: Any) -> list[str] | None:
    """The path to the first string holding unstorable text, or to the map with
    the first key holding it, in document order.

    Iterative: a body the parser accepted may still nest deeper than the
    recursion left to walk it, and whatever it holds must be found.
    """
    path: list[str] = []
    # One iterator over (key, item) per container entered; ``path`` holds the
    # key of the item being looked at in each.
    levels: list[Iterator[tuple[str, Any]]] = []
    value = document
    while True:
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                return list(path)
        elif isinstance(value, dict):
            if any(_UNSTORABLE.search(key) for key in value):
                # A refused key is named by its map, never by its own text, which
                # is the caller's (a place name, say) and is not echoed (README,
                # "Errors"; as ``problems._invalid_params`` names one): at the top
                # level, the map is the body.
                return list(path)
            levels.append(iter(value.items()))
            path.append("")
        elif isinstance(value, list):
            levels.append((str(index), item) for index, item in enumerate(value))
            path.append("")
        while levels:  # on to the next item, leaving the containers that are done
            step = next(levels[-1], None)
            if step is not None:
                path[-1], value = step
                break
            levels.pop()
            path.pop()
        else:
            return None


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body, and any message after it (a disconnect) to hand on."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), [message]
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), []


def _replay(body: bytes, tail: list[Message], receive: Receive) -> Receive:
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}, *tail]

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def _refuse(scope: Scope, send: Send, name: str, where: str, pointer: str) -> None:
    reason = (
        "text may not contain the NUL character (U+0000) or an unpaired surrogate (U+D800-U+DFFF)"
    )
    param = {"name": name, "in": where, "pointer": pointer, "reason": reason}
    await send_problem(send, invalid_input_body(_instance(scope), [param]))


def _instance(scope: Scope) -> str:
    path: str = scope.get("path", "")
    return path.replace(NUL, "")
