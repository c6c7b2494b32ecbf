"""Labelling aid for the frozen sets (not a test): look up ROME v460 appellations, fiches and macro-competences.

Usage (from the repository root):
  python3 tests/data/text_eval/labelling/lookup.py app WORDS...   appellations whose folded label contains WORDS
  python3 tests/data/text_eval/labelling/lookup.py fiche CODE...  fiche label, parent, and linked macro-competences
  python3 tests/data/text_eval/labelling/lookup.py macro WORDS... macro-competences whose label contains WORDS
Reads only the referential; runs no engine.
"""

import csv
import sys
from pathlib import Path

from resolve_titles import fold, forms  # the same folding as the labels were resolved with

HERE = Path(__file__).resolve().parent
ROME = HERE.parents[3].parent / "shared" / "data" / "rome4"


def read(name):
    with open(ROME / f"unix_{name}_v460_utf8.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    mode, words = sys.argv[1], sys.argv[2:]
    fiches = {r["code_rome"]: r for r in read("referentiel_code_rome")}
    if mode == "app":
        q = fold(" ".join(words))
        for r in read("referentiel_appellation"):
            if any(q in f for f in forms(r["libelle_appellation_long"])):
                print(
                    r["code_ogr"],
                    r["code_rome"],
                    r["libelle_appellation_long"],
                    "||",
                    fiches[r["code_rome"]]["libelle_rome"],
                )
    elif mode == "macro":
        q = fold(" ".join(words))
        for r in read("referentiel_competence"):
            if r["nature"] == "Macro-compétence" and q in fold(r["libelle_competence"]):
                print(r["code_ogr"], r["code_macro_comp"], r["libelle_competence"])
    elif mode == "fiche":
        comp = read("referentiel_competence")
        label = {r["code_ogr"]: r["libelle_competence"] for r in comp}
        macro_of = {
            r["code_ogr"]: (r["code_ogr"] if r["nature"] == "Macro-compétence" else r["code_ogr_macro_comp"])
            for r in comp
        }
        links = read("liens_rome_referentiels")
        for code in words:
            f = fiches[code]
            print(code, f["libelle_rome"], "(parent", f["code_rome_parent"] + ")")
            macros = {}
            for r in links:
                if r["code_rome"] == code and macro_of.get(r["code_ogr"]):
                    macros.setdefault(macro_of[r["code_ogr"]], 0)
                    macros[macro_of[r["code_ogr"]]] += 1
            for m, n in sorted(macros.items(), key=lambda x: -x[1]):
                print("   ", m, n, label.get(m))


if __name__ == "__main__":
    main()
