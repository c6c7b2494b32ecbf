"""The questionnaire as an XLSX workbook, for actors who collect answers on paper or in a spreadsheet: its
layout and its reading (`template` writes it).

Layout (row 1 holds the French column headers of `columns.HEADERS`, data from row 2; one workbook may hold
many establishments):

- `Etablissements`: one row per establishment (SIRET, name, commune, NAF, size band, drivers, training
  formats, hosting, consent);
- `Metiers`: one row per establishment × appellation (workforce by age band, departures within 5 years,
  hires within 12 months, contract, difficulty and its reasons);
- `Competences`: one row per skill needed within 2–5 years for an occupation already declared: a ROME
  compétence code, or free text;
- `Listes` (allowed values behind the drop-down lists) and `Appellations` (ROME codes to look up).

The empty template has an example row in each sheet (row 2, marked « EXEMPLE » in its first column and
written in grey italics): left in, it is refused with a message saying so. An occupation is given by its
appellation label (the ROME's, as listed in « Appellations ») or by its code; a commune by its name (or its
INSEE code).

Reading checks every cell and reports every problem with its sheet, row and column; the caller imports
nothing when one problem is found. Reading is bounded (an upload comes from outside): the archive's
uncompressed size, the rows per sheet and the errors listed (the first 100, then their count) are capped,
the sheets are streamed (openpyxl read-only) and their XML parsed without DTD or entities (defusedxml).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gtec_core import siret as sirets
from gtec_core.communes import CODE, Commune, by_name, homonyms_message
from gtec_core.surveys import schema
from gtec_core.surveys.columns import EXAMPLE, code_of, fold, header
from gtec_core.text import fold as fold_name

YES, NO = "oui", "non"

MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_ROWS = 20_000  # per sheet: a territory's survey collects a few thousand establishments
MAX_ERRORS = 100
TEMPLATE_VERSION = 3  # part of the template's cache key: raise it when the layout changes
SHEET_ORG, SHEET_OCC, SHEET_SKILL, SHEET_LISTS, SHEET_APP = (
    "Etablissements",
    "Metiers",
    "Competences",
    "Listes",
    "Appellations",
)
DRIVER_COLS = [f"moteur_{c}" for c in schema.codes(schema.DRIVERS)]
FORMAT_COLS = [f"format_{c}" for c in schema.codes(schema.FORMATS)]
REASON_COLS = [f"raison_{c}" for c in schema.codes(schema.REASONS)]
AGE_COLS = [f"eff_{c}" for c in schema.codes(schema.AGE_BANDS)]
ORG_COLS = ["siret", "raison_sociale", "code_insee", "naf", "tranche_effectif", "effectif", *DRIVER_COLS]
ORG_COLS += [
    "besoins_formation",
    *FORMAT_COLS,
    "accueil_immersion",
    "accueil_apprentis",
    "accueil_stagiaires",
]
ORG_COLS += ["consentement"]
OCC_COLS = ["siret", "code_ogr_appellation", "appellation", *AGE_COLS, "departs_5ans", "recrutements_12m"]
OCC_COLS += ["contrat", "difficulte", *REASON_COLS]
SKILL_COLS = ["siret", "code_ogr_appellation", "appellation", "code_ogr_competence", "competence_libre"]
OPTIONAL_COLS = {SHEET_SKILL: {"appellation"}}  # columns a workbook of an older template may lack
LISTS = {
    "oui_non": [YES, NO],
    "tranche_effectif": schema.codes(schema.SIZE_BANDS),
    "contrat": schema.codes(schema.CONTRACTS),
    "consentement": schema.codes(schema.CONSENTS),
}
EXAMPLE_SIRET = sirets.make_siret("99999999", "0001")  # a valid key, a SIREN no company has
YES_NO_COLS = [*DRIVER_COLS, *FORMAT_COLS, "accueil_immersion", "difficulte", *REASON_COLS]


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = f"fichier « {self.file} », " if self.file else ""
        return (
            f"{where}feuille « {self.sheet} », ligne {self.row}, colonne « {self.column} » : {self.message}"
        )


@dataclass
class Establishment:
    """One establishment's answer as read from (or written to) the workbook."""

    siret: str
    raison_sociale: str
    code_insee: str
    naf: str = ""
    size_band: str = ""
    answer: dict = field(default_factory=dict)
    row: int = 0


@dataclass(frozen=True)
class Referential:
    """What the reader checks codes against: appellation code → (code ROME, label), compétence codes,
    the territory's communes (INSEE code → name)."""

    appellations: dict[int, tuple[str, str]]
    competences: set[int]
    communes: dict[str, str]


