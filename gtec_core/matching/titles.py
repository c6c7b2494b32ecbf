"""Cleaning of job-ad titles (clean_title, rewrite), used by the text engine (engine.py), which matches the
cleaned titles against the appellations for every caller (gtec.training included).

Job-ad titles are not appellations: they carry gender marks ("H/F", "(e)"), contract types and places
("- CDI - Vannes (56)"), salaries ("2 100 € brut/mois", "35-40k€"), abbreviations ("ASH", "IDE", "dev") and
English ("sales manager", "software engineer"). The title is cleaned by rules (places with a department
number, amounts, bracketed noise), then words and expressions are rewritten with the table
title_aliases.yaml (built from usage on French job boards).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from gtec_core.text import fold

ALIASES_FILE = Path(__file__).with_name("title_aliases.yaml")

NOISE_PATTERNS = [
    re.compile(r"\b[HFhf]\s*/\s*[HFhf](\s*/\s*[Xx])?\b"),  # H/F, F/H, H/F/X
    re.compile(r"\([^)]*\d[^)]*\)"),  # (56), (CDI 35h), (2000€)
    re.compile(r"\d[\d\s.,]*\s*(k|K)?\s*(€|eur\b|euros?\b)[^-|,]*"),  # amounts and what follows
    re.compile(r"\b\d{2,3}\s*[kK]\b.*"),  # 35k, 40-45k
    re.compile(r"\b\d{5}\b"),  # postcodes
    re.compile(r"\b\d+\s*h\b", re.IGNORECASE),  # 35h
]
SEGMENT = re.compile(r"\s+[-–|/]\s+|\s*[|–]\s*")


@lru_cache(maxsize=1)
def load_aliases(path: Path = ALIASES_FILE) -> tuple[dict[str, str], dict[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = {str(k): str(v or "") for k, v in data.get("replace", {}).items()}
    phrases = {str(k): str(v or "") for k, v in data.get("phrases", {}).items()}
    return words, phrases


def clean_title(title: str) -> str:
    """The title without gender marks, amounts, places with a department number and postcodes; segments
    after a dash that hold nothing but noise (contract, city) are dropped by the alias table later."""
    text = title
    for pattern in NOISE_PATTERNS:
        text = pattern.sub(" ", text)
    segments = [s for s in SEGMENT.split(text) if s and s.strip()]
    # Keep the first segment that has letters; later segments are usually contract, place or company.
    kept = [s for s in segments if re.search(r"[^\W\d_]{2,}", s)]
    if not kept:
        return ""
    first = kept[0]
    if len(kept) > 1 and len(fold(first).split()) == 1 and fold(first) in load_aliases()[0]:
        first = " ".join(kept[:2])
    return first.strip()


def rewrite(text: str) -> str:
    """Expressions then words replaced through title_aliases.yaml (folded text out)."""
    words, phrases = load_aliases()
    folded = f" {fold(text)} "
    for phrase in sorted(phrases, key=len, reverse=True):
        folded = folded.replace(f" {phrase} ", f" {phrases[phrase]} ")
    out = [words.get(w, w) for w in folded.split() if not w.isdigit()]
    return " ".join(w for w in " ".join(out).split())
