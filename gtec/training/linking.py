"""Linking each training action to the ROME fiches it prepares for (Linker), and recomputing every action's
links after a certification import (links_refresh)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from gtec.imports.sync import Counts, sync
from gtec.referentials.models import Fiche
from gtec.referentials.search import text_engine
from gtec.training import models as m
from gtec.training.loading import BATCH, add_counts, data_file
from gtec_core.sources import lheo as lheo_source

# Below, a title match is too loose to link. On the text engine's scale (gtec_core.matching.engine), chosen on
# the development titles of tests/data/text_eval: 86 % of titles reach 0.65 and their first fiche is right for
# 89 % of them (0.55: 97 % and 84 %); "Sauveteur secouriste du travail" (0.61) stays unlinked.
TITLE_MIN_SCORE = 0.65


@lru_cache(maxsize=1)
def formacode_labels() -> dict[str, str]:
    """Formacode code → label, from GTEC_DATA_DIR/lheo/FCod-utf-8.csv when present."""
    path = data_file("lheo", "FCod-utf-8.csv")
    return lheo_source.read_formacodes(path) if path.is_file() else {}


class Linker:
    """The ROME fiches an action prepares for, with the route that found each and a confidence:
    declared ROME codes (1.0; a ROME v3 code reaches the 4.0 fiches that descend from it, 0.9), the
    certification's ROME codes in the RNCP export (0.85), the title classified by the French matcher
    (≤ 0.7, by the one text engine), the principal Formacode's label classified likewise (≤ 0.5). A later route is used only
    when the earlier ones found nothing."""

    def __init__(self):
        fiches = Fiche.objects.filter(actif=True).values_list("code_rome", "code_rome_parent")
        self.fiches: set[str] = set()
        self.children: dict[str, list[str]] = defaultdict(list)
        for code, parent in fiches:
            self.fiches.add(code)
            if parent and parent != code:
                self.children[parent].append(code)
        self.cert_romes: dict[str, list[str]] = defaultdict(list)
        for cert, code in m.CertificationRome.objects.values_list("certification_code", "code_rome"):
            self.cert_romes[cert].append(code)
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def resolve(self, code: str) -> list[tuple[str, float]]:
        if code in self.fiches:
            return [(code, 1.0)]
        return [(child, 0.9) for child in sorted(self.children.get(code, []))]

    def classify(self, text: str) -> list[tuple[str, float]]:
        """Best fiches for a title: the top hit and those within 90 % of it (3 at most)."""
        query = lheo_source.occupation_query(text)
        if not query:
            return []
        if query not in self._cache:
            hits = [h for h in text_engine().match_titles(query, limit=3) if h.score >= TITLE_MIN_SCORE]
            top = hits[0].score if hits else 0
            self._cache[query] = [(h.code_rome, min(h.score, 1.0)) for h in hits if h.score >= 0.9 * top]
            if len(self._cache) > 50_000:
                self._cache.clear()
        return self._cache[query]

    def links(
        self, *, romes: Iterable[str], certifications: Iterable[str], intitule: str, formacodes: list[str]
    ) -> list[tuple[str, str, float]]:
        found: dict[str, tuple[str, float]] = {}

        def add(code: str, route: str, confidence: float) -> None:
            if code in self.fiches and (code not in found or found[code][1] < confidence):
                found[code] = (route, round(confidence, 3))

        for code in romes:
            for fiche, confidence in self.resolve(code):
                add(fiche, "lheo", confidence)
        for cert in certifications:
            for code in self.cert_romes.get(cert, ()):
                for fiche, confidence in self.resolve(code):
                    add(fiche, "rncp", 0.85 * confidence)
        if not found:
            for fiche, score in self.classify(intitule):
                add(fiche, "titre", 0.7 * score)
        if not found and formacodes:
            label = formacode_labels().get(formacodes[0], "")
            for fiche, score in self.classify(label) if label else []:
                add(fiche, "formacode", 0.5 * score)
        return [(code, route, confidence) for code, (route, confidence) in sorted(found.items())]


def links_refresh() -> Counts:
    """Recompute every action's ROME links (after a certification import)."""
    linker = Linker()
    total = Counts()
    formations = m.Formation.objects.values_list("pk", "romes", "certifications", "intitule", "formacodes")
    batch: list[tuple] = []

    def flush(batch: list[tuple]) -> None:
        by_formation = {
            pk: linker.links(romes=romes, certifications=certs, intitule=title, formacodes=fcs)
            for pk, romes, certs, title, fcs in batch
        }
        actions = list(
            m.Action.objects.filter(formation_id__in=list(by_formation)).values_list("pk", "formation_id")
        )
        rows = [
            {"action_id": aid, "fiche_id": code, "route": route, "confidence": confidence}
            for aid, fid in actions
            for code, route, confidence in by_formation[fid]
        ]
        add_counts(
            total,
            sync(
                m.ActionFiche,
                rows,
                ("action_id", "fiche_id"),
                scope={"action_id__in": [a for a, _ in actions]},
            ),
        )

    for row in formations.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) >= BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return total
