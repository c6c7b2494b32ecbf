"""/api/v1/referentiels: the ROME 4.0 — fiches (code ROME), appellations and skills (code OGR),
mobilities."""

from __future__ import annotations

from ninja import Query, Router, Schema

from gtec.api.v1.core import Page, not_found, paginate, public
from gtec.referentials import queries as rq
from gtec.referentials.models import Appellation, Competence, Fiche, Savoir
from gtec.referentials.search import appellation_search

router = Router(tags=["Référentiels (ROME)"], auth=public)


class FicheOut(Schema):
    code_rome: str
    code_ogr: int
    libelle: str
    domaine: str | None


class AppellationOut(Schema):
    code_ogr: int
    libelle: str
    code_rome: str
    libelle_rome: str


class CompetenceOut(Schema):
    code_ogr: int
    libelle: str
    type: str
    categorie: str


class LienCompetence(Schema):
    code_ogr: int
    libelle: str
    type: str
    coeur_metier: str


class MobiliteOut(Schema):
    code_rome: str
    libelle: str
    rang: int


class FicheDetailOut(FicheOut):
    definition: str
    acces_metier: str
    appellations: list[AppellationOut]
    competences: list[LienCompetence]
    mobilites: list[MobiliteOut]


def fiche_out(f: Fiche) -> dict:
    return {"code_rome": f.code_rome, "code_ogr": f.code_ogr, "libelle": f.libelle, "domaine": f.domaine_id}


def appellation_out(a: Appellation) -> dict:
    return {
        "code_ogr": a.code_ogr,
        "libelle": a.libelle,
        "code_rome": a.fiche_id,
        "libelle_rome": a.fiche.libelle,
    }


def mobilite_out(m) -> dict:
    return {"code_rome": m.cible_id, "libelle": m.cible.libelle, "rang": m.rang}


def words(qs, q: str, field: str):
    for word in q.split()[:8]:
        qs = qs.filter(**{f"{field}__icontains": word})
    return qs


@router.get("/fiches", response=Page(FicheOut), summary="Fiches métiers ROME")
def fiches(
    request,
    q: str = Query("", max_length=100, description="mots du libellé ou code ROME"),
    domaine: str = Query("", max_length=3, description="domaine professionnel (ex. « J15 »)"),
    page: int = Query(1, ge=1),
    size: int = Query(20, ge=1, le=100),
):
    rows = Fiche.objects.filter(actif=True).order_by("code_rome")
    if domaine:
        rows = rows.filter(domaine_id=domaine.upper())
    q = q.strip()
    if len(q) == 5 and q[0].isalpha() and q[1:].isdigit():
        rows = rows.filter(code_rome=q.upper())
    elif q:
        rows = words(rows, q, "libelle")
    return paginate(rows, page, size, fiche_out)


@router.get("/fiches/{code_rome}", response=FicheDetailOut, summary="Une fiche ROME et ses compétences")
def fiche(request, code_rome: str):
    detail = rq.fiche_detail(code_rome.upper()[:5])
    if detail is None:
        raise not_found(f"Fiche ROME « {code_rome[:10]} »")
    f = detail.fiche
    skills = [
        {
            "code_ogr": link.competence.code_ogr,
            "libelle": link.competence.libelle,
            "type": "savoir_etre" if link.savoir_etre else "savoir_faire",
            "coeur_metier": link.coeur_metier,
        }
        for link in [*(x for group in detail.savoir_faire.values() for x in group), *detail.savoir_etre]
    ]
    skills += [
        {
            "code_ogr": link.savoir.code_ogr,
            "libelle": link.savoir.libelle,
            "type": "savoir",
            "coeur_metier": link.coeur_metier,
        }
        for group in detail.savoirs.values()
        for link in group
    ]
    return {
        **fiche_out(f),
        "definition": f.definition,
        "acces_metier": f.acces_metier,
        "appellations": [
            {
                "code_ogr": a.code_ogr,
                "libelle": a.libelle,
                "code_rome": f.code_rome,
                "libelle_rome": f.libelle,
            }
            for a in detail.appellations
        ],
        "competences": skills,
        "mobilites": [mobilite_out(m) for m in detail.mobilites],
    }


