"""Bar charts of the released ISU series, as SVG and PNG, so a manager can look.

Only what :func:`avhopp_followup.domain.isu.release` released is drawn: a
suppressed cell is a labelled gap ("< 5"), never a bar.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from enum import StrEnum
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

from avhopp_followup.domain.isu import Report

Bar = tuple[str, float | None]

WIDTH, ROW, LABEL, TOP = 720, 28, 260, 48
COLOUR, GAP_COLOUR = "#2f6f9f", "#999999"


class Series(StrEnum):
    OUTCOMES = "outcomes"
    NEEDS = "needs"
    INTERVENTIONS = "interventions"
    PHASE_DURATIONS = "phase_durations"


TITLES = {
    Series.OUTCOMES: "Outcome of the exit (persons)",
    Series.NEEDS: "Needs at intake (persons)",
    Series.INTERVENTIONS: "Interventions decided / carried out (persons)",
    Series.PHASE_DURATIONS: "Median days in each phase",
}


def bars(report: Report, series: Series) -> list[Bar]:
    if series is Series.OUTCOMES:
        outcomes = report.outcomes
        return [("applications", outcomes.total), *((c.label, c.persons) for c in outcomes.cells)]
    if series is Series.NEEDS:
        return [(c.label, c.persons) for c in report.needs]
    if series is Series.INTERVENTIONS:
        found: list[Bar] = []
        for group in report.interventions:
            found.append((f"{group.name} decided", group.total))
            carried = next(c for c in group.cells if c.label == "carried_out")
            found.append((f"{group.name} carried out", carried.persons))
        return found
    return [(m.label, m.median_days) for m in report.phase_durations]


def _value(value: float | None) -> str:
    if value is None:
        return "< 5 (suppressed)"
    return f"{value:g}"


def svg(series: Series, data: Sequence[Bar]) -> str:
    height = TOP + ROW * max(len(data), 1) + 16
    top = max((v for _, v in data if v is not None), default=0.0) or 1.0
    span = WIDTH - LABEL - 120
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'font-family="sans-serif" font-size="13">',
        f'<text x="12" y="26" font-size="16" font-weight="bold">{escape(TITLES[series])}</text>',
    ]
    for index, (label, value) in enumerate(data):
        y = TOP + index * ROW
        parts.append(f'<text x="12" y="{y + 17}">{escape(label)}</text>')
        if value is not None:
            width = max(1, round(span * value / top))
            parts.append(
                f'<rect x="{LABEL}" y="{y + 4}" width="{width}" height="{ROW - 8}" fill="{COLOUR}"/>'
            )
            parts.append(
                f'<text x="{LABEL + width + 6}" y="{y + 17}">{escape(_value(value))}</text>'
            )
        else:
            parts.append(
                f'<text x="{LABEL}" y="{y + 17}" fill="{GAP_COLOUR}">{escape(_value(value))}</text>'
            )
    if not data:
        parts.append(f'<text x="12" y="{TOP + 17}">Nothing to show for this period</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def png(series: Series, data: Sequence[Bar]) -> bytes:
    height = TOP + ROW * max(len(data), 1) + 16
    top = max((v for _, v in data if v is not None), default=0.0) or 1.0
    span = WIDTH - LABEL - 120
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((12, 14), TITLES[series], fill="black")
    for index, (label, value) in enumerate(data):
        y = TOP + index * ROW
        draw.text((12, y + 8), label, fill="black")
        if value is not None:
            width = max(1, round(span * value / top))
            draw.rectangle((LABEL, y + 4, LABEL + width, y + ROW - 4), fill=COLOUR)
            draw.text((LABEL + width + 6, y + 8), _value(value), fill="black")
        else:
            draw.text((LABEL, y + 8), _value(value), fill=GAP_COLOUR)
    if not data:
        draw.text((12, TOP + 8), "Nothing to show for this period", fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
