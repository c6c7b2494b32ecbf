"""Accuracy of the title matcher and of the skill extractor on the hand-made sets of tests/data
(tests/data/EVALUATION.md), with their throughput.

    .venv/bin/python bench/eval_matching.py [--rome DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gtec_core.matching.evaluation import evaluate_skills, evaluate_titles, read_skills, read_titles  # noqa: E402
from gtec_core.matching.loader import load_skill_extractor, load_title_matcher  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rome", type=Path, default=ROOT.parent / "shared" / "data" / "rome4")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    matcher = load_title_matcher(args.rome)
    extractor = load_skill_extractor(args.rome)
    print(f"chargement : {time.perf_counter() - start:.1f} s")
    titles = evaluate_titles(matcher, read_titles(ROOT / "tests" / "data" / "eval_titles.tsv"))
    print(
        f"intitulés  n={titles.n}  accuracy@1={titles.at1:.3f}  accuracy@5={titles.at5:.3f}  "
        f"{titles.per_second:.0f} intitulés/s"
    )
    skills_rows = read_skills(ROOT / "tests" / "data" / "eval_skills.jsonl")
    skills = evaluate_skills(extractor, skills_rows)
    print(
        f"compétences n={skills.n}  P={skills.precision:.3f}  R={skills.recall:.3f}  F1={skills.f1:.3f}  "
        f"{skills.per_second:.0f} textes/s"
    )
    if args.verbose:
        for title, expected, got in titles.misses:
            print("RATÉ", title, expected, got)
        for row in skills_rows:
            got = [(m.code_ogr, m.text, m.label[:50]) for m in extractor.extract(row["text"])]
            print(json.dumps({"id": row["id"], "gold": row["skills"], "got": got}, ensure_ascii=False))


if __name__ == "__main__":
    main()
