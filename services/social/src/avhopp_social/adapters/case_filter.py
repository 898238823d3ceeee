"""A listing narrowed to some cases: a predicate on the listed table's case id column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement

CaseFilter = Callable[[Any], ColumnElement[bool]]
