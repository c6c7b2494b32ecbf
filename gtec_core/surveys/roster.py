"""A coordinator's list of organisations to create and invite, as a CSV file with French headers:
« raison sociale », « SIRET », « courriel », « commune » (code INSEE or name), « code NAF » (optional).

Reading checks every cell and reports each problem with the file, line and column; the caller writes
nothing when one is found. The file is bounded (size, rows); `;` or `,` separated; UTF-8 (with or without
BOM) or, failing that, Windows-1252 — what a French spreadsheet saves."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from gtec_core import siret as sirets
from gtec_core.surveys import schema
from gtec_core.surveys.columns import fold

MAX_BYTES = 512 * 1024
MAX_ROWS = 500
MAX_ERRORS = 100
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
COLUMNS = {  # code → French header (as written in the template line of the page)
    "raison_sociale": "raison sociale",
    "siret": "SIRET",
    "courriel": "courriel",
    "commune": "commune",
    "naf": "code NAF",
}
ALIASES = {"e-mail": "courriel", "email": "courriel", "mail": "courriel", "naf": "naf", "nom": "raison_sociale",
           "code insee": "commune", "code commune": "commune"}  # fmt: skip
REQUIRED = ["raison_sociale", "siret", "courriel", "commune"]


@dataclass(frozen=True)
class LineError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"fichier « {self.file} », ligne {self.line}"
        return (
            f"{where}, colonne « {self.column} » : {self.message}"
            if self.column
            else f"{where} : {self.message}"
        )


@dataclass
class Entry:
    """One organisation to create (or find by SIRET) and invite; `commune` as written (code or name)."""

    line: int
    raison_sociale: str
    siret: str
    courriel: str
    commune: str
    naf: str = ""


def check_entry(e: Entry, file: str = "") -> list[LineError]:
    """The problems of one entry (also used for the one-by-one form)."""
    out = []

    def bad(col: str, message: str) -> None:
        out.append(LineError(file, e.line, COLUMNS[col], message))

    if not e.raison_sociale:
        bad("raison_sociale", "valeur obligatoire manquante")
    elif len(e.raison_sociale) > 200:
        bad("raison_sociale", "200 caractères au plus")
    if not e.siret:
        bad("siret", "valeur obligatoire manquante")
    elif not sirets.siret_valid(sirets.normalize(e.siret)):
        bad("siret", f"SIRET « {e.siret} » invalide (14 chiffres, clé de Luhn)")
    if not e.courriel:
        bad("courriel", "valeur obligatoire manquante")
    elif not EMAIL.fullmatch(e.courriel) or len(e.courriel) > 254:
        bad("courriel", f"adresse « {e.courriel[:80]} » invalide")
    if not e.commune:
        bad("commune", "valeur obligatoire manquante (code INSEE ou nom)")
    naf = schema.normalise_naf(e.naf)
    if naf and (not re.fullmatch(schema.NAF_PATTERN, naf) or not schema.naf_section(naf)):
        bad("naf", f"code NAF « {e.naf} » invalide (formes acceptées : 56.10C ou 5610C)")
    return out


def read_roster(data: bytes, file: str) -> tuple[list[Entry], list[LineError]]:
    """Every entry of the file, and every problem found (the first MAX_ERRORS)."""
    if len(data) > MAX_BYTES:
        return [], [LineError(file, 0, "", f"fichier trop volumineux ({MAX_BYTES // 1024} Kio au plus)")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        return [], [LineError(file, 0, "", "fichier illisible : un CSV texte est attendu")]
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    names = [_code(h) for h in header]
    errors = [
        LineError(file, 1, COLUMNS[c], "colonne absente de l'en-tête") for c in REQUIRED if c not in names
    ]
    if errors:
        return [], errors
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(entries) >= MAX_ROWS:
            errors.append(LineError(file, line, "", f"plus de {MAX_ROWS} organisations : découpez la liste"))
            break
        rec = {n: v.strip() for n, v in zip(names, values, strict=False) if n}
        e = Entry(line, rec.get("raison_sociale", ""), rec.get("siret", ""), rec.get("courriel", "").lower(),
                  rec.get("commune", ""), rec.get("naf", ""))  # fmt: skip
        errors += check_entry(e, file)
        key = sirets.normalize(e.siret)
        if key and key in seen:
            errors.append(LineError(file, line, COLUMNS["siret"], f"SIRET déjà donné ligne {seen[key]}"))
        seen.setdefault(key, line)
        entries.append(e)
    if not entries and not errors:
        errors.append(LineError(file, 2, "", "aucune organisation dans le fichier"))
    return entries, errors[:MAX_ERRORS]


def _code(header: str) -> str:
    folded = fold(header)
    for code, label in COLUMNS.items():
        if folded in (fold(label), fold(code)):
            return code
    return ALIASES.get(folded, "")
