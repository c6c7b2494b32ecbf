"""The text engine (gtec_core.matching.engine) against the old method (bench/legacy_matching, the matcher
and lexicon as they were before issue #10), on the development split, the frozen test split and the old
hand-tuned set of tests/data/text_eval (see its PROVENANCE.md), side by side; then throughput and memory.

    .venv/bin/python bench/eval_text.py [--rome DIR] [--sets dev,test,old] [--misses dev]
    .venv/bin/python bench/eval_text.py --sets dev --compare-stemmers     # the normalisation choice

Tuning looks at `--sets dev` only; the test split is printed for the record, never used to choose.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gtec_core import text as normalisation  # noqa: E402
from gtec_core.matching.engine import TextEngine, stem  # noqa: E402
from gtec_core.matching.evaluation import (  # noqa: E402
    evaluate_texts,
    evaluate_titles,
    read_texts,
    read_titles,
    to_macros,
)
from gtec_core.matching.referential import esco_occupations, from_folder  # noqa: E402

DATA = ROOT / "tests" / "data" / "text_eval"
SETS = {
    "dev": ("titles_dev.tsv", "texts_dev.jsonl"),
    "test": ("titles_test.tsv", "texts_test.jsonl"),
    "old": ("old_titles_handtuned.tsv", "old_texts_handtuned.jsonl"),
    "test2": ("test2/titles.tsv", "test2/texts.jsonl"),
    "test3": ("test3/titles.tsv", "test3/texts.jsonl"),
    "test4": ("test4/titles.tsv", "test4/texts.jsonl"),
}
LABELS = {
    "dev": "développement",
    "test": "test 1 (gelé le 4 décembre, consulté trois fois, puis utilisé en développement)",
    "old": "ancien jeu (réglé à la main)",
    "test2": "test 2 (gelé le 5 décembre, écrit à l'aveugle ; développement depuis le 6 décembre)",
    "test3": "test 3 (gelé le 6 décembre, écrit à l'aveugle ; développement depuis la mesure de test 4)",
    "test4": "test 4 (gelé le 6 décembre, écrit à l'aveugle ; moteur inchangé depuis, mesuré une fois)",
}


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def new_method(engine: TextEngine):
    def titles(title: str) -> list[str]:
        return [h.code_rome for h in engine.match_titles(title, limit=5)]

    def texts(text: str):
        return [c for c, _ in engine.occupations(text, limit=5)], {m.code_ogr for m in engine.extract(text)}

    return titles, texts


def old_method(rome: Path, macro_of: dict, macros: set[int]):
    from bench.legacy_matching.loader import load_skill_extractor, load_title_matcher

    matcher = load_title_matcher(rome)
    extractor = load_skill_extractor(rome)

    def titles(title: str) -> list[str]:
        return [h.code_rome for h in matcher.match(title, limit=5)]

    def texts(text: str):
        matches = extractor.extract(text)
        codes = [c for c, _ in extractor.rome_codes(matches)]
        return codes, to_macros((m.code_ogr for m in matches), macro_of, macros)

    return titles, texts


def report(name: str, methods: dict, misses: bool) -> None:
    titles_file, texts_file = SETS[name]
    title_rows = read_titles(DATA / titles_file)
    text_rows = read_texts(DATA / texts_file)
    print(f"\n== {LABELS[name]} : {len(title_rows)} intitulés, {len(text_rows)} textes")
    print(
        f"{'méthode':<8} {'titres@1':>8} {'titres@5':>8} {'bruités@1':>9} {'bruités@5':>9} "
        f"{'métier@1':>8} {'P':>6} {'R':>6} {'F1':>6} {'titres/s':>8} {'textes/s':>8}"
    )
    for label, (titles, texts) in methods.items():
        t = evaluate_titles(titles, title_rows)
        x = evaluate_texts(texts, text_rows)
        occ = "   n.d." if x.occupation_at1 != x.occupation_at1 else f"{x.occupation_at1:8.3f}"
        n1, n5 = (f"{t.noisy_at1:9.3f}", f"{t.noisy_at5:9.3f}") if t.n_noisy else ("     n.d.", "     n.d.")
        print(
            f"{label:<8} {t.at1:8.3f} {t.at5:8.3f} {n1} {n5} {occ:>8} "
            f"{x.precision:6.3f} {x.recall:6.3f} {x.f1:6.3f} {t.per_second:8.0f} {x.per_second:8.0f}"
        )
        # the occupation target is on whole job ads: the ads and the life stories apart
        for kind, label_kind in (("offre", "offres d'emploi"), ("parcours", "parcours de vie")):
            part = [r for r in text_rows if r.kind == kind]
            if part and len(part) < len(text_rows):
                y = evaluate_texts(texts, part)
                print(
                    f"{'':<8} dont {len(part)} {label_kind} : métier@1 {y.occupation_at1:.3f}, "
                    f"P {y.precision:.3f} R {y.recall:.3f} F1 {y.f1:.3f}"
                )
        if misses and label == "nouveau":
            for title, expected, got in t.misses:
                print("  RATÉ", title, expected, got)
            for row in text_rows:
                codes, skills = texts(row.text)
                print(
                    f"  {row.id} métier {'OK' if codes[:1] and codes[0] in row.rome else 'RATÉ'} {row.rome} {codes[:3]}"
                    f" | juste {sorted(skills & row.skills)} en trop {sorted(skills - row.skills)}"
                    f" manqué {sorted(row.skills - skills)}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rome",
        type=Path,
        default=Path(os.environ.get("GTEC_ROME_DIR", ROOT.parent / "shared" / "data" / "rome4")),
    )
    parser.add_argument("--esco", type=Path, default=ROOT.parent / "shared" / "data" / "esco")
    parser.add_argument("--no-esco", action="store_true", help="titles from the ROME only")
    parser.add_argument("--sets", default="dev,test,test2,test3,test4,old")
    parser.add_argument("--misses", default="", help="sets whose misses are printed (dev only while tuning)")
    parser.add_argument("--no-old", action="store_true", help="skip the old method")
    parser.add_argument("--compare-stemmers", action="store_true")
    args = parser.parse_args()
    if not args.rome.exists():
        print(f"ROME introuvable : {args.rome} (option --rome)")
        return
    sets = [s for s in args.sets.split(",") if s in SETS]
    start = time.perf_counter()
    ref = from_folder(args.rome)
    esco = [] if args.no_esco else esco_occupations(args.esco)
    read_s = time.perf_counter() - start
    before = rss_mb()
    start = time.perf_counter()
    engine = TextEngine(ref, esco)
    build_s = time.perf_counter() - start
    print(
        f"moteur : lecture du ROME {read_s:.1f} s, construction {build_s:.1f} s, "
        f"{engine.esco_labels} libellés ESCO ajoutés, mémoire du moteur ≈ {rss_mb() - before:.0f} Mo (RSS), processus {rss_mb():.0f} Mo"
    )
    engine_mb = rss_mb() - before
    weights = engine.occupation_model.classifier.weights
    print(
        f"classifieur des métiers : {engine.occupation_model.n_documents} documents, {weights.nnz} poids non nuls "
        f"sur {weights.shape[0]} × {weights.shape[1]} ({100 * weights.nnz / (weights.shape[0] * weights.shape[1]):.2f} %)"
    )
    macros = {c for c, s in ref.skills.items() if s.kind == "macro"}
    macro_of = {c: s.macro for c, s in ref.skills.items() if s.kind == "competence"}
    methods = {"nouveau": new_method(engine)}
    if not args.no_old:
        methods["ancien"] = old_method(args.rome, macro_of, macros)
    if args.compare_stemmers:
        for mode in ("gender", "snowball", "gender+snowball"):
            normalisation.MODE["stemmer"] = mode
            stem.cache_clear()
            print(f"\n-- normalisation : {mode}")
            report("dev", {"nouveau": new_method(TextEngine(ref, esco))}, False)
        return
    for name in sets:
        report(name, methods, name in args.misses.split(","))
    # Throughput of the whole analysis of one text (occupation + skills), as the pages call it: CPU time of
    # this process (time.process_time), so that the figure does not depend on the other jobs of the machine;
    # the wall-clock figure is printed beside it.
    rows = read_texts(DATA / SETS["dev"][1])
    wall, cpu = time.perf_counter(), time.process_time()
    n = 0
    while time.process_time() - cpu < 3:
        for row in rows:
            engine.occupations(row.text)
            n += 1
    cpu_s, wall_s = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"\ndébit (métier + compétences d'un texte entier) : {n / cpu_s:.0f} textes par seconde de CPU "
        f"({1000 * cpu_s / n:.2f} ms de CPU par texte), {n / wall_s:.0f} textes/s en temps écoulé ; "
        f"mémoire du moteur chargé ≈ {engine_mb:.0f} Mo (RSS)"
    )


if __name__ == "__main__":
    main()