class _Reader:
    def __init__(self, ref: Referential, file: str = ""):
        self.ref = ref
        self.file = file
        self.errors: list[CellError] = []
        self.error_count = 0
        self._labels: dict[str, int] | None = None
        self._communes: list[tuple[str, Commune]] | None = None

    def err(self, sheet: str, row: int, column: str, message: str) -> None:
        """Record a problem; the column is named by its French header, as the person sees it."""
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(CellError(sheet, row, header(column), message, self.file))

    def rows(self, wb, sheet: str, cols: list[str]) -> list[tuple[int, dict[str, Any]]]:
        if sheet not in wb.sheetnames:
            self.err(sheet, 1, cols[0], "feuille absente : partez du modèle téléchargé")
            return []
        it = wb[sheet].iter_rows(values_only=True)
        names = [code_of(h) for h in next(it, ())]
        missing = [c for c in cols if c not in names and c not in OPTIONAL_COLS.get(sheet, ())]
        for c in missing:
            self.err(sheet, 1, c, "colonne absente de l'en-tête")
        if missing:
            return []
        out = []
        for n, values in enumerate(it, start=2):
            if n > MAX_ROWS + 1:
                self.err(sheet, n, cols[0], f"plus de {MAX_ROWS} lignes : découpez le classeur")
                break
            rec = {h: v for h, v in zip(names, values, strict=False) if h}
            if all(v is None or str(v).strip() == "" for v in rec.values()):
                continue
            if self.text(rec, EXAMPLE) or sirets.normalize(self.text(rec, "siret")) == EXAMPLE_SIRET:
                self.err(sheet, n, EXAMPLE, "ligne d'exemple du modèle : supprimez-la avant d'importer")
                continue
            out.append((n, rec))
        return out

    def appellation(self, sheet: str, n: int, rec: dict) -> int:
        """The appellation code of a row: its code, or else its label matched to the ROME's."""
        code = self.count(sheet, n, rec, "code_ogr_appellation")
        label = self.text(rec, "appellation")
        if code:
            if code not in self.ref.appellations:
                self.err(sheet, n, "code_ogr_appellation", f"appellation ROME « {code} » inconnue")
            return code
        if not label:
            self.err(sheet, n, "appellation", "indiquez l'appellation ROME (libellé) ou son code")
            return 0
        if self._labels is None:
            self._labels = {}
            for c, (_, lab) in sorted(self.ref.appellations.items()):
                self._labels.setdefault(fold(lab), c)
        found = self._labels.get(fold(label))
        if found is None:
            self.err(
                sheet, n, "appellation", f"appellation « {label} » inconnue du ROME{self._closest(label)}"
            )
            return 0
        return found

    def commune(self, sheet: str, n: int, rec: dict) -> str:
        """The INSEE code of a row's commune, given by its name (case and accents aside; « Saint-Pierre (15) »
        for a name several communes of the territory bear) or by its code."""
        raw = self.text(rec, "code_insee")
        if not raw:
            self.err(sheet, n, "code_insee", "valeur obligatoire manquante : le nom de la commune")
            return ""
        code = raw.zfill(5) if raw.isdigit() else raw.upper()  # a code typed as a number loses its 0
        if CODE.match(code):
            if code not in self.ref.communes:
                self.err(sheet, n, "code_insee", f"commune « {raw} » inconnue ou hors du territoire")
            return code
        if self._communes is None:
            self._communes = [(fold_name(nm), Commune(c, nm)) for c, nm in sorted(self.ref.communes.items())]
        found = by_name(raw, self._communes)
        if len(found) > 1:
            self.err(sheet, n, "code_insee", homonyms_message(found))
        elif not found:
            hint = self._closest_commune(raw)
            self.err(sheet, n, "code_insee", f"commune « {raw} » inconnue ou hors du territoire{hint}")
        return found[0].code if len(found) == 1 else ""

    def _closest_commune(self, name: str) -> str:
        if len(self.errors) >= MAX_ERRORS or not self._communes:
            return ""
        from rapidfuzz import fuzz, process, utils

        same = Counter(f for f, _ in self._communes)
        labels = {c.code: c.label if same[f] > 1 else c.name for f, c in self._communes}
        hit = process.extractOne(name, labels, scorer=fuzz.WRatio, processor=utils.default_process)
        if hit is None or hit[1] < 70:
            return " : écrivez le nom d'une commune du territoire de la campagne"
        return f" (la plus proche : « {hit[0]} »)"

    def _closest(self, label: str) -> str:
        """A suggestion for an unknown label (only for the errors listed: it costs a scan of the ROME)."""
        if len(self.errors) >= MAX_ERRORS:
            return ""
        from rapidfuzz import fuzz, process, utils

        labels = {c: lab for c, (_, lab) in self.ref.appellations.items()}
        hit = process.extractOne(label, labels, scorer=fuzz.WRatio, processor=utils.default_process)
        if hit is None or hit[1] < 70:
            return " : choisissez un libellé de la feuille « Appellations »"
        return f" : choisissez un libellé de la feuille « Appellations » (le plus proche : « {hit[0]} »)"

    def text(self, rec: dict, col: str) -> str:
        v = rec.get(col)
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return "" if v is None else str(v).strip()

    def count(self, sheet: str, n: int, rec: dict, col: str, required: bool = False) -> int:
        raw = self.text(rec, col)
        if raw == "":
            if required:
                self.err(sheet, n, col, "valeur obligatoire manquante")
            return 0
        if not raw.isdigit():
            self.err(sheet, n, col, f"nombre entier positif attendu, lu « {raw} »")
            return 0
        return int(raw)

    def yes(self, sheet: str, n: int, rec: dict, col: str) -> bool:
        raw = self.text(rec, col).lower()
        if raw not in ("", YES, NO):
            self.err(sheet, n, col, f"« oui » ou « non » attendu, lu « {raw} »")
        return raw == YES

    def choice(self, sheet: str, n: int, rec: dict, col: str, allowed: list[str], required: bool) -> str:
        raw = self.text(rec, col)
        if raw == "" and required:
            self.err(sheet, n, col, "valeur obligatoire manquante")
        elif raw and raw not in allowed:
            self.err(sheet, n, col, f"valeur « {raw} » hors de la liste ({', '.join(allowed)})")
            return ""
        return raw

    def flags(self, sheet: str, n: int, rec: dict, choices: list[tuple[str, str]], prefix: str) -> list[str]:
        """The codes of a multiple choice written as one oui/non column per code (`prefix` + code)."""
        return [c for c in schema.codes(choices) if self.yes(sheet, n, rec, prefix + c)]

    def siret(self, sheet: str, n: int, rec: dict) -> str:
        raw = sirets.normalize(self.text(rec, "siret"))
        if not raw:
            self.err(sheet, n, "siret", "valeur obligatoire manquante")
        elif not sirets.siret_valid(raw):
            self.err(sheet, n, "siret", f"SIRET « {raw} » invalide (14 chiffres, clé de Luhn)")
        return raw


