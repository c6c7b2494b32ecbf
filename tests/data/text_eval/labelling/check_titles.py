"""Check the titles.tsv of a frozen set (test2, test3…) against ROME 4.0 v460 and print its counts (a labelling aid, not a pytest test).

Checks: four tab-separated columns; 1 to 3 fiches per title, each a code of unix_referentiel_code_rome;
the appellation code_ogr, when given, exists and belongs to one of the title's fiches; the noisy flag is 0 or 1;
no title twice. Prints the count per grand domaine (first fiche) and the noisy share.
Run from the repository root: python3 tests/data/text_eval/labelling/check_titles.py SET
"""

import csv
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the set to check: its folder under tests/data/text_eval (test2, test3…), first argument
SET = HERE.parent / (sys.argv[1] if len(sys.argv) > 1 else "test2")
TITLES = SET / "titles.tsv"
# the shared data sit next to the work tree (the project reads them as ../shared)
ROME = HERE.parents[3].parent / "shared" / "data" / "rome4"


def main():
    with open(ROME / "unix_referentiel_code_rome_v460_utf8.csv", encoding="utf-8") as f:
        fiches = {r["code_rome"] for r in csv.DictReader(f)}
    with open(ROME / "unix_referentiel_appellation_v460_utf8.csv", encoding="utf-8") as f:
        ogr_fiche = {r["code_ogr"]: r["code_rome"] for r in csv.DictReader(f)}
    with open(ROME / "unix_grand_domaine_v460_utf8.csv", encoding="utf-8") as f:
        domains = {r["code_grand_domaine"]: r["libelle_grand_domaine"] for r in csv.DictReader(f)}
    errors, seen, per_domain, noisy_per_domain = [], set(), Counter(), Counter()
    n = noisy = with_ogr = several = 0
    for line_no, line in enumerate(TITLES.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 4:
            errors.append(f"ligne {line_no} : {len(cols)} colonnes au lieu de 4")
            continue
        title, codes, ogr, flag = cols
        codes = codes.split(",") if codes else []
        if title.strip().lower() in seen:
            errors.append(f"ligne {line_no} : intitulé en double « {title} »")
        seen.add(title.strip().lower())
        if not 1 <= len(codes) <= 3:
            errors.append(f"ligne {line_no} : {len(codes)} fiches (attendu 1 à 3)")
        for code in codes:
            if code not in fiches:
                errors.append(f"ligne {line_no} : fiche {code} absente du référentiel")
        if ogr and ogr_fiche.get(ogr) not in codes:
            errors.append(f"ligne {line_no} : appellation {ogr} absente ou hors des fiches {codes}")
        if flag not in ("0", "1"):
            errors.append(f"ligne {line_no} : bruité = « {flag} » (attendu 0 ou 1)")
        n += 1
        noisy += flag == "1"
        with_ogr += bool(ogr)
        several += len(codes) > 1
        if codes:
            per_domain[codes[0][0]] += 1
            noisy_per_domain[codes[0][0]] += flag == "1"
    print(
        f"{n} intitulés, {noisy} bruités ({100 * noisy / max(n, 1):.0f} %), "
        f"{with_ogr} avec appellation, {several} avec plusieurs fiches acceptables"
    )
    for letter in sorted(domains):
        print(
            f"  {letter} {per_domain[letter]:3d} (bruités {noisy_per_domain[letter]:2d})  {domains[letter]}"
        )
    for e in errors:
        print("ERREUR", e)
    return 1 if errors or set(domains) - set(per_domain) else 0


if __name__ == "__main__":
    sys.exit(main())
