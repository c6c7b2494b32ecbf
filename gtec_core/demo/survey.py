"""Synthetic company answers for the demo campaign, deterministic from a seed.

Consistent with the real labour-market files of the Pays de Vannes: occupations are drawn in proportion to
the 2024 BMO recruitment projects of the Vannes bassin (5310), mapped to ROME through the DARES ROME v3 →
FAP-2009 crosswalk (FAP-2021 BMO codes `S2X61` read as FAP-2009 `S2Z61`, the closest family); the share of
difficult and seasonal projects of each BMO métier drives the difficulty and seasonal contracts declared;
companies sit in real communes of the zone d'emploi 5318 belonging to the Pays de Vannes EPCIs (weighted by
population); their NAF division is one the ROME links to their main fiche; skills come from the fiche's own
ROME items. Names and SIRETs are synthetic (valid keys, « démo » in every name).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

import polars as pl
import yaml

from gtec_core import siret as sirets
from gtec_core.surveys import schema
from gtec_core.surveys.template import write_workbook
from gtec_core.surveys.workbook import Establishment

ROME_DIR = "rome4"
BMO_FILE = "bmo/BMO_2024_Bretagne_extract.csv"
FAP_FILE = "fap_rome/Rome-V3_vers_Fap-2009_flat_DERIVED.csv"
ZE_FILE = "cog_ze/ZE2020_5318_Vannes_communes_DERIVED.csv"
TERRITORIES = Path(__file__).resolve().parent.parent / "parameters" / "territories.yaml"
BASSIN = "5310"

# NAF rév. 2: one real sub-class per division, to give demo companies a plausible activity code.
NAF_OF_DIVISION = {
    "01": "01.13Z", "03": "03.22Z", "10": "10.71C", "11": "11.02B", "16": "16.23Z", "20": "20.59Z",
    "22": "22.29A", "25": "25.62B", "28": "28.29B", "30": "30.12Z", "33": "33.15Z", "35": "35.14Z",
    "38": "38.11Z", "41": "41.20A", "42": "42.11Z", "43": "43.21A", "45": "45.20A", "46": "46.90Z",
    "47": "47.11F", "49": "49.41A", "52": "52.10B", "53": "53.20Z", "55": "55.10Z", "56": "56.10A",
    "62": "62.01Z", "64": "64.19Z", "66": "66.22Z", "68": "68.31Z", "69": "69.20Z", "70": "70.22Z",
    "71": "71.12B", "73": "73.11Z", "74": "74.10Z", "75": "75.00Z", "77": "77.11A", "78": "78.20Z",
    "79": "79.11Z", "80": "80.10Z", "81": "81.21Z", "82": "82.99Z", "84": "84.11Z", "85": "85.59A",
    "86": "86.10Z", "87": "87.10A", "88": "88.10A", "90": "90.01Z", "93": "93.29Z", "94": "94.99Z",
    "95": "95.11Z", "96": "96.02A",
}  # fmt: skip
FALLBACK_DIVISIONS = ["47", "56", "43", "81", "88"]
SIZE_WEIGHTS = [("1-9", 45), ("10-49", 35), ("50-249", 15), ("250+", 5)]
STAFF_RANGE = {"1-9": (1, 4), "10-49": (2, 12), "50-249": (4, 40), "250+": (10, 90), "0": (1, 1)}
REASON_WEIGHTS = {"penurie": 6, "competences": 4, "conditions": 3, "remuneration": 3, "mobilite": 2}
REASON_WEIGHTS |= {"saisonnalite": 1}


def _read(path: Path, **kwargs) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", **kwargs)


def load_inputs(data_dir: Path) -> dict:
    """The real files the generator draws from, reduced to what it needs."""
    data_dir = Path(data_dir)
    rome = data_dir / ROME_DIR
    version = next(rome.glob("unix_referentiel_code_rome_v*_utf8.csv")).name.split("_v")[-1].split("_")[0]

    def table(name: str) -> pl.DataFrame:
        return _read(rome / f"unix_{name}_v{version}_utf8.csv")

    fiches = {r["code_rome"]: r for r in table("referentiel_code_rome").iter_rows(named=True)}
    appellations: dict[str, list[tuple[int, str]]] = {}
    for r in table("referentiel_appellation").iter_rows(named=True):
        appellations.setdefault(r["code_rome"], []).append(
            (int(r["code_ogr"]), r["libelle_appellation_long"])
        )
    coeur = {
        (r["code_rome"], int(r["code_ogr"])): r["coeur_metier"]
        for r in table("coherence_item").iter_rows(named=True)
    }
    items: dict[str, list[tuple[int, str]]] = {}
    links = table("liens_rome_referentiels").filter(
        (pl.col("code_compo_bloc") == "5") & (pl.col("code_rubrique") != "2")
    )
    for r in links.iter_rows(named=True):
        ogr = int(r["code_ogr"])
        items.setdefault(r["code_rome"], []).append((ogr, coeur.get((r["code_rome"], ogr), "")))
    divisions: dict[str, list[str]] = {}
    for r in table("arborescence_secteur_naf").iter_rows(named=True):
        divisions.setdefault(r["code_rome"], []).append(r["code_secteur_naf"].zfill(2))
    crosswalk: dict[str, set[str]] = {}
    for r in _read(data_dir / FAP_FILE).iter_rows(named=True):
        if r["rome_v3"] and r["rome_v3"] in fiches:
            crosswalk.setdefault(r["fap2009"], set()).add(r["rome_v3"])
    bmo = []
    for r in _read(data_dir / BMO_FILE).filter(pl.col("BE24") == BASSIN).iter_rows(named=True):
        romes = crosswalk.get(r["Code métier BMO"].replace("X", "Z", 1))
        if not romes or not str(r["met"]).isdigit():
            continue
        met = int(r["met"])
        xmet = int(r["xmet"]) if str(r["xmet"]).isdigit() else met // 2
        smet = int(r["smet"]) if str(r["smet"]).isdigit() else 0
        if met:
            bmo.append((r["Code métier BMO"], sorted(romes), met, xmet / met, smet / met))
    epcis = set(yaml.safe_load(TERRITORIES.read_text(encoding="utf-8"))[0]["epci"])
    communes = [
        (r["CODGEO"], r["LIBGEO_2022"], int(r["PMUN_decoupage_admin"] or 0))
        for r in _read(data_dir / ZE_FILE).iter_rows(named=True)
        if r["EPCI_SIREN_DGCL_2026"] in epcis
    ]
    return {
        "fiches": fiches,
        "appellations": appellations,
        "items": items,
        "divisions": divisions,
        "bmo": bmo,
        "communes": communes,
    }


def generate(data_dir: Path, *, seed: int = 5318, n: int = 120) -> list[Establishment]:
    """`n` synthetic establishments with their answers (same seed, same files → same output)."""
    inp = load_inputs(data_dir)
    rng = random.Random(seed)
    bmo = inp["bmo"]
    weights = [b[2] for b in bmo]
    communes = inp["communes"]
    out: list[Establishment] = []
    used: set[str] = set()
    for i in range(n):
        main = rng.choices(bmo, weights)[0]
        rome = rng.choice(main[1])
        divs = [d for d in inp["divisions"].get(rome, []) if d in NAF_OF_DIVISION]
        division = rng.choice(divs or FALLBACK_DIVISIONS)
        same = [
            b for b in bmo if any(division in inp["divisions"].get(x, []) for x in b[1]) and b is not main
        ]
        picks = [(main, rome)]
        for b in rng.sample(same, k=min(len(same), rng.choice([0, 1, 1, 2, 3]))):
            r2 = rng.choice([x for x in b[1] if division in inp["divisions"].get(x, [])] or b[1])
            if r2 not in {p[1] for p in picks}:
                picks.append((b, r2))
        size = rng.choices([s for s, _ in SIZE_WEIGHTS], [w for _, w in SIZE_WEIGHTS])[0]
        metiers = [_occupation(rng, inp, b, r, size) for b, r in picks]
        metiers = [m for m in metiers if m]
        fiche = inp["fiches"][rome]
        moteurs = [d for d in schema.codes(schema.DRIVERS) if rng.random() < 0.25]
        if fiche.get("transition_num") and "numerique" not in moteurs:
            moteurs.append("numerique")
        if fiche.get("transition_eco") not in ("", "Emploi Blanc", None) and "ecologie" not in moteurs:
            moteurs.append("ecologie")
        code_insee, commune, _ = rng.choices(communes, [c[2] for c in communes])[0]
        while True:
            s = sirets.make_siret(f"9{rng.randrange(10**7):07d}", f"{rng.randrange(1, 10**4):04d}")
            if s[:9] not in used:
                used.add(s[:9])
                break
        answer = {
            "effectif": sum(sum(m["effectifs"].values()) for m in metiers) + rng.randint(0, 5),
            "metiers": metiers,
            "moteurs": [d for d in schema.codes(schema.DRIVERS) if d in moteurs],
            "besoins_formation": "",
            "formats": [f for f in schema.codes(schema.FORMATS) if rng.random() < 0.3] or ["module_court"],
            "accueil": {
                "immersion": rng.random() < 0.55,
                "apprentis": rng.choice([0, 0, 0, 1, 1, 2]),
                "stagiaires": rng.choice([0, 0, 1, 2]),
            },
            "consentement": "partenaires" if rng.random() < 0.35 else "agregats",
        }
        label = schema.NAF_SECTIONS[schema.naf_section(NAF_OF_DIVISION[division])]
        out.append(
            Establishment(
                siret=s,
                raison_sociale=f"{label.split(',')[0]} {commune} (démo {i + 1:03d})",
                code_insee=code_insee,
                naf=NAF_OF_DIVISION[division],
                size_band=size,
                answer=answer,
            )
        )
    return out


def _occupation(rng: random.Random, inp: dict, bmo_row: tuple, rome: str, size: str) -> dict | None:
    apps = inp["appellations"].get(rome)
    if not apps:
        return None
    code_ogr, libelle = rng.choice(apps)
    lo, hi = STAFF_RANGE[size]
    staff = rng.randint(lo, hi)
    shares = [rng.random() + 0.3 for _ in schema.AGE_BANDS]
    effectifs = {
        b: int(staff * w / sum(shares) + 0.5)
        for b, w in zip(schema.codes(schema.AGE_BANDS), shares, strict=True)
    }
    hires = max(0, int(rng.expovariate(1 / max(1.0, staff * 0.4)) + 0.5)) if rng.random() < 0.8 else 0
    _, _, _, difficult_rate, seasonal_rate = bmo_row
    difficult = hires > 0 and rng.random() < difficult_rate
    contrat = ""
    if hires:
        contrat = (
            "saisonnier"
            if rng.random() < seasonal_rate * 0.6
            else rng.choice(["cdi", "cdi", "cdd_long", "cdd_court", "interim", "alternance"])
        )
    reasons = []
    if difficult:
        k = rng.choice([1, 1, 2, 3])
        reasons = sorted(set(rng.choices(list(REASON_WEIGHTS), list(REASON_WEIGHTS.values()), k=k)))
        if contrat == "saisonnier" and "saisonnalite" not in reasons:
            reasons.append("saisonnalite")
    items = inp["items"].get(rome, [])
    pool = [o for o, c in items if c == "Émergente"] + [o for o, c in items if c == "Principale"]
    pool = pool or [o for o, _ in items]
    skills = rng.sample(pool[:12], k=min(len(pool[:12]), rng.randint(1, 3))) if pool else []
    return {
        "code_ogr": code_ogr,
        "code_rome": rome,
        "libelle": libelle,
        "effectifs": effectifs,
        "departs_5ans": min(sum(effectifs.values()), effectifs["55_plus"] + rng.choice([0, 0, 1])),
        "recrutements_12m": hires,
        "contrat": contrat,
        "difficulte": difficult,
        "raisons": reasons,
        "competences": skills,
        "competences_libres": "",
    }


def write(path: Path, establishments: list[Establishment]) -> Path:
    """XLSX in the questionnaire template layout, or JSON when the path ends with `.json`."""
    path = Path(path)
    if path.suffix == ".json":
        path.write_text(
            json.dumps([asdict(e) for e in establishments], ensure_ascii=False, indent=1), "utf-8"
        )
        return path
    return write_workbook(path, establishments)
