"""Reads one case's access state in one query, for the gate's rare cache misses.

The consents, team, legal bases, break-glass grants, disclosure decisions,
threat level and holds (``state_hold``) of a case come back as the rows of one
``UNION ALL`` over the seven tables, each table's columns put
in the place of the shared column that holds them (null where a table has
none), instead of one query per table: a miss happens on the first read of a
case and after every change to it, so on a busy event path it is frequent.
The same statement runs on SQLite and PostgreSQL (nulls are cast to the
column's type so that PostgreSQL can match the branches).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    cast,
    column,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Row
from sqlalchemy.sql import Executable
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.access.policy_input import AccessState
from avhopp_shared.access.state_hold import AccessStateHoldRow, held_state
from avhopp_shared.access.tables import (
    BreakGlassRow,
    ConsentGrantRow,
    DisclosureDecisionRow,
    LegalBasisRow,
    TeamMemberRow,
    ThreatLevelRow,
)
from avhopp_shared.db.types import UtcDateTime

#: The shared columns, with the type each has in every branch.
_COLUMNS: dict[str, Any] = {
    "id": String(),
    "status": String(),
    "recipients": JSON(),
    "categories": JSON(),
    "purposes": JSON(),
    "valid_from": UtcDateTime(),
    "valid_to": UtcDateTime(),
    "withdrawn_at": UtcDateTime(),
    "agency": String(),
    "organisation": String(),
    "user": String(),
    "reference": String(),
    "review_required": Boolean(),
    "approved_by": String(),
    "approved_at": UtcDateTime(),
    "added_at": UtcDateTime(),
}


def _branch(kind: str, table: Table, own: dict[str, str]) -> Select[Any]:
    """``table``'s rows of the case as the shared columns; ``own``: shared name → its column."""
    values: list[ColumnElement[Any]] = [literal(kind, String()).label("kind")]
    for name, type_ in _COLUMNS.items():
        column = own.get(name)
        value = cast(null(), type_) if column is None else table.c[column]
        values.append(value.label(name))
    return select(*values).where(table.c.case_id == bindparam("case_id"))


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


def _table(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


@cache
def _query() -> Executable:
    query = union_all(
        _branch(
            "consent",
            _table(ConsentGrantRow),
            {"id": "consent_id"}
            | _same("status", "recipients", "categories", "purposes", "valid_from")
            | _same("valid_to", "withdrawn_at"),
        ),
        _branch("team", _table(TeamMemberRow), _same("agency", "organisation", "user", "added_at")),
        _branch(
            "legal_basis",
            _table(LegalBasisRow),
            {"id": "legal_basis_id", "recipients": "recipient"}
            | {"agency": "granted_by_agency", "organisation": "granted_by_organisation"}
            | _same("categories", "valid_from", "valid_to", "reference"),
        ),
        _branch(
            "break_glass",
            _table(BreakGlassRow),
            {"id": "grant_id", "valid_to": "expires_at"}
            | _same("agency", "organisation", "user", "categories", "valid_from")
            | _same("review_required", "approved_by", "approved_at"),
        ),
        _branch("threat_level", _table(ThreatLevelRow), {"status": "level"}),
        _branch(
            "disclosure_decision",
            _table(DisclosureDecisionRow),
            {"id": "decision_id", "organisation": "provider_organisation"} | _same("categories"),
        ),
        _branch(
            "hold",
            _table(AccessStateHoldRow),
            {"id": "event_id", "status": "event_type", "reference": "reason", "added_at": "since"},
        ),
    )
    # A fixed order, so that equal states give equal policy inputs.
    return query.order_by(column("kind"), column("valid_from"), column("id"), column("user"))


def _consent(case_id: str, row: Row[Any]) -> ConsentGrantRow:
    return ConsentGrantRow(
        consent_id=row.id,
        case_id=case_id,
        status=row.status,
        recipients=row.recipients,
        categories=row.categories,
        purposes=row.purposes,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        withdrawn_at=row.withdrawn_at,
    )


def _team_member(case_id: str, row: Row[Any]) -> TeamMemberRow:
    return TeamMemberRow(
        case_id=case_id,
        agency=row.agency,
        organisation=row.organisation,
        user=row.user,
        added_at=row.added_at,
    )


def _legal_basis(case_id: str, row: Row[Any]) -> LegalBasisRow:
    return LegalBasisRow(
        legal_basis_id=row.id,
        case_id=case_id,
        reference=row.reference,
        recipient=row.recipients,
        categories=row.categories,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        granted_by_agency=row.agency,
        granted_by_organisation=row.organisation,
    )


def _break_glass(case_id: str, row: Row[Any]) -> BreakGlassRow:
    return BreakGlassRow(
        grant_id=row.id,
        case_id=case_id,
        agency=row.agency,
        organisation=row.organisation,
        user=row.user,
        categories=row.categories,
        valid_from=row.valid_from,
        expires_at=row.valid_to,
        review_required=row.review_required,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
    )


def _disclosure_decision(case_id: str, row: Row[Any]) -> DisclosureDecisionRow:
    return DisclosureDecisionRow(
        decision_id=row.id,
        case_id=case_id,
        provider_organisation=row.organisation,
        categories=row.categories,
    )


def _hold(case_id: str, row: Row[Any]) -> AccessStateHoldRow:
    return AccessStateHoldRow(
        event_id=row.id,
        case_id=case_id,
        event_type=row.status,
        reason=row.reference,
        since=row.added_at,
    )


_BUILDERS: dict[str, Callable[[str, Row[Any]], Any]] = {
    "consent": _consent,
    "team": _team_member,
    "legal_basis": _legal_basis,
    "break_glass": _break_glass,
    "disclosure_decision": _disclosure_decision,
    "hold": _hold,
}


async def access_state(session: AsyncSession, case_id: str) -> AccessState:
    """Everything this service knows about who may see the case, as of this transaction."""
    # Changes this transaction made through the session count too (a
    # withdrawal just applied, say): a core query would not flush them itself.
    await session.flush()
    connection = await session.connection()
    found: dict[str, list[Any]] = {kind: [] for kind in _BUILDERS}
    threat_level = None
    for row in await connection.execute(_query(), {"case_id": case_id}):
        if row.kind == "threat_level":
            threat_level = row.status
            continue
        found[row.kind].append(_BUILDERS[row.kind](case_id, row))
    if found["hold"]:
        # An access event of the case awaits: who may see it is not known here,
        # so nothing of what is known is handed on (fail closed, ACCESS.md "Audit").
        return held_state(found["hold"], threat_level)
    return AccessState(
        consents=found["consent"],
        team=found["team"],
        legal_bases=found["legal_basis"],
        break_glass=found["break_glass"],
        disclosure_decisions=found["disclosure_decision"],
        threat_level=threat_level,
    )
