"""Reader of the employment-by-occupation-and-age layout: good file, and each kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtec_core.errors import SourceError
from gtec_core.sources.employment import read_employment

HEADER = "annee;niveau_geo;code_geo;code_fap;tranche_age;effectif\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "emploi.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_reads_a_good_file(tmp_path):
    path = write(tmp_path, "2024;ze;5318;A0Z40;15-24 ans;118\n2024;france;;A0X40;60 ans ou plus;3\n")
    frame = read_employment(path)
    assert frame["employment"].to_list() == [118, 3]
    assert frame["geo_code"].to_list() == ["5318", None]
    assert frame["_line"].to_list() == [2, 3]


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("2024;ze;5318;A0Z40;15-24 ans;-4\n", 2, "effectif", "format"),
        ("2024;ze;5318;A0Z40;15-24 ans;1\n2024;ze;5318;A0Z40;20-24 ans;1\n", 3, "tranche_age", "20-24"),
        ("2024;canton;5318;A0Z40;15-24 ans;1\n", 2, "niveau_geo", "canton"),
        ("2024;ze;;A0Z40;15-24 ans;1\n", 2, "code_geo", "manquant"),
        ("2024;ze;5318;A0Z40;15-24 ans;1\n2024;ze;5318;A0Z40;15-24 ans;2\n", 3, "annee", "double"),
        ("2024;ze;5318;A0Z40;15-24 ans\n", 2, "effectif", "tronquée"),
    ],
)
def test_bad_input_names_line_and_field(tmp_path, body, line, column, words):
    with pytest.raises(SourceError) as info:
        read_employment(write(tmp_path, body))
    assert info.value.line == line
    assert info.value.column == column
    assert words in str(info.value)
