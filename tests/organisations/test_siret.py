"""Scalar SIRET check: Luhn key, with the La Poste exception (sources/sirene.py gives the vectorised one)."""

import polars as pl
import pytest

from gtec_core.siret import make_siret, siren_valid, siret_valid
from gtec_core.sources.sirene import siret_ok


@pytest.mark.parametrize(
    "value, ok",
    [
        ("73282932000074", True),  # a real SIRET (Luhn)
        ("732 829 320 00074", True),  # spaces typed by people
        ("73282932000075", False),  # wrong key
        ("7328293200007", False),  # 13 digits
        ("7328293200007A", False),
        ("35600000000048", True),  # La Poste, Luhn
        ("35600000049837", True),  # La Poste: digit sum multiple of 5, Luhn fails
        ("35600000049838", False),
        ("12300000049837", False),  # same digits rule is only for La Poste
        ("", False),
    ],
)
def test_siret_valid(value, ok):
    assert siret_valid(value) is ok


def test_scalar_and_vectorised_checks_agree():
    values = [make_siret(f"{n:08d}", f"{n % 9999:04d}") for n in range(1, 60)]
    values += ["73282932000075", "35600000049837", "35600000049838", "12345678901234"]
    frame = pl.DataFrame({"siret": values}).with_columns(siret_ok(pl.col("siret")).alias("ok"))
    assert frame["ok"].to_list() == [siret_valid(v) for v in values]


def test_make_siret_builds_valid_siren_and_siret():
    s = make_siret("92924502", "0001")
    assert siret_valid(s) and siren_valid(s[:9]) and len(s) == 14
