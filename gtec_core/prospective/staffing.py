"""Sector × occupation staffing matrix (NAF A38 × FAP-87) for the stress tests (methods.md §5).

The public default is the Dares portrait `secteurs_employeurs_3niv.csv`: for each FAP family, its national
employment in its three main employer sectors plus « autres secteurs ». Approximation [P]: the « autres
secteurs » employment of a family is spread over the sectors that are not among its top three, in
proportion to those sectors' employment summed over all families' top three (the only national sector
totals in the file). A full matrix (census layout `secteur;fap;effectif`) can be imported instead."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from gtec_core.errors import SourceError
from gtec_core.prospective.scenarios import SECTORS

PORTRAIT_FILE = "secteurs_employeurs_3niv.csv"
OTHERS = {"AU", "ZZ"}


def _number(path, value: str, line: int, column: str) -> float:
    try:
        out = float(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise SourceError(path, f"nombre attendu, lu « {value} »", line=line, column=column) from None
    if out < 0:
        raise SourceError(path, "nombre positif attendu", line=line, column=column)
    return out


def read_portrait(path: Path) -> list[dict]:
    """(sector, fap, employment) cells from the Dares file, « autres secteurs » spread as documented."""
    path = Path(path)
    if path.is_dir():
        path = path / PORTRAIT_FILE
    try:
        text = path.read_bytes().decode("cp1252")
    except FileNotFoundError:
        raise SourceError(path, "fichier introuvable") from None
    reader = csv.DictReader(io.StringIO(text))
    for column in ("Fap", "Secteur", "Milliers"):
        if column not in (reader.fieldnames or []):
            raise SourceError(path, "colonne absente", line=1, column=column)
    known: dict[str, dict[str, float]] = defaultdict(dict)
    others: dict[str, float] = {}
    for i, row in enumerate(reader, start=2):
        fap = row["Fap"]
        if len(fap) != 3 or not fap[0].isalpha() or fap in {"ENS", "ZZZ"}:
            continue  # domains, FAP-225 detail, the « ensemble » row
        if row["Milliers"] in ("", "NA"):
            continue
        value = _number(path, row["Milliers"], i, "Milliers") * 1000
        if row["Secteur"] in OTHERS:
            others[fap] = others.get(fap, 0.0) + value
        elif row["Secteur"] in SECTORS:
            known[fap][row["Secteur"]] = known[fap].get(row["Secteur"], 0.0) + value
        else:
            raise SourceError(path, f"secteur inconnu « {row['Secteur']} »", line=i, column="Secteur")
    if not known:
        raise SourceError(path, "aucune famille FAP lue")
    totals: dict[str, float] = defaultdict(float)
    for cells in known.values():
        for sector, value in cells.items():
            totals[sector] += value
    out = []
    for fap, cells in known.items():
        rest = {s: t for s, t in totals.items() if s not in cells}
        spread = sum(rest.values())
        for sector, value in cells.items():
            out.append({"sector": sector, "fap": fap, "employment": value, "approximated": False})
        for sector, t in rest.items():
            if spread and others.get(fap):
                out.append(
                    {
                        "sector": sector,
                        "fap": fap,
                        "employment": others[fap] * t / spread,
                        "approximated": True,
                    }
                )
    return out


def read_census(path: Path) -> list[dict]:
    """A full matrix in census layout: `;`-separated UTF-8 with header `secteur;fap;effectif`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SourceError(path, "fichier introuvable") from None
    except UnicodeDecodeError:
        raise SourceError(path, "encodage UTF-8 attendu") from None
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    for column in ("secteur", "fap", "effectif"):
        if column not in (reader.fieldnames or []):
            raise SourceError(
                path, "colonne absente (en-tête attendu : secteur;fap;effectif)", line=1, column=column
            )
    out, seen = [], set()
    for i, row in enumerate(reader, start=2):
        sector = (row["secteur"] or "").strip().upper()
        fap = (row["fap"] or "").strip().upper()
        if sector not in SECTORS:
            raise SourceError(path, f"code NAF A38 inconnu « {sector} »", line=i, column="secteur")
        if len(fap) != 3 or not fap[0].isalpha():
            raise SourceError(
                path, f"famille FAP-87 attendue (3 caractères), lu « {fap} »", line=i, column="fap"
            )
        if (sector, fap) in seen:
            raise SourceError(path, f"doublon {sector} × {fap}", line=i, column="fap")
        seen.add((sector, fap))
        out.append(
            {
                "sector": sector,
                "fap": fap,
                "employment": _number(path, row["effectif"], i, "effectif"),
                "approximated": False,
            }
        )
    if not out:
        raise SourceError(path, "aucune ligne")
    return out


def shares_by_sector(cells: list[dict]) -> dict[str, dict[str, float]]:
    """{sector: {fap: share of the sector's employment}} — who works in a sector."""
    totals: dict[str, float] = defaultdict(float)
    for c in cells:
        totals[c["sector"]] += c["employment"]
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for c in cells:
        if totals[c["sector"]]:
            out[c["sector"]][c["fap"]] = c["employment"] / totals[c["sector"]]
    return dict(out)


def shares_by_fap(cells: list[dict]) -> dict[str, dict[str, float]]:
    """{fap: {sector: share of the family's employment}} — where a family works."""
    totals: dict[str, float] = defaultdict(float)
    for c in cells:
        totals[c["fap"]] += c["employment"]
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for c in cells:
        if totals[c["fap"]]:
            out[c["fap"]][c["sector"]] = c["employment"] / totals[c["fap"]]
    return dict(out)


def naf_to_a38(naf: str) -> str | None:
    """NAF rév. 2 code (« 10.71C », « 1071C ») → its A38 sector."""
    digits = "".join(ch for ch in naf if ch.isdigit())[:2]
    if len(digits) < 2:
        return None
    d = int(digits)
    for upper, sector in A38_BY_DIVISION:
        if d <= upper:
            return sector
    return None


A38_BY_DIVISION = [
    (3, "AZ"), (9, "BZ"), (12, "CA"), (15, "CB"), (18, "CC"), (19, "CD"), (20, "CE"), (21, "CF"), (23, "CG"),
    (25, "CH"), (26, "CI"), (27, "CJ"), (28, "CK"), (30, "CL"), (33, "CM"), (35, "DZ"), (39, "EZ"), (43, "FZ"),
    (47, "GZ"), (53, "HZ"), (56, "IZ"), (60, "JA"), (61, "JB"), (63, "JC"), (66, "KZ"), (68, "LZ"), (71, "MA"),
    (72, "MB"), (75, "MC"), (82, "NZ"), (84, "OZ"), (85, "PZ"), (86, "QA"), (88, "QB"), (93, "RZ"), (96, "SZ"),
    (98, "TZ"),
]  # fmt: skip
