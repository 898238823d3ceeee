"""Listings that filter only on what the caller may see, in pages that stay full.

A filter tells whoever reads the answer the filtered field's value for every
item listed: a case listed under ``?level=high`` has a high threat level even
when the level itself is withheld from the item. Every field belongs to one
category and what is not allowed is denied (ACCESS.md, "Data categories" and
"Baseline matrix"), so an item matches a filter only when the category of the
filtered field is disclosed to the caller for that very item; otherwise it is
left out, whatever its value. The same holds for a listing that is itself a
filter (overdue meetings, aid about to expire) and for the order a listing is
sorted in: an item in a list sorted by a field tells where its value lies
among the others'.

The database still narrows by the filter (an item whose value does not match
could never be listed); the gate then decides item by item, and the page is
cut from what is left. ``offset`` counts and ``limit`` caps the items the
caller is shown, never rows: a page is short only at the end of the listing,
and how many items were passed over on the way does not show in it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from avhopp_shared.access.categories import Category
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.web.disclosure import Access

Row = TypeVar("Row")

#: The most rows read and decided at once while looking for a page's items.
MAX_BATCH = 500


async def disclosed_page(
    access: Access,
    fetch: Callable[[int, int], Awaitable[Sequence[Row]]],
    public: Callable[[Row], tuple[str, BaseModel]],
    *,
    limit: int,
    offset: int,
    filtered_on: Iterable[Category] = (),
    owner: Owner | None = None,
    belongs: Callable[[Row], Awaitable[bool]] | None = None,
) -> list[Disclosure]:
    """The page of the listing at ``offset``: at most ``limit`` items, each disclosed.

    ``fetch(limit, offset)`` reads the listing's rows in its order, narrowed by
    its filters; ``public`` makes the (case id, public model) of a row.
    ``filtered_on`` names the category of every field the listing is filtered
    or sorted on: an item is listed only if each of them is disclosed for it.
    An item the caller may see nothing of is never listed. ``owner`` holds
    the rows when they are copies another agency sent (``Access.disclose_each``).
    ``belongs`` (optional) says of a row the database read whether it is in the
    listing for this caller at all: a worklist of cases still followed up holds a
    case police completed only for a reader who may not see that end.

    Rows are decided first without disclosing anything (``Access.decide_each``);
    only the page's items are then disclosed, and so audited. Should a
    decision change in between (a consent withdrawn at that very moment), the
    later one holds and the item is left out.
    """
    required = frozenset(str(category) for category in filtered_on)

    def shown(disclosure: Disclosure) -> bool:
        return not disclosure.nothing and required <= disclosure.disclosed

    chosen: list[tuple[str, BaseModel]] = []
    to_skip, read = offset, 0
    size = min(offset + limit, MAX_BATCH)
    while len(chosen) < limit:
        rows = await fetch(size, read)
        items = [public(row) for row in rows if belongs is None or await belongs(row)]
        for item, decided in zip(items, await access.decide_each(items, owner=owner), strict=True):
            if not shown(decided):
                continue
            if to_skip:
                to_skip -= 1
                continue
            chosen.append(item)
            if len(chosen) == limit:
                break
        read += len(rows)
        if len(rows) < size:
            break
        size = min(size * 2, MAX_BATCH)
    if not chosen:
        return []
    return [d for d in await access.disclose_each(chosen, owner=owner) if shown(d)]
