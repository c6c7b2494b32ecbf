"""Evaluation of the matchers on the hand-made sets of tests/data (protocol: methods.md §4.3).

Titles: accuracy@k = share of titles whose top k fiches contain at least one acceptable code.
Skills: micro-averaged set precision, recall and F1 per text (end-to-end, "ad-level" measure of §4.3). A
predicted code is correct when it is in the text's `skills` or its `also` list (acceptable near-synonyms,
since the referential often has several labels for one activity); recall counts only `skills`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from gtec_core.matching.skills import SkillExtractor
from gtec_core.matching.titles import TitleMatcher


@dataclass(frozen=True)
class TitleScores:
    n: int
    at1: float
    at5: float
    per_second: float
    misses: list[tuple[str, list[str], list[str]]]


@dataclass(frozen=True)
class SkillScores:
    n: int
    precision: float
    recall: float
    f1: float
    per_second: float


def read_titles(path: Path) -> list[tuple[str, set[str]]]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            title, codes = line.split("\t")
            rows.append((title, set(codes.split(","))))
    return rows


def read_skills(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_titles(matcher: TitleMatcher, rows: list[tuple[str, set[str]]]) -> TitleScores:
    at1 = at5 = 0
    misses = []
    start = time.perf_counter()
    for title, expected in rows:
        codes = [h.code_rome for h in matcher.match(title, limit=5)]
        at1 += bool(codes[:1] and codes[0] in expected)
        hit5 = bool(expected.intersection(codes))
        at5 += hit5
        if not hit5:
            misses.append((title, sorted(expected), codes))
    elapsed = time.perf_counter() - start
    n = max(len(rows), 1)
    return TitleScores(len(rows), at1 / n, at5 / n, len(rows) / max(elapsed, 1e-9), misses)


def evaluate_skills(extractor: SkillExtractor, rows: list[dict]) -> SkillScores:
    tp_p = n_pred = tp_r = n_gold = 0
    start = time.perf_counter()
    for row in rows:
        predicted = {m.code_ogr for m in extractor.extract(row["text"])}
        gold = set(row["skills"])
        acceptable = gold | set(row.get("also", []))
        tp_p += len(predicted & acceptable)
        n_pred += len(predicted)
        tp_r += len(predicted & gold)
        n_gold += len(gold)
    elapsed = time.perf_counter() - start
    precision = tp_p / n_pred if n_pred else 0.0
    recall = tp_r / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return SkillScores(len(rows), precision, recall, f1, len(rows) / max(elapsed, 1e-9))
