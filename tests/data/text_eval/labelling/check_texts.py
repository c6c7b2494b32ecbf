"""Check a frozen set of ads and life stories (test2, test3…) against ROME 4.0 v460 and print its counts.

Usage: python tests/data/text_eval/labelling/check_texts.py SET [path/to/rome4]
Reads only the referential and texts.jsonl; runs no engine. Exits 1 on any error.
"""

import csv
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the set to check: its folder under tests/data/text_eval (test2, test3…), first argument
SET = HERE.parent / (sys.argv[1] if len(sys.argv) > 1 else "test2")
TEXTS = SET / "texts.jsonl"
DEFAULT_ROME = HERE.parents[3].parent / "shared" / "data" / "rome4"


def main() -> int:
    rome_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_ROME
    with open(rome_dir / "unix_referentiel_code_rome_v460_utf8.csv", encoding="utf-8") as f:
        fiches = {row["code_rome"] for row in csv.DictReader(f)}
    with open(rome_dir / "unix_referentiel_competence_v460_utf8.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    nature = {int(row["code_ogr"]): row["nature"] for row in rows}
    macro_of = {
        row["code_ogr"]: row["code_ogr"]
        if row["nature"] == "Macro-compétence"
        else row["code_ogr_macro_comp"]
        for row in rows
    }
    fiche_macros: dict[str, set[int]] = {}
    with open(rome_dir / "unix_liens_rome_referentiels_v460_utf8.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            macro = macro_of.get(row["code_ogr"])
            if macro:
                fiche_macros.setdefault(row["code_rome"], set()).add(int(macro))
    outside_any, outside_first = 0, 0
    errors, ids = [], set()
    kinds, domains, nskills, nrome = Counter(), Counter(), Counter(), Counter()
    domains_by_kind = Counter()
    with open(TEXTS, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            item = json.loads(line)
            where = f"{TEXTS.name}, ligne {line_no} ({item.get('id')})"
            if set(item) != {"id", "kind", "text", "rome", "skills"}:
                errors.append(f"{where} : champs {sorted(item)}")
            if item["id"] in ids:
                errors.append(f"{where} : identifiant en double")
            ids.add(item["id"])
            if item["kind"] not in ("offre", "parcours"):
                errors.append(f"{where} : kind « {item['kind']} » inconnu")
            if not item["rome"] or len(set(item["rome"])) != len(item["rome"]):
                errors.append(f"{where} : rome vide ou en double")
            for code in item["rome"]:
                if code not in fiches:
                    errors.append(f"{where} : fiche {code} absente du référentiel")
            skills = item["skills"]
            if not 2 <= len(skills) <= 5 or len(set(skills)) != len(skills):
                errors.append(f"{where} : {len(skills)} compétences (2 à 5 distinctes attendues)")
            for code in skills:
                if nature.get(code) != "Macro-compétence":
                    errors.append(f"{where} : {code} n'est pas une macro-compétence ({nature.get(code)})")
            linked = set().union(*(fiche_macros.get(code, set()) for code in item["rome"]))
            outside_any += sum(code not in linked for code in skills)
            outside_first += sum(code not in fiche_macros.get(item["rome"][0], set()) for code in skills)
            kinds[item["kind"]] += 1
            domains[item["rome"][0][0]] += 1
            domains_by_kind[(item["kind"], item["rome"][0][0])] += 1
            nskills[len(skills)] += 1
            nrome[len(item["rome"])] += 1
    for error in errors:
        print("ERREUR", error)
    print(f"textes : {sum(kinds.values())} ({dict(sorted(kinds.items()))})")
    print("grand domaine de la première fiche (offres / parcours) :")
    for letter in sorted(domains):
        o, p = domains_by_kind[("offre", letter)], domains_by_kind[("parcours", letter)]
        print(f"  {letter} {domains[letter]:3d}  ({o} / {p})")
    print(
        f"compétences par texte : {dict(sorted(nskills.items()))}, total {sum(k * v for k, v in nskills.items())}"
    )
    total = sum(k * v for k, v in nskills.items())
    print(
        f"compétences étiquetées hors des liens de la première fiche : {outside_first}/{total}, "
        f"hors des liens de toutes les fiches acceptables : {outside_any}/{total}"
    )
    print(f"fiches acceptables par texte : {dict(sorted(nrome.items()))}")
    print(f"{len(errors)} erreur(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
