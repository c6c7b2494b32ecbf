"""The occupation bridge FAP-2021 ↔ ROME 4.0: an APPROXIMATION, built here because no official table exists.

BMO (since 2024) counts recruitment projects by FAP-2021 métier (`A0X40`, 228-level codes); job offers and job
seekers are counted by ROME 4.0 fiche (`A1101`). DARES publishes FAP-2009 ↔ ROME v3 (read by
`gtec_core.sources.fap`) and the FAP-2021 labels, but no FAP-2021 ↔ ROME table was available for this project
(data-sources.md §4.3, `fap_rome/PROVENANCE.md`). The bridge is therefore built from what is official, and each
link says how it was found (`route`) and how far it can be trusted (`confidence`, 0–1):

1. ROME 4.0 fiche → ROME v3: the fiche's `code_rome_parent` (official, ROME 4.0 release).
2. ROME v3 → FAP-2009: the official DARES table (qualification restrictions `Q_…` are ignored: a ROME v3 code
   split by qualification between two FAP reaches both).
3. FAP-2009 → FAP-2021, for each FAP-2021 code, among the FAP-2009 families of the same domain (first letter):
   - `fap2009_code`: same code once the third character is dropped (`A0X40` ↔ `A0Z40`; DARES kept most
     numbers between the two versions) and labels compatible (rapidfuzz `token_set_ratio` ≥ 50 on folded labels,
     the FAP-2021 label being the 228-level one or any of its 341-level subdivisions);
   - `fap2009_label`: otherwise the FAP-2009 families whose label is the most similar (score ≥ 70, within 5
     points of the best).
4. `rome_label`: a FAP-2021 code that reached no fiche through 1–3 (new family, or FAP-2009 family without ROME
   link such as the self-employed) is linked to the 3 fiches whose label or appellations are the most similar
   to its labels (sharing at least one word stem; the clergy, X0X01, outside BMO and the ROME, stays unlinked).
5. Reverse coverage: a fiche that no FAP-2021 code reached is linked to one code: `reverse_fap2009` (the
   FAP-2021 code closest to its FAP-2009 family) or `reverse_label` (closest label overall).

Weights. `weight` is the share of a FAP-2021 code's count (e.g. BMO projects) given to each of its fiches; it
sums to 1 per code and is proportional to `confidence × (1 + ln(1 + appellations of the fiche))`, the number of
appellations standing for the breadth of the métier. `rome_share` is the share of a fiche's count (offers, job
seekers) given to each of its FAP-2021 codes (same raw weights, normalised per fiche): it sums to 1 per fiche.
Use `convert` for both directions.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

from gtec_core.sources.fap import FAP2009_FILE, FAP2021_FILE, FAP2021_SPEC, read_fap2009
from gtec_core.sources.rome import read_release
from gtec_core.tabular import read_table
from gtec_core.text import fold, stems

CODE_MATCH_MIN = 50.0
LABEL_MATCH_MIN = 70.0
LABEL_MATCH_SPREAD = 5.0
ROME_LABEL_TOP = 3
CONFIDENCE = {
    "fap2009_code": 0.9,
    "fap2009_label": 0.6,
    "rome_label": 0.4,
    "reverse_fap2009": 0.4,
    "reverse_label": 0.25,
}
SCHEMA = {
    "code_fap2021": pl.String,
    "code_rome": pl.String,
    "weight": pl.Float64,
    "rome_share": pl.Float64,
    "route": pl.String,
    "confidence": pl.Float64,
}


def _key(code: str) -> str:
    """FAP code without its third character (`A0X40` and `A0Z40` → `A040`)."""
    return code[:2] + code[3:]


def _overlap(query: frozenset[str], text: frozenset[str]) -> float:
    """Share (0–100) of the stems of `query` found in `text`, minus a small penalty for the extra stems of `text`
    (so that the shortest label holding the query wins)."""
    if not query or not text:
        return 0.0
    common = len(query & text)
    return 100.0 * common / len(query) - 2.0 * len(text - query) if common else 0.0


def _best(query: str, choices: dict[str, str]) -> list[tuple[str, float]]:
    """(key, score) of `choices` (key → folded label) sorted by token_set_ratio with `query`, best first."""
    found = process.extract(query, choices, scorer=fuzz.token_set_ratio, limit=None)
    return sorted(((key, float(score)) for _, score, key in found), key=lambda item: (-item[1], item[0]))


def fap2021_families(data_dir: Path) -> pl.DataFrame:
    """FAP-2021 families at the BMO level (228 codes): `code_fap2021`, `libelle`, `labels` (the 228-level label
    and those of its 341-level subdivisions, folded, joined by ` | `)."""
    raw = read_table(Path(data_dir) / "fap_rome" / FAP2021_FILE, FAP2021_SPEC)
    families: dict[str, tuple[str, list[str]]] = {}
    for row in raw.iter_rows(named=True):
        code, label = row["Code_FAP228"], row["Intitulé_FAP228"]
        labels = families.setdefault(code, (label, [label]))[1]
        if row["Intitulé_FAP341"] not in labels:
            labels.append(row["Intitulé_FAP341"])
    return pl.DataFrame(
        [(code, label, labels) for code, (label, labels) in sorted(families.items())],
        schema={"code_fap2021": pl.String, "libelle": pl.String, "all_labels": pl.List(pl.String)},
        orient="row",
    )


def fap2021_rome_bridge(data_dir: Path) -> pl.DataFrame:
    """The bridge, one row per (FAP-2021 code, ROME 4.0 fiche): `code_fap2021`, `code_rome`, `weight` (sums to 1
    per FAP-2021 code), `rome_share` (sums to 1 per fiche), `route`, `confidence`. Deterministic."""
    data_dir = Path(data_dir)
    fap21 = fap2021_families(data_dir)
    fap09, rome_v3 = read_fap2009(data_dir / "fap_rome" / FAP2009_FILE)
    release = read_release(data_dir / "rome4", ["referentiel_code_rome", "referentiel_appellation"])
    fiches = release.tables["referentiel_code_rome"].select("code_rome", "libelle_rome", "code_rome_parent")
    appellations = release.tables["referentiel_appellation"].select("code_rome", "libelle_appellation_long")

    fap09 = fap09.filter(pl.col("level") == 225)
    fap09_label = {row["code"]: fold(row["libelle"]) for row in fap09.iter_rows(named=True)}
    v3_to_fap09: dict[str, list[str]] = {}
    for row in rome_v3.iter_rows(named=True):
        v3_to_fap09.setdefault(row["rome_v3"], []).append(row["fap"])
    fiche_fap09: dict[str, list[str]] = {
        row["code_rome"]: sorted(set(v3_to_fap09.get(row["code_rome_parent"] or row["code_rome"], [])))
        for row in fiches.iter_rows(named=True)
    }
    fap09_fiches: dict[str, list[str]] = {}
    for fiche, codes in sorted(fiche_fap09.items()):
        for code in codes:
            fap09_fiches.setdefault(code, []).append(fiche)
    n_appellations = dict(appellations.group_by("code_rome").len().iter_rows())
    fiche_stems: dict[str, list[frozenset[str]]] = {}  # the fiche's label and its appellations, as stems
    for row in fiches.iter_rows(named=True):
        fiche_stems[row["code_rome"]] = [frozenset(stems(row["libelle_rome"]))]
    for code, label in appellations.sort("code_rome", "libelle_appellation_long").iter_rows():
        fiche_stems[code].append(frozenset(stems(label)))

    links: list[tuple[str, str, str, float]] = []  # fap2021, rome, route, score
    fap21_labels = {
        row["code_fap2021"]: [fold(x) for x in row["all_labels"]] for row in fap21.iter_rows(named=True)
    }
    fap21_stems = {
        row["code_fap2021"]: [frozenset(stems(x)) for x in row["all_labels"]]
        for row in fap21.iter_rows(named=True)
    }
    for code, labels in fap21_labels.items():
        same_domain = {k: v for k, v in fap09_label.items() if k[0] == code[0]}
        scores: dict[str, float] = {}
        for label in labels:
            for key, score in _best(label, same_domain):
                scores[key] = max(scores.get(key, 0.0), score)
        chosen: list[tuple[str, str, float]] = []
        by_code = [k for k in same_domain if _key(k) == _key(code) and scores.get(k, 0) >= CODE_MATCH_MIN]
        for k in by_code:
            chosen.append((k, "fap2009_code", scores[k]))
        if not any(fap09_fiches.get(k) for k, _, _ in chosen):
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
            if ranked and ranked[0][1] >= LABEL_MATCH_MIN:
                top = ranked[0][1]
                chosen += [
                    (k, "fap2009_label", s)
                    for k, s in ranked
                    if s >= top - LABEL_MATCH_SPREAD and fap09_fiches.get(k)
                ]
        reached = False
        for fap09_code, route, score in chosen:
            for fiche in fap09_fiches.get(fap09_code, []):
                links.append((code, fiche, route, score))
                reached = True
        if not reached:
            labels_stems = fap21_stems[code]
            domain = [f for f, codes in fiche_fap09.items() if any(c[0] == code[0] for c in codes)]
            pool = [
                (f, text) for f, texts in sorted(fiche_stems.items()) if f in set(domain) for text in texts
            ]
            pool = pool or [(f, text) for f, texts in sorted(fiche_stems.items()) for text in texts]
            ranked_fiches: dict[str, float] = {}
            for label in labels_stems:
                for fiche, text in pool:
                    score = _overlap(label, text)
                    if score > ranked_fiches.get(fiche, 0.0):
                        ranked_fiches[fiche] = score
            best = sorted(ranked_fiches.items(), key=lambda item: (-item[1], item[0]))[:ROME_LABEL_TOP]
            links += [(code, fiche, "rome_label", score) for fiche, score in best]

    reached_fiches = {fiche for _, fiche, _, _ in links}
    fap21_text = {code: " | ".join(labels) for code, labels in fap21_labels.items()}
    for row in fiches.sort("code_rome").iter_rows(named=True):
        fiche = row["code_rome"]
        if fiche in reached_fiches:
            continue
        candidates = fiche_fap09.get(fiche, [])
        if candidates:
            best_code, best_score = "", -1.0
            for fap09_code in candidates:
                same = {k: v for k, v in fap21_text.items() if k[0] == fap09_code[0]} or fap21_text
                for key, score in _best(fap09_label[fap09_code], same)[:1]:
                    if score > best_score or (score == best_score and key < best_code):
                        best_code, best_score = key, score
            links.append((best_code, fiche, "reverse_fap2009", best_score))
        else:
            own = frozenset(stems(row["libelle_rome"]))
            key, score = max(
                ((k, max(_overlap(own, x) for x in v)) for k, v in sorted(fap21_stems.items())),
                key=lambda item: item[1],
            )
            links.append((key, fiche, "reverse_label", score))

    frame = (
        pl.DataFrame(links, schema=["code_fap2021", "code_rome", "route", "score"], orient="row")
        .sort("code_fap2021", "code_rome", "score", descending=[False, False, True])
        .unique(subset=["code_fap2021", "code_rome"], keep="first", maintain_order=True)
    )
    confidence = pl.col("route").replace_strict(CONFIDENCE, return_dtype=pl.Float64) * (
        0.5 + pl.col("score") / 200
    )
    breadth = pl.col("code_rome").replace_strict(
        {k: 1 + math.log1p(v) for k, v in n_appellations.items()}, default=1.0, return_dtype=pl.Float64
    )
    frame = frame.with_columns(confidence.round(3).alias("confidence")).with_columns(
        (pl.col("confidence") * breadth).alias("_raw")
    )
    return (
        frame.with_columns(
            (pl.col("_raw") / pl.col("_raw").sum().over("code_fap2021")).alias("weight"),
            (pl.col("_raw") / pl.col("_raw").sum().over("code_rome")).alias("rome_share"),
        )
        .select(list(SCHEMA))
        .cast(SCHEMA)
        .sort("code_fap2021", "code_rome")
    )


def coverage(bridge: pl.DataFrame, fap_codes: list[str], rome_codes: list[str]) -> dict[str, object]:
    """How much of each side the bridge reaches: counts, shares and the codes left out, and links per route."""
    faps, romes = set(bridge["code_fap2021"]), set(bridge["code_rome"])
    missing_fap = sorted(set(fap_codes) - faps)
    missing_rome = sorted(set(rome_codes) - romes)
    return {
        "fap2021": len(set(fap_codes)) - len(missing_fap),
        "fap2021_total": len(set(fap_codes)),
        "fap2021_missing": missing_fap,
        "rome": len(set(rome_codes)) - len(missing_rome),
        "rome_total": len(set(rome_codes)),
        "rome_missing": missing_rome,
        "routes": dict(sorted(bridge.group_by("route").len().iter_rows())),
    }


def convert(
    frame: pl.DataFrame, bridge: pl.DataFrame, *, to: str, code: str, values: list[str], by: list[str] = ()
) -> pl.DataFrame:
    """Spread counts from one nomenclature to the other. `to="rome"`: `frame[code]` holds FAP-2021 codes, each
    value is split over the fiches by `weight`; `to="fap2021"`: `frame[code]` holds ROME codes, split by
    `rome_share`. Result: `by` columns, the target code column (`code_rome` or `code_fap2021`) and the `values`
    as floats (sums are preserved for every code the bridge knows; unknown codes are dropped)."""
    if to == "rome":
        source, target, share = "code_fap2021", "code_rome", "weight"
    elif to == "fap2021":
        source, target, share = "code_rome", "code_fap2021", "rome_share"
    else:
        raise ValueError(f"to must be 'rome' or 'fap2021', not {to!r}")
    joined = frame.join(bridge.select(pl.col(source).alias(code), target, share), on=code, how="inner")
    return (
        joined.group_by(*by, target, maintain_order=True)
        .agg((pl.col(v).cast(pl.Float64) * pl.col(share)).sum().alias(v) for v in values)
        .sort(*by, target)
    )
