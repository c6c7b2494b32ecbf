"""The demo generator: deterministic, XSD-valid LHEO 2.3, real communes of the zone d'emploi 5318, real ROME
4.0 codes and Formacode descriptors, marked synthetic, with RNCP tables in the France Compétences layout."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from gtec_core.demo.lheo import CERTS, COMMUNES, TEMPLATES, generate
from gtec_core.sources.lheo import LheoReader, read_formacodes
from gtec_core.sources.rncp import read_release

DATA = Path(settings.GTEC_DATA_DIR)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("demo"), seed=5318)


def test_same_seed_same_bytes_other_seed_other_file(tmp_path, demo):
    again = generate(tmp_path / "a", seed=5318)
    other = generate(tmp_path / "b", seed=1)
    assert again["lheo"].read_bytes() == demo["lheo"].read_bytes()
    assert other["lheo"].read_bytes() != demo["lheo"].read_bytes()


def test_size_and_content_follow_the_brief(demo):
    assert demo["formations"] == 300 and 550 <= demo["actions"] <= 650
    reader = LheoReader(demo["lheo"], strict=True, xsd=DATA / "lheo" / "lheo-2.3.xsd")
    formations = list(reader)
    assert reader.problems.count == 0, reader.problems.items[:3]
    assert reader.version == "2.3" and len(formations) == 300
    assert all(f.synthetic for f in formations)
    starts = [s.debut for f in formations for a in f.actions for s in a.sessions]
    assert min(starts) >= dt.date(2025, 1, 1) and max(starts) <= dt.date(2026, 12, 31)
    assert {s.year for s in starts} == {2025, 2026}
    kinds = {f.organisme.nom.split()[0] for f in formations}
    assert {"GRETA", "Afpa", "CFA", "IUT", "Université", "IFAS"} <= kinds
    places = {a.place.code_insee for f in formations for a in f.actions}
    assert places <= set(COMMUNES) and len(places) >= 10


def test_communes_are_those_of_the_zone_d_emploi():
    rows = csv.DictReader(open(DATA / "cog_ze" / "ZE2020_5318_Vannes_communes_DERIVED.csv", encoding="utf-8"))
    zone = {r["CODGEO"]: r["LIBELLE_COG_2026"] for r in rows}
    assert {code: c.nom for code, c in COMMUNES.items()} == {code: zone[code] for code in COMMUNES}


def test_codes_are_real_rome_and_formacode():
    with open(DATA / "rome4" / "unix_referentiel_code_rome_v460_utf8.csv", encoding="utf-8") as handle:
        rome = {row["code_rome"] for row in csv.DictReader(handle)}
    used = {c for t in TEMPLATES for c in t.romes} | {c for cert in CERTS.values() for c in cert.romes}
    assert used <= rome, used - rome
    formacodes = read_formacodes(DATA / "lheo" / "FCod-utf-8.csv")
    assert {t.formacode for t in TEMPLATES if t.formacode} <= set(formacodes)


def test_rncp_tables_cover_every_cited_certification(demo):
    release = read_release(demo["rncp"]["standard"].parent)
    cited = {t.cert for t in TEMPLATES if t.cert}
    assert set(release.fiches["code"]) == cited
    assert not any(code.startswith("RNCP9") and CERTS[code].real for code in cited)
    romes = release.romes.filter(release.romes["code"] == "RNCP900101").to_dicts()
    assert romes == [
        {"code": "RNCP900101", "code_rome": "J1501", "libelle_rome": "Soins d'hygiène, de confort du patient"}
    ]
    assert "''" in demo["rncp"]["rome"].read_text(encoding="utf-8")  # apostrophes doubled as published
    assert release.blocs.height >= 6


def test_scale_multiplies_the_offer(tmp_path):
    small = generate(tmp_path / "s", seed=3, scale=0.1)
    big = generate(tmp_path / "b", seed=3, scale=2)
    assert (small["formations"], big["formations"]) == (30, 600)
    assert big["lheo"].stat().st_size > 15 * small["lheo"].stat().st_size
