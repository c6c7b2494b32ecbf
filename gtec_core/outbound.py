"""Links to the public services where a person acts next on an occupation: job offers, immersion,
apprenticeship, inclusion. Each builds a search address from a ROME code (and the commune when known);
they open the partner's own search page, nothing is sent to it but what the address holds."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Outbound:
    label: str
    url: str
    what: str


def outbound_links(code_rome: str, commune=None) -> list[Outbound]:
    code_insee = getattr(commune, "code", "") or ""
    offers = {"motsCles": code_rome}
    if code_insee:
        offers.update(lieux=code_insee, rayon=20)
    return [
        Outbound(
            "Offres d'emploi (France Travail)",
            "https://candidat.francetravail.fr/offres/recherche?" + urlencode(offers),
            "les offres en cours pour ce métier",
        ),
        Outbound(
            "Immersion Facile",
            "https://immersion-facile.beta.gouv.fr/recherche?" + urlencode({"rome": code_rome}),
            "découvrir le métier quelques jours en entreprise",
        ),
        Outbound(
            "La bonne alternance",
            "https://labonnealternance.apprentissage.beta.gouv.fr/recherche?"
            + urlencode({"romes": code_rome}),
            "apprendre le métier en alternance",
        ),
        Outbound(
            "Les emplois de l'inclusion",
            "https://emplois.inclusion.beta.gouv.fr/search/job-descriptions/results?"
            + urlencode({"rome": code_rome}),
            "des postes en insertion si vous y avez droit",
        ),
    ]
