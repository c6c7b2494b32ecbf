"""Measures of the text engine on the labelled sets of tests/data/text_eval (provenance: its PROVENANCE.md).

Titles: accuracy@1 and @5, overall and on the noisy titles (abbreviations, English, typos, gendered forms,
jargon). Texts: accuracy@1 of the first occupation; skills strict precision, recall and F1, micro-averaged,
at the level of macro-compétences (a predicted compétence counts as its macro-compétence, savoirs are
ignored; no list of acceptable variants). Each evaluator takes plain functions so that the old method and
the new engine are measured by the same code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class TitleRow:
    title: str
    codes: tuple[str, ...]
    noisy: bool


@dataclass(frozen=True)
class TextRow:
    id: str
    kind: str
    text: str
    rome: tuple[str, ...]
    skills: frozenset[int]


@dataclass
class TitleScores:
    n: int
    at1: float
    at5: float
    n_noisy: int
    noisy_at1: float
    noisy_at5: float
    per_second: float
    misses: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


@dataclass
class TextScores:
    n: int
    occupation_at1: float
    precision: float
    recall: float
    f1: float
    per_second: float


def read_titles(path: Path) -> list[TitleRow]:
    """Titles files: `title<TAB>codes[<TAB>code_ogr<TAB>noisy]`; the old two-column set reads as well."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        noisy = len(cols) > 3 and cols[3].strip() == "1"
        rows.append(TitleRow(cols[0], tuple(c for c in cols[1].split(",") if c), noisy))
    return rows


def read_texts(path: Path) -> list[TextRow]:
    """Texts files (JSON lines): {id, kind, text, rome: [...], skills: [...]}; the old set ({id, text,
    skills, also}) reads with no ROME codes."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            rows.append(
                TextRow(
                    d["id"],
                    d.get("kind", ""),
                    d["text"],
                    tuple(d.get("rome", [])),
                    frozenset(int(s) for s in d["skills"]),
                )
            )
    return rows


def evaluate_titles(match: Callable[[str], list[str]], rows: list[TitleRow]) -> TitleScores:
    """`match(title)` returns ROME codes, best first (at least five when it can)."""
    hits1 = hits5 = n1 = n5 = 0
    misses = []
    start = time.perf_counter()
    for row in rows:
        codes = match(row.title)[:5]
        h1 = bool(codes) and codes[0] in row.codes
        h5 = bool(set(codes) & set(row.codes))
        hits1 += h1
        hits5 += h5
        if row.noisy:
            n1 += h1
            n5 += h5
        if not h1:
            misses.append((row.title, list(row.codes), codes))
    elapsed = time.perf_counter() - start
    n = max(len(rows), 1)
    noisy = sum(r.noisy for r in rows)
    nn = max(noisy, 1)
    return TitleScores(
        len(rows), hits1 / n, hits5 / n, noisy, n1 / nn, n5 / nn, len(rows) / max(elapsed, 1e-9), misses
    )


def to_macros(codes: Iterable[int], macro_of: Mapping[int, int | None], macros: set[int]) -> set[int]:
    """Codes at the macro-compétence level: macros kept, compétences mapped, anything else dropped."""
    out = set()
    for code in codes:
        if code in macros:
            out.add(code)
        elif macro_of.get(code):
            out.add(macro_of[code])
    return out


def evaluate_texts(
    analyse: Callable[[str], tuple[list[str], set[int]]],
    rows: list[TextRow],
) -> TextScores:
    """`analyse(text)` returns (ROME codes best first, macro-compétence codes)."""
    tp = n_pred = n_gold = hits = with_rome = 0
    start = time.perf_counter()
    for row in rows:
        codes, skills = analyse(row.text)
        if row.rome:
            with_rome += 1
            hits += bool(codes) and codes[0] in row.rome
        tp += len(skills & row.skills)
        n_pred += len(skills)
        n_gold += len(row.skills)
    elapsed = time.perf_counter() - start
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    occ = hits / with_rome if with_rome else float("nan")
    return TextScores(len(rows), occ, p, r, f1, len(rows) / max(elapsed, 1e-9))
