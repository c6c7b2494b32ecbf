"""The fiche × skill weight matrix of a ROME 4.0 release, held as a sparse inverted index (skill → fiches),
built once per ROME import and reused by every query.

Rows are the compétences (savoir-faire, savoir-être) and savoirs a fiche lists (unix_liens_rome_referentiels,
bloc 5), each weighted w = coeur_weight[cœur de métier] × kind_weight[kind] (paths.yaml `skills`), the
cœur-de-métier flag coming from unix_coherence_item. A query (a person's skill set) touches only the postings
of its skills, so ranking all 1 584 fiches costs a few thousand additions.

Partial credit (paths.yaml `macro_credit`, [P], analogue of MCC's NLP-adjusted overlap, methods.md §3.3): a
destination compétence the person lacks, but whose macro-compétence (unix_referentiel_competence
.code_ogr_macro_comp) the person holds or reaches through another compétence of the same macro-compétence,
counts `macro_credit` instead of 0. The ROME links fiches to compétences, never to macro-compétences, so this
is also what lets skills extracted from free text (often macro-compétences) meet the fiches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

KINDS = ("savoir_faire", "savoir_etre", "savoir", "macro")


@dataclass(frozen=True)
class Link:
    """One (fiche, skill) link of the release."""

    code_rome: str
    code_ogr: int
    kind: str  # savoir_faire, savoir_etre or savoir
    coeur: str = ""  # Principale, Émergente or ""


@dataclass(frozen=True)
class SkillInfo:
    code_ogr: int
    label: str
    kind: str  # savoir_faire, savoir_etre, savoir or macro
    macro: int | None = None


@dataclass(frozen=True)
class SkillWeights:
    coeur: Mapping[str, float] = field(default_factory=lambda: {"Principale": 2.0, "Émergente": 1.5, "": 1.0})
    kind: Mapping[str, float] = field(
        default_factory=lambda: {"savoir_faire": 1.0, "savoir_etre": 0.5, "savoir": 1.0}
    )
    macro_credit: float = 0.5

    def of(self, link: Link) -> float:
        return self.coeur.get(link.coeur, self.coeur.get("", 1.0)) * self.kind.get(link.kind, 1.0)


@dataclass(frozen=True)
class Explained:
    code_ogr: int
    label: str
    weight: float
    coeur: str
    credit: float  # 1 held, macro_credit when only its macro-compétence is reached, 0 missing


class SkillMatrix:
    def __init__(
        self,
        links: Iterable[Link],
        skills: Mapping[int, SkillInfo],
        fiches: Mapping[str, str],
        weights: SkillWeights | None = None,
    ):
        self.weights = weights or SkillWeights()
        self.skills = dict(skills)
        self.fiches = dict(fiches)
        self.rows: dict[str, dict[int, float]] = defaultdict(dict)
        self.coeur: dict[tuple[str, int], str] = {}
        for link in links:
            w = self.weights.of(link)
            if w > 0:
                self.rows[link.code_rome][link.code_ogr] = w
                if link.coeur:
                    self.coeur[(link.code_rome, link.code_ogr)] = link.coeur
        self.rows = dict(self.rows)
        self.totals = {rome: sum(row.values()) for rome, row in self.rows.items()}
        self.by_skill: dict[int, list[tuple[str, float]]] = defaultdict(list)
        self.by_macro: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.macro_of = {code: info.macro for code, info in self.skills.items() if info.macro}
        for rome, row in self.rows.items():
            for code, w in row.items():
                self.by_skill[code].append((rome, w))
                macro = self.macro_of.get(code)
                if macro:
                    self.by_macro[macro][rome] += w
        self.by_skill = dict(self.by_skill)
        self.by_macro = {m: dict(v) for m, v in self.by_macro.items()}

    def __len__(self) -> int:
        return len(self.rows)

    def fiche_skills(self, code_rome: str) -> frozenset[int]:
        return frozenset(self.rows.get(code_rome, {}))

    def macros_reached(self, person: Iterable[int]) -> set[int]:
        """Macro-compétences the person holds, directly or through one of their compétences."""
        reached = set()
        for s in person:
            if s in self.by_macro or self.skills.get(s, SkillInfo(s, "", "")).kind == "macro":
                reached.add(s)
            macro = self.macro_of.get(s)
            if macro:
                reached.add(macro)
        return reached

    def coverages(self, person: Iterable[int]) -> dict[str, float]:
        """cov(person → fiche) for every fiche sharing at least something with the person (others are 0)."""
        person = set(person)
        exact: dict[str, float] = defaultdict(float)
        for s in person:
            for rome, w in self.by_skill.get(s, ()):
                exact[rome] += w
        alpha = self.weights.macro_credit
        if alpha > 0:
            reached = self.macros_reached(person)
            for m in reached:
                for rome, w in self.by_macro.get(m, {}).items():
                    exact[rome] += alpha * w
            for s in person:
                if self.macro_of.get(s) in reached:
                    for rome, w in self.by_skill.get(s, ()):
                        exact[rome] -= alpha * w  # already counted in full above
        return {rome: min(v / self.totals[rome], 1.0) for rome, v in exact.items() if v > 1e-12}

    def credit(self, code: int, person: set[int], reached: set[int]) -> float:
        if code in person:
            return 1.0
        macro = self.macro_of.get(code)
        return self.weights.macro_credit if macro and macro in reached else 0.0

    def explain(self, code_rome: str, person: Iterable[int]) -> tuple[list[Explained], list[Explained]]:
        """The destination's skills split into held (credit > 0) and missing, heaviest (cœur de métier)
        first, then alphabetical."""
        person = set(person)
        reached = self.macros_reached(person)
        held, missing = [], []
        for code, w in self.rows.get(code_rome, {}).items():
            info = self.skills.get(code)
            item = Explained(
                code,
                info.label if info else str(code),
                w,
                self.coeur.get((code_rome, code), ""),
                self.credit(code, person, reached),
            )
            (held if item.credit > 0 else missing).append(item)
        key = lambda e: (-e.weight, -e.credit, e.label)  # noqa: E731
        return sorted(held, key=key), sorted(missing, key=key)
