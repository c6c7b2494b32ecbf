"""/api/v1/parcours: career paths from appellations (métiers exercés) or skills (codes OGR), or from a free
text sent by POST — the text is read once to find skills and never stored nor logged."""

from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from gtec.api.v1.core import ApiError, public
from gtec.careers import queries as cq
from gtec.careers import services as cs

router = Router(tags=["Parcours"], auth=public)
MAX_SKILLS = 400


class CompetenceLien(Schema):
    code_ogr: int
    libelle: str


class ParcoursOut(Schema):
    code_rome: str
    libelle: str
    score: float
    couverture: float
    proximite: str
    facteurs: dict[str, float | None]
    competences_acquises: list[CompetenceLien]
    competences_a_acquerir: list[CompetenceLien]
    chiffres_locaux: list[tuple[str, str | int | float]] | None
    millesime: str


class ParcoursReponse(Schema):
    competences: list[CompetenceLien]
    territoire: str
    commune: str | None
    distance_km: int | None
    parcours: list[ParcoursOut]


class TexteIn(Schema):
    texte: str = Field("", max_length=5000, description="expérience décrite librement (jamais conservée)")
    appellations: list[int] = Field(default_factory=list, max_length=10)
    competences: list[int] = Field(default_factory=list, max_length=MAX_SKILLS)
    commune: str = Field("", pattern=r"^(\d{5}|2[AB]\d{3})?$")
    distance_km: int | None = Field(None, ge=1, le=200)
    limite: int = Field(10, ge=1, le=30)


def compute(skills: list[int], appellations: list[int], commune: str, distance_km, limite: int) -> dict:
    if commune and cq.commune_get(commune) is None:
        raise ApiError(422, "requete_invalide", f"« commune » : commune {commune} inconnue.")
    origins = cq.appellations_get(list(dict.fromkeys(appellations)))
    if appellations and not origins:
        raise ApiError(422, "requete_invalide", "« appellations » : aucun code OGR d'appellation connu.")
    held = set(skills)
    for app in origins:
        held.update(e.code_ogr for e in cs.fiche_skills(app.fiche_id))
    if not held and not origins:
        raise ApiError(
            422, "requete_invalide", "Donnez au moins une appellation, une compétence ou un texte."
        )
    result = cs.paths_for(
        skills=sorted(held)[:MAX_SKILLS],
        appellations=[a.code_ogr for a in origins],
        commune=commune,
        max_km=distance_km,
        limit=limite,
    )
    return {
        "competences": [{"code_ogr": c, "libelle": label} for c, label in result.skills],
        "territoire": result.territory_key,
        "commune": result.commune.code if result.commune else None,
        "distance_km": result.max_km,
        "parcours": [
            {
                "code_rome": v.path.code_rome,
                "libelle": v.path.label,
                "score": round(v.path.score, 4),
                "couverture": round(v.path.coverage, 4),
                "proximite": v.path.band,
                "facteurs": dict(v.path.factors),
                "competences_acquises": [{"code_ogr": e.code_ogr, "libelle": e.label} for e in v.held],
                "competences_a_acquerir": [{"code_ogr": e.code_ogr, "libelle": e.label} for e in v.missing],
                "chiffres_locaux": [(label, value) for label, value in v.figures] if v.figures else None,
                "millesime": v.vintage,
            }
            for v in result.paths
        ],
    }


@router.get("", response=ParcoursReponse, summary="Parcours possibles depuis des métiers ou des compétences")
def parcours(
    request,
    appellation: list[int] = Query(
        None, description="codes OGR d'appellations exercées (répétable)", max_length=10
    ),
    competence: list[int] = Query(
        None, description="codes OGR de compétences (répétable)", max_length=MAX_SKILLS
    ),
    commune: str = Query("", pattern=r"^(\d{5}|2[AB]\d{3})?$", description="code INSEE"),
    distance_km: int = Query(None, ge=1, le=200),
    limite: int = Query(10, ge=1, le=30),
):
    return compute(list(competence or []), list(appellation or []), commune, distance_km, limite)


@router.post(
    "/texte",
    response=ParcoursReponse,
    summary="Parcours depuis une description libre (le texte n'est ni conservé ni journalisé)",
)
def parcours_texte(request, data: TexteIn):
    skills = list(data.competences)
    if data.texte.strip():
        skills += [m.code_ogr for m in cs.skills_extract(data.texte)]
    return compute(skills, list(data.appellations), data.commune, data.distance_km, data.limite)