def read_workbook(
    path: Path, ref: Referential, *, name: str = ""
) -> tuple[list[Establishment], list[CellError]]:
    """Every establishment of the workbook with its cleaned answer, and every problem found (each naming
    the file `name`, as the person uploaded it, or the path's name)."""
    from gtec_core.errors import SourceError
    from gtec_core.tabular import open_xlsx

    r = _Reader(ref, name or Path(path).name)
    _check_archive(Path(path))
    wb = open_xlsx(Path(path))
    try:
        orgs = r.rows(wb, SHEET_ORG, ORG_COLS)
        occs = r.rows(wb, SHEET_OCC, OCC_COLS)
        skills = r.rows(wb, SHEET_SKILL, SKILL_COLS)
    except SourceError:
        raise
    except Exception as exc:  # expat/defusedxml (DTD, entities), zip and openpyxl errors of a damaged file
        raise SourceError(
            path, f"classeur illisible ({type(exc).__name__} : DOCTYPE, entités ou XML invalide)"
        ) from None
    finally:
        wb.close()
    found: dict[str, Establishment] = {}
    for n, rec in orgs:
        s = r.siret(SHEET_ORG, n, rec)
        if s in found:
            r.err(SHEET_ORG, n, "siret", f"établissement déjà décrit ligne {found[s].row}")
            continue
        name = r.text(rec, "raison_sociale")
        if not name:
            r.err(SHEET_ORG, n, "raison_sociale", "valeur obligatoire manquante")
        insee = r.commune(SHEET_ORG, n, rec)
        naf = schema.normalise_naf(r.text(rec, "naf"))
        if naf and (not re.fullmatch(schema.NAF_PATTERN, naf) or not schema.naf_section(naf)):
            r.err(SHEET_ORG, n, "naf", f"code NAF « {naf} » invalide (formes acceptées : 56.10A ou 5610A)")
        band = r.choice(SHEET_ORG, n, rec, "tranche_effectif", LISTS["tranche_effectif"], False)
        sch = SHEET_ORG
        answer = {
            "effectif": r.count(sch, n, rec, "effectif"),
            "metiers": [],
            "moteurs": r.flags(sch, n, rec, schema.DRIVERS, "moteur_"),
            "besoins_formation": r.text(rec, "besoins_formation"),
            "formats": r.flags(sch, n, rec, schema.FORMATS, "format_"),
            "accueil": {
                "immersion": r.yes(sch, n, rec, "accueil_immersion"),
                "apprentis": r.count(sch, n, rec, "accueil_apprentis"),
                "stagiaires": r.count(sch, n, rec, "accueil_stagiaires"),
            },
            "consentement": r.choice(sch, n, rec, "consentement", LISTS["consentement"], True),
        }
        found[s] = Establishment(s, name, insee, naf, band, answer, n)
    occ_rows: dict[tuple[str, int], tuple[int, dict]] = {}
    for n, rec in occs:
        s = r.siret(SHEET_OCC, n, rec)
        if s and s not in found:
            r.err(SHEET_OCC, n, "siret", "établissement absent de la feuille « Etablissements »")
        code = r.appellation(SHEET_OCC, n, rec)
        if code and (s, code) in occ_rows:
            r.err(SHEET_OCC, n, "code_ogr_appellation", f"métier déjà déclaré ligne {occ_rows[(s, code)][0]}")
            continue
        rome, libelle = ref.appellations.get(code, ("", ""))
        hires = r.count(SHEET_OCC, n, rec, "recrutements_12m")
        difficult = r.yes(SHEET_OCC, n, rec, "difficulte")
        m = {
            "code_ogr": code,
            "code_rome": rome,
            "libelle": libelle,
            "effectifs": {b: r.count(SHEET_OCC, n, rec, "eff_" + b) for b in schema.codes(schema.AGE_BANDS)},
            "departs_5ans": r.count(SHEET_OCC, n, rec, "departs_5ans"),
            "recrutements_12m": hires,
            "contrat": r.choice(SHEET_OCC, n, rec, "contrat", LISTS["contrat"], hires > 0),
            "difficulte": difficult,
            "raisons": r.flags(SHEET_OCC, n, rec, schema.REASONS, "raison_"),
            "competences": [],
            "competences_libres": "",
        }
        if difficult and hires == 0:
            r.err(SHEET_OCC, n, "difficulte", "difficulté déclarée sans recrutement prévu")
        if difficult and not m["raisons"]:
            r.err(SHEET_OCC, n, REASON_COLS[0], "difficulté déclarée : indiquez au moins une raison (oui)")
        if m["departs_5ans"] > sum(m["effectifs"].values()) > 0:
            r.err(SHEET_OCC, n, "departs_5ans", "plus de départs que de salariés déclarés")
        occ_rows[(s, code)] = (n, m)
        if s in found:
            found[s].answer["metiers"].append(m)
    for n, rec in skills:
        s = r.siret(SHEET_SKILL, n, rec)
        code = r.appellation(SHEET_SKILL, n, rec)
        if not code:
            continue
        if (s, code) not in occ_rows:
            r.err(
                SHEET_SKILL,
                n,
                "code_ogr_appellation",
                "métier absent de la feuille « Metiers » pour ce SIRET",
            )
            continue
        m = occ_rows[(s, code)][1]
        comp = r.count(SHEET_SKILL, n, rec, "code_ogr_competence")
        free = r.text(rec, "competence_libre")
        if not comp and not free:
            r.err(SHEET_SKILL, n, "code_ogr_competence", "indiquez un code de compétence ou un texte libre")
        if comp and comp not in ref.competences:
            r.err(SHEET_SKILL, n, "code_ogr_competence", f"compétence ROME « {comp} » inconnue")
        elif comp and comp not in m["competences"]:
            m["competences"].append(comp)
        if free:
            m["competences_libres"] = "; ".join(x for x in (m["competences_libres"], free) if x)[
                : schema.MAX_TEXT
            ]
    for e in found.values():
        if not e.answer["metiers"]:
            r.err(
                SHEET_ORG, e.row, "siret", "aucun métier déclaré pour cet établissement (feuille « Metiers »)"
            )
    if not orgs and not r.errors:
        r.err(SHEET_ORG, 2, "siret", "aucun établissement dans le fichier")
    r.errors.sort(key=lambda e: ([SHEET_ORG, SHEET_OCC, SHEET_SKILL].index(e.sheet), e.row, e.column))
    errors: list = list(r.errors)
    if r.error_count > len(r.errors):
        errors.append(
            f"… et {r.error_count - len(r.errors)} autre(s) erreur(s) non listée(s) : corrigez les "
            f"{len(r.errors)} premières et recommencez."
        )
    return list(found.values()), errors


def _check_archive(path: Path) -> None:
    """Refuse, before reading, a workbook whose archive expands beyond MAX_UNCOMPRESSED_BYTES (a zip bomb)."""
    import zipfile

    from gtec_core.errors import SourceError

    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SourceError(path, "classeur Excel illisible (pas une archive xlsx)") from None
    if size > MAX_UNCOMPRESSED_BYTES:
        raise SourceError(
            path,
            f"classeur trop volumineux une fois décompressé ({size // 2**20} Mio, {MAX_UNCOMPRESSED_BYTES // 2**20} Mio au plus)",
        )
