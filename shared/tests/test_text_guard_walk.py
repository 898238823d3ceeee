"""The guard's walk over a parsed body finds unstorable text however deep it lies.

The parser may accept a body nested nearly as deep as the recursion limit, and a
recursive walk of it, starting further down the stack, then overflows: a 500, or,
were that error taken for "nothing found", a NUL let through to the database.
"""

from __future__ import annotations

import sys
from typing import Any

from avhopp_shared.web.text_guard import _first_unstorable


def _nested(depth: int, innermost: Any) -> Any:
    value = innermost
    for _ in range(depth):
        value = [{"note": value}]
    return value


def test_a_nul_nested_far_deeper_than_the_recursion_limit_is_found() -> None:
    depth = 10 * sys.getrecursionlimit()

    path = _first_unstorable(_nested(depth, "a\x00b"))

    assert path == ["0", "note"] * depth


def test_the_first_unstorable_text_in_document_order_is_named() -> None:
    document = {
        "clean": [1, None, True, {"deep": ["fine", {}]}],
        "names": ["ok", {"given\x00name": "x"}, "\ud800"],
        "later": "\x00",
    }

    # A key holding NUL is named by the object it is in, never by its own text.
    assert _first_unstorable(document) == ["names", "1"]


def test_a_body_without_unstorable_text_has_none() -> None:
    assert _first_unstorable(_nested(5000, "plain")) is None
    assert _first_unstorable({"a": [], "b": {}, "c": 1.5}) is None
