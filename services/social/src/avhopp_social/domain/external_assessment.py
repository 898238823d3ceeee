"""Results of instruments the platform does not score: recorded with date, assessor, summary.

PROCESS.md step 3 and 004 Del 2: HCR-20 (violence risk) and ASI (addiction
severity) are health information; RBM-B (probation's risk and needs
assessment) and, for young people, YLS/CMI and SAVRY belong to the
investigation's risk picture (ACCESS.md: ``health`` and ``investigation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from avhopp_shared.errors import InvalidInput


class HealthInstrument(StrEnum):
    HCR_20 = "hcr_20"
    ASI = "asi"


class RiskInstrument(StrEnum):
    RBM_B = "rbm_b"
    YLS_CMI = "yls_cmi"
    SAVRY = "savry"


class InvalidResult(InvalidInput):
    """A result the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class ExternalResult:
    result_id: str
    case_id: str
    instrument: str
    assessed_on: date
    assessor: str
    summary: str


def external_result(
    *,
    result_id: str,
    case_id: str,
    instrument: HealthInstrument | RiskInstrument,
    assessed_on: date,
    assessor: str,
    summary: str,
    today: date,
) -> ExternalResult:
    if assessed_on > today:
        raise InvalidResult("assessed_on", "a result cannot be dated in the future")
    if not assessor.strip():
        raise InvalidResult("assessor", "name who made the assessment")
    if not summary.strip():
        raise InvalidResult("summary", "summarise the result")
    return ExternalResult(
        result_id=result_id,
        case_id=case_id,
        instrument=instrument.value,
        assessed_on=assessed_on,
        assessor=assessor.strip(),
        summary=summary.strip(),
    )
