"""Resolve the hand-written label keys of a frozen set (test2, test3…) into ROME fiches (labelling aid, not a test).

Each line of titles_keys.tsv is: title, keys, noisy. Keys are separated by « | »; a key is either a
ROME code (« A1404 ») or the masculine (or feminine) form of an official appellation, searched in
unix_referentiel_appellation the same way as the first test set (labelling/resolve_titles.py.txt):
equality, else prefix, else whole words; a leading « = » asks for equality only.
Writes ../titles.tsv and prints every resolved fiche with its label for reading.
Run from the repository root: python3 tests/data/text_eval/labelling/resolve_titles.py SET
"""

import csv
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the shared data sit next to the work tree (the project reads them as ../shared)
ROME = HERE.parents[3].parent / "shared" / "data" / "rome4"
# the set to check: its folder under tests/data/text_eval (test2, test3…), first argument
SET = HERE.parent / (sys.argv[1] if len(sys.argv) > 1 else "test2")
HEADER = (
    "# intitulé\tfiches ROME acceptables (v460, la première la plus attendue)\t"
    "appellation code_ogr (si sûre)\tbruité (1 = abréviation, anglais, faute, forme genrée, jargon)\n"
)


def fold(text):
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", text).split())


def forms(label):
    full = fold(label)
    if " / " not in label:
        return [full]
    left, right = label.split(" / ", 1)
    lw, rw = fold(left).split(), fold(right).split()
    return [" ".join(lw + rw[len(lw) :]), " ".join(rw), full]


def load():
    with open(ROME / "unix_referentiel_appellation_v460_utf8.csv", encoding="utf-8") as f:
        apps = [
            (
                forms(r["libelle_appellation_long"]),
                r["code_ogr"],
                r["code_rome"],
                r["libelle_appellation_long"],
            )
            for r in csv.DictReader(f)
        ]
    with open(ROME / "unix_referentiel_code_rome_v460_utf8.csv", encoding="utf-8") as f:
        fiches = {r["code_rome"]: r["libelle_rome"] for r in csv.DictReader(f)}
    return apps, fiches


def resolve(key, apps):
    """Return (codes, [(code, ogr, label)]) for one key string."""
    codes, hits = [], []
    for k in key.split("|"):
        k = k.strip()
        if re.fullmatch(r"[A-N]\d{4}", k):
            hits.append((k, None, "code donné à la main"))
            continue
        exact = k.startswith("=")
        fk = fold(k.lstrip("="))
        tiers = [[], [], []]
        for fs, ogr, code, label in apps:
            if any(f == fk for f in fs):
                tiers[0].append((code, ogr, label))
            elif exact:
                continue
            elif any(f.startswith(fk + " ") for f in fs):
                tiers[1].append((code, ogr, label))
            elif any(re.search(r"(^| )" + re.escape(fk) + r"( |$)", f) for f in fs):
                tiers[2].append((code, ogr, label))
        for tier in tiers:
            if tier:
                hits.extend(tier)
                break
        else:
            hits.append((None, None, "INTROUVABLE: " + k))
    for code, _, _ in hits:  # key order: the first key gives the most expected fiche
        if code and code not in codes:
            codes.append(code)
    return codes, hits


def main():
    apps, fiches = load()
    out, bad = [], 0
    with open(SET / "labelling" / "titles_keys.tsv", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            title, key, noisy = line.rstrip("\n").split("\t")
            codes, hits = resolve(key, apps)
            ogrs = [o for _, o, _ in hits]
            ogr = ogrs[0] if len(ogrs) == 1 and ogrs[0] else ""
            problem = (
                not codes
                or len(codes) > 3
                or any(c not in fiches for c in codes)
                or any(c is None for c, _, _ in hits)
            )
            bad += problem
            print(("CHECK " if problem else "") + f"{n}\t{title}\t{','.join(codes)}\t{ogr}\t{noisy}")
            for c in codes:
                print(f"      {c} {fiches.get(c, '??? absent du référentiel')}")
            for c, o, label in hits[:6]:
                print(f"         ~ {c} {o} {label}")
            out.append((title, codes, ogr, noisy))
    print(f"{bad} à revoir", file=sys.stderr)
    with open(SET / "titles.tsv", "w", encoding="utf-8") as f:
        f.write(HEADER)
        for title, codes, ogr, noisy in out:
            f.write(f"{title}\t{','.join(codes)}\t{ogr}\t{noisy}\n")


if __name__ == "__main__":
    main()