@router.get("/fiches/{code_rome}/mobilites", response=list[MobiliteOut], summary="Mobilités depuis une fiche")
def mobilites(request, code_rome: str):
    detail = rq.fiche_detail(code_rome.upper()[:5])
    if detail is None:
        raise not_found(f"Fiche ROME « {code_rome[:10]} »")
    return [mobilite_out(m) for m in detail.mobilites]


@router.get("/appellations", response=Page(AppellationOut), summary="Appellations métiers (recherche)")
def appellations(
    request,
    q: str = Query("", max_length=100, description="texte libre (tolère fautes et accents)"),
    code_rome: str = Query("", max_length=5),
    page: int = Query(1, ge=1),
    size: int = Query(20, ge=1, le=100),
):
    if q.strip():
        hits = [h.entry for h in appellation_search(q, limit=200)]
        if code_rome:
            hits = [e for e in hits if e.code_rome == code_rome.upper()]
        return paginate(
            hits,
            page,
            size,
            lambda e: {
                "code_ogr": e.code_ogr,
                "libelle": e.libelle,
                "code_rome": e.code_rome,
                "libelle_rome": e.libelle_rome,
            },
        )
    rows = Appellation.objects.filter(actif=True).select_related("fiche").order_by("fiche_id", "libelle")
    if code_rome:
        rows = rows.filter(fiche_id=code_rome.upper())
    return paginate(rows, page, size, appellation_out)


@router.get("/appellations/{code_ogr}", response=AppellationOut, summary="Une appellation (code OGR)")
def appellation(request, code_ogr: int):
    a = Appellation.objects.select_related("fiche").filter(code_ogr=code_ogr).first()
    if a is None:
        raise not_found(f"Appellation {code_ogr}")
    return appellation_out(a)


@router.get("/competences", response=Page(CompetenceOut), summary="Compétences et savoirs (code OGR)")
def competences(
    request,
    q: str = Query("", max_length=100, description="mots du libellé"),
    type: str = Query("", description="« competence » ou « savoir » (les deux par défaut)"),
    page: int = Query(1, ge=1),
    size: int = Query(20, ge=1, le=100),
):
    rows: list[dict] = []
    if type in {"", "competence"}:
        comp = words(Competence.objects.filter(actif=True), q, "libelle").order_by("libelle")
        rows += [
            {
                "code_ogr": c,
                "libelle": lib,
                "type": "macro_competence" if macro else "competence",
                "categorie": cat,
            }
            for c, lib, macro, cat in comp.values_list("code_ogr", "libelle", "macro", "categorie")[:2000]
        ]
    if type in {"", "savoir"}:
        sav = words(Savoir.objects.filter(actif=True), q, "libelle").order_by("libelle")
        rows += [
            {"code_ogr": c, "libelle": lib, "type": "savoir", "categorie": cat}
            for c, lib, cat in sav.values_list("code_ogr", "libelle", "categorie")[:2000]
        ]
    return paginate(rows, page, size)


@router.get("/competences/{code_ogr}", response=CompetenceOut, summary="Une compétence ou un savoir")
def competence(request, code_ogr: int):
    c = Competence.objects.filter(code_ogr=code_ogr).first()
    if c is not None:
        return {
            "code_ogr": c.code_ogr,
            "libelle": c.libelle,
            "type": "macro_competence" if c.macro else "competence",
            "categorie": c.categorie,
        }
    s = Savoir.objects.filter(code_ogr=code_ogr).first()
    if s is None:
        raise not_found(f"Compétence {code_ogr}")
    return {"code_ogr": s.code_ogr, "libelle": s.libelle, "type": "savoir", "categorie": s.categorie}
