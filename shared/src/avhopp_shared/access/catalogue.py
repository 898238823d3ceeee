"""The field catalogue: which category each field of each public model belongs to.

Kept as data in ``policies/data/catalogue.json`` (``{"catalogue": {model:
{field: category}}}``) beside the matrix, so both change together. A field of
a nested model is classified by the nested model's own entries; a field the
catalogue does not know is never disclosed (and a test fails on it).

A model whose entries are ``{"$category": "<field>"}`` is classified item by
item: each instance belongs, all its fields, to the category its ``<field>``
names (a timeline's entries: one is a threat level change, the next a
decision). A value that names no category is never disclosed.

A field is classified under one of ACCESS.md's categories or under a part of
one (``Part``), which is disclosed or withheld by its own row of the matrix.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from avhopp_shared.access.categories import Category, Part
from avhopp_shared.policy.bundle import policies_dir


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``X``, ``X | None`` or ``list[X]``, if there is one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = nested_model(argument)
            if found is not None:
                return found
    return None


#: The catalogue key of a model classified item by item (see the module's doc).
BY_ITEM = "$category"

#: What a field is classified under: a category, or a part of one.
Classification = Category | Part


def classification(value: str) -> Classification:
    """The category or part ``value`` names; ValueError when it names neither."""
    try:
        return Category(value)
    except ValueError:
        return Part(value)


@dataclass(frozen=True, slots=True)
class _Field:
    """What the catalogue says of one field: its category (None: none) and the
    model nested in it, if any."""

    category: Classification | None
    inner: type[BaseModel] | None


class Catalogue:
    def __init__(self, entries: Mapping[str, Mapping[str, str]]) -> None:
        self._entries = {
            model: {name: classification(category) for name, category in fields.items()}
            for model, fields in entries.items()
            if BY_ITEM not in fields
        }
        self._by_item = {
            model: fields[BY_ITEM] for model, fields in entries.items() if BY_ITEM in fields
        }
        # Per model class, built on first use: every disclosure walks its
        # model's fields, and the annotations and entries never change.
        self._plans: dict[type[BaseModel], dict[str, _Field]] = {}

    def _plan(self, model: type[BaseModel]) -> dict[str, _Field]:
        plan = self._plans.get(model)
        if plan is None:
            entries = self._entries.get(model.__name__, {})
            # Entries the model has no field for (a computed field) are classified too.
            plan = {name: _Field(category, None) for name, category in entries.items()}
            for name, info in model.model_fields.items():
                plan[name] = _Field(entries.get(name), nested_model(info.annotation))
            self._plans[model] = plan
        return plan

    def _item_category(
        self, model: type[BaseModel], data: Mapping[str, Any]
    ) -> Classification | None:
        value = data.get(self._by_item[model.__name__])
        try:
            return classification(value) if isinstance(value, str) else None
        except ValueError:
            return None

    @classmethod
    def load(cls, path: Path | None = None) -> Catalogue:
        """``path``, or ``data/catalogue.json`` of the policies folder (``policies_dir``)."""
        path = path or catalogue_path()
        return cls(json.loads(path.read_text())["catalogue"])

    def category_of(self, model: type[BaseModel], field: str) -> Classification | None:
        return self._entries.get(model.__name__, {}).get(field)

    def unclassified(self, model: type[BaseModel]) -> Iterator[str]:
        """``Model.field`` of every field, nested ones included, that has no category."""
        if model.__name__ in self._by_item:
            return
        for name, info in model.model_fields.items():
            inner = nested_model(info.annotation)
            if inner is not None:
                yield from self.unclassified(inner)
            elif self.category_of(model, name) is None:
                yield f"{model.__name__}.{name}"

    def categories_in(self, model: type[BaseModel], data: Mapping[str, Any]) -> set[Classification]:
        """The categories of the fields present in ``data`` (a dump of ``model``)."""
        if model.__name__ in self._by_item:
            own = self._item_category(model, data)
            return {own} if own is not None else set()
        found: set[Classification] = set()
        plan = self._plan(model)
        for name, value in data.items():
            entry = plan.get(name)
            if entry is None:
                continue
            if entry.category is not None:
                found.add(entry.category)
            if entry.inner is not None:
                for item in _items(value):
                    found |= self.categories_in(entry.inner, item)
        return found

    def keep(
        self, model: type[BaseModel], data: Mapping[str, Any], allowed: set[str]
    ) -> dict[str, Any]:
        """``data`` without the fields outside ``allowed``: omitted, never nulled.

        A nested model's fields are filtered one by one; where the catalogue also
        gives the nesting field itself a category, that category must be allowed
        for the field to appear at all.
        """
        if model.__name__ in self._by_item:
            own = self._item_category(model, data)
            return dict(data) if own is not None and own in allowed else {}
        kept: dict[str, Any] = {}
        plan = self._plan(model)
        for name, value in data.items():
            entry = plan.get(name)
            if entry is None:
                continue
            inner = entry.inner
            if inner is not None:
                if entry.category is not None and entry.category not in allowed:
                    # A nested field with a category of its own is there only if
                    # that category is: even an empty list or a null says something.
                    continue
                if isinstance(value, list):
                    items = [self.keep(inner, item, allowed) for item in value]
                    # An item withheld whole (classified by item) leaves no trace.
                    kept[name] = [item for item in items if item]
                elif isinstance(value, Mapping):
                    part = self.keep(inner, value, allowed)
                    if part:
                        kept[name] = part
                elif value is None:
                    kept[name] = None
                continue
            if entry.category is not None and entry.category in allowed:
                kept[name] = value
        return kept


def _items(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def catalogue_path(directory: Path | None = None) -> Path:
    """The catalogue in ``directory`` or, without one, in the process's policies folder."""
    return policies_dir(directory) / "data" / "catalogue.json"


@cache
def platform_catalogue(directory: Path | None = None) -> Catalogue:
    """The catalogue beside the policies the engine evaluates: ``directory`` (a
    service's ``policies_dir`` setting) or, without one, ``AVHOPP_POLICIES_DIR``
    or the repository's ``policies/`` (``policy.bundle.policies_dir``). A
    catalogue from another folder than the matrix would classify fields the
    matrix does not know."""
    return Catalogue.load(catalogue_path(directory))
