"""Writing the questionnaire workbook (`workbook` reads it): the empty template offered to companies and
coordinators — French headers, an example row per sheet, drop-down lists — or a filled workbook (demo data,
round trips)."""

from __future__ import annotations

from pathlib import Path

from gtec_core.surveys import schema
from gtec_core.surveys.columns import EXAMPLE, EXAMPLE_MARK, header
from gtec_core.surveys.workbook import (
    EXAMPLE_SIRET,
    LISTS,
    NO,
    OCC_COLS,
    ORG_COLS,
    SHEET_APP,
    SHEET_LISTS,
    SHEET_OCC,
    SHEET_ORG,
    SHEET_SKILL,
    SKILL_COLS,
    YES,
    YES_NO_COLS,
    Establishment,
)
from gtec_core.tabular import spreadsheet_safe


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_workbook(
    path: Path,
    establishments: list[Establishment] = (),
    appellations: list[tuple[int, str, str]] = (),
    *,
    example: bool | None = None,
) -> Path:
    """Write the template (empty, with an example row; `example` defaults to « no establishment given »)
    or a filled workbook: French headers, drop-down lists on the coded columns and, when `appellations`
    are given, on the appellation labels."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    example = not establishments if example is None else example
    wb = Workbook()
    readme = wb.active
    readme.title = "Lisez-moi"
    for line in README:
        readme.append([line])
    readme.column_dimensions["A"].width = 110
    lists = wb.create_sheet(SHEET_LISTS)
    ranges = {}
    for i, (name, values) in enumerate(LISTS.items()):
        lists.cell(row=1, column=i + 1, value=name)
        for j, v in enumerate(values):
            lists.cell(row=j + 2, column=i + 1, value=v)
        ranges[name] = f"{SHEET_LISTS}!${_letter(i)}$2:${_letter(i)}${len(values) + 1}"
    if appellations:
        ranges["appellation"] = f"{SHEET_APP}!$B$2:$B${len(appellations) + 1}"
    sheets = {}
    for title, cols in ((SHEET_ORG, ORG_COLS), (SHEET_OCC, OCC_COLS), (SHEET_SKILL, SKILL_COLS)):
        ws = wb.create_sheet(title)
        cols = [EXAMPLE, *cols]
        ws.append([header(c) for c in cols])
        ws.freeze_panes = "B2"
        for i, col in enumerate(cols):
            ws.cell(row=1, column=i + 1).font = Font(bold=True)
            ws.cell(row=1, column=i + 1).alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[_letter(i)].width = 34 if col == "appellation" else 18
            kind = "oui_non" if col in YES_NO_COLS else col if col in LISTS or col == "appellation" else None
            if kind in ranges:
                dv = DataValidation(type="list", formula1=ranges[kind], allow_blank=True)
                dv.error = "Choisissez une valeur de la liste"
                dv.errorStyle = "warning" if kind == "appellation" else "stop"
                dv.add(f"{_letter(i)}2:{_letter(i)}5000")
                ws.add_data_validation(dv)
        sheets[title] = ws
    if example:
        for title, row in _example_rows(appellations).items():
            sheets[title].append([EXAMPLE_MARK, *row])
            for cell in sheets[title][2]:
                cell.font = Font(italic=True, color="666666")
    yn = {True: YES, False: NO}
    for e in establishments:
        a = e.answer
        acc = a.get("accueil", {})
        sheets[SHEET_ORG].append(
            [None, e.siret, spreadsheet_safe(e.raison_sociale), e.code_insee, e.naf, e.size_band]
            + [a.get("effectif")]
            + [yn[c in a.get("moteurs", [])] for c in schema.codes(schema.DRIVERS)]
            + [spreadsheet_safe(a.get("besoins_formation", ""))]
            + [yn[c in a.get("formats", [])] for c in schema.codes(schema.FORMATS)]
            + [yn[bool(acc.get("immersion"))], acc.get("apprentis", 0), acc.get("stagiaires", 0)]
            + [a.get("consentement", "")]
        )
        for m in a.get("metiers", []):
            eff = m.get("effectifs", {})
            sheets[SHEET_OCC].append(
                [None, e.siret, m["code_ogr"], spreadsheet_safe(m.get("libelle", ""))]
                + [eff.get(b, 0) for b in schema.codes(schema.AGE_BANDS)]
                + [m.get("departs_5ans", 0), m.get("recrutements_12m", 0), m.get("contrat", "")]
                + [yn[bool(m.get("difficulte"))]]
                + [yn[c in m.get("raisons", [])] for c in schema.codes(schema.REASONS)]
            )
            label = spreadsheet_safe(m.get("libelle", ""))
            for comp in m.get("competences", []):
                sheets[SHEET_SKILL].append([None, e.siret, m["code_ogr"], label, comp, ""])
            if m.get("competences_libres"):
                sheets[SHEET_SKILL].append(
                    [None, e.siret, m["code_ogr"], label, None, spreadsheet_safe(m["competences_libres"])]
                )
    if appellations:
        ws = wb.create_sheet(SHEET_APP)
        ws.append(["Code de l'appellation", "Appellation (libellé)", "Code ROME"])
        ws.column_dimensions["B"].width = 70
        for row in appellations:
            ws.append(list(row))
    lists.sheet_state = "hidden"
    path = Path(path)
    wb.save(path)
    return path


def _example_rows(appellations) -> dict[str, list]:
    """One example per sheet, in column order (after the marker): a bakery hiring a baker."""
    label = next((lab for _, lab, _ in appellations if lab.startswith("Boulanger")), "Boulanger / Boulangère")
    org = {"siret": EXAMPLE_SIRET, "raison_sociale": "Boulangerie du Port (exemple)", "code_insee": "Vannes",
           "naf": "10.71C", "tranche_effectif": "10-49", "effectif": 12, "besoins_formation": "Hygiène",
           "accueil_immersion": YES, "accueil_apprentis": 1, "accueil_stagiaires": 0,
           "consentement": "agregats", "moteur_ecologie": YES, "format_alternance": YES}  # fmt: skip
    occ = {"siret": EXAMPLE_SIRET, "appellation": label, "eff_moins_30": 2, "eff_30_44": 3, "eff_45_54": 1,
           "eff_55_plus": 2, "departs_5ans": 2, "recrutements_12m": 1, "contrat": "cdi", "difficulte": YES,
           "raison_penurie": YES}  # fmt: skip
    skill = {"siret": EXAMPLE_SIRET, "appellation": label, "competence_libre": "Pains au levain"}
    rows = {}
    for title, cols, values in ((SHEET_ORG, ORG_COLS, org), (SHEET_OCC, OCC_COLS, occ),
                                (SHEET_SKILL, SKILL_COLS, skill)):  # fmt: skip
        rows[title] = [values.get(c, NO if c in YES_NO_COLS else None) for c in cols]
    return rows


README = [
    "Questionnaire GTEC — besoins en emplois et compétences des établissements",
    "La ligne 2 de chaque feuille (en gris, marquée « EXEMPLE ») montre comment remplir : supprimez-la avant "
    "d'importer, sinon le fichier est refusé.",
    "Une ligne par établissement dans « Etablissements » ; une ligne par établissement et métier dans « Metiers » ;",
    "une ligne par compétence attendue à 2–5 ans dans « Competences » (code OGR de compétence ROME ou texte libre).",
    "Un métier s'indique par le libellé de son appellation ROME, tel qu'écrit dans la feuille « Appellations » "
    "(liste déroulante), ou par le code de l'appellation.",
    "Code NAF : 5610C ou 56.10C. Commune : son nom (« Vannes », majuscules et accents indifférents) ; si "
    "deux communes du territoire portent le même nom, ajoutez le département : « Saint-Pierre (15) ». "
    "Le code INSEE (56260 pour Vannes) est aussi accepté.",
    "Colonnes oui/non, contrat, tranche d'effectif, consentement : choisir dans la liste déroulante.",
    "Consentement : « agregats » (résultats agrégés seulement) ou « partenaires » (transmission nominative "
    "aux partenaires emploi-formation).",
    "Un fichier qui contient une seule erreur n'est pas importé : corrigez les lignes signalées et recommencez.",
]
