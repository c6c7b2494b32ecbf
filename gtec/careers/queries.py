"""Read-side queries of the careers area."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Q

from gtec.careers.models import SavedPath
from gtec.referentials.models import Appellation, Fiche, FicheClassement, Savoir
from gtec.territories.models import Territory
from gtec_core.french import sort_french
from gtec_core.qualification import EntryLevel, entry_level


def savedpath_get(token: str) -> SavedPath | None:
    if not token or len(token) > 64:
        return None
    return SavedPath.objects.filter(token=token).first()


def communes_choices() -> list[Territory]:
    """The communes offered in the form: those of the départements of the default territory (someone living
    just outside it can still say where they live), in French dictionary order."""
    territory = Territory.objects.filter(key=settings.GTEC_DEFAULT_TERRITORY).first()
    qs = Territory.objects.filter(scale="commune", actif=True)
    if territory:
        codes = territory.communes().values_list("code", flat=True)
        prefixes = {code[:3] if code.startswith("97") else code[:2] for code in codes}
        query = Q()
        for prefix in prefixes:
            query |= Q(code__startswith=prefix)
        if prefixes:
            qs = qs.filter(query)
    return sort_french(qs, key=lambda c: c.name)


def commune_get(code: str) -> Territory | None:
    return Territory.objects.filter(scale="commune", code=code).first() if code else None


def territory_key_for(commune: Territory | None) -> str:
    """Where local demand is read: the employment zone of the commune when known, else the default area."""
    if commune is not None:
        ze = Territory.objects.containing(commune).filter(scale="ze").first()
        if ze is not None:
            return ze.key
    return settings.GTEC_DEFAULT_TERRITORY


def appellations_get(codes: list[int]) -> list[Appellation]:
    found = Appellation.objects.select_related("fiche").in_bulk(codes)
    return [found[c] for c in codes if c in found]


def sectors_of(codes_rome: list[str]) -> dict[str, list[str]]:
    """The ROME's secteurs d'activité of each fiche (unix_arborescence_secteur_activite), principal first."""
    out: dict[str, list[str]] = defaultdict(list)
    links = (
        FicheClassement.objects.filter(fiche_id__in=codes_rome, classement__kind="secteur")
        .select_related("classement")
        .order_by("-principal", "classement__libelle")
    )
    for link in links:
        out[link.fiche_id].append(link.classement.libelle)
    return dict(out)


CERTIFICATIONS = "Certifications et habilitations"


def certification_codes(codes: list[int]) -> set[int]:
    """The codes among `codes` that are ROME savoirs of the « Certifications et habilitations » category
    (diplomas, titles, CQP, licences, CACES…): things a person holds or not, never presumed."""
    return set(
        Savoir.objects.filter(code_ogr__in=codes, categorie=CERTIFICATIONS).values_list("code_ogr", flat=True)
    )


def transitions(origins: list[str], targets: set[str], limit: int = 3) -> dict[str, list[dict]]:
    """For each origin fiche, the target fiches most reachable from it, best first: the person is presumed
    to hold the origin fiche's skills, and the official ROME mobilities of the fiche count (the ranking of
    `gtec_core.paths` with the engine's weights, without the local factors). The coverage of a fiche depends
    only on its own skills, so the matrix is built on the fiches involved alone (milliseconds instead of the
    seconds of the whole engine). Used by the diagnostic for its « passerelles »."""
    from gtec.referentials.models import Competence, FicheCompetence, FicheSavoir, Mobilite, Savoir
    from gtec_core.paths.matrix import Link, SkillInfo, SkillMatrix
    from gtec_core.paths.ranker import load_params, rank_paths

    params = load_params()
    codes = set(origins) | set(targets)
    comp_links = list(
        FicheCompetence.objects.filter(fiche_id__in=codes).values_list(
            "fiche_id", "competence_id", "savoir_etre", "coeur_metier"
        )
    )
    savoir_links = list(
        FicheSavoir.objects.filter(fiche_id__in=codes).values_list("fiche_id", "savoir_id", "coeur_metier")
    )
    infos = {
        code: SkillInfo(
            code,
            label,
            "macro" if macro else ("savoir_etre" if "être" in (cat or "") else "savoir_faire"),
            None if macro else parent,
        )
        for code, label, macro, parent, cat in Competence.objects.filter(
            code_ogr__in={c for _, c, _, _ in comp_links}
        ).values_list("code_ogr", "libelle", "macro", "parent_id", "categorie")
    }
    infos.update(
        {
            code: SkillInfo(code, label, "savoir")
            for code, label in Savoir.objects.filter(
                code_ogr__in={s for _, s, _ in savoir_links}
            ).values_list("code_ogr", "libelle")
        }
    )
    links = [Link(f, c, "savoir_etre" if se else "savoir_faire", coeur) for f, c, se, coeur in comp_links]
    links += [Link(f, s, "savoir", coeur) for f, s, coeur in savoir_links]
    fiches = dict(Fiche.objects.filter(code_rome__in=codes).values_list("code_rome", "libelle"))
    matrix = SkillMatrix(links, infos, fiches, params.skill_weights)
    mobilities: dict[str, dict[str, int]] = {}
    for src, dst, rang in Mobilite.objects.filter(source_id__in=origins).values_list(
        "source_id", "cible_id", "rang"
    ):
        mobilities.setdefault(src, {})[dst] = rang
    out: dict[str, list[dict]] = {}
    for code in origins:
        skills = matrix.fiche_skills(code)
        if not skills:
            out[code] = []
            continue
        ranked = rank_paths(
            matrix, skills, params, origins=[code], mobility=mobilities, limit=len(matrix) + 1
        )
        out[code] = [
            {
                "code_rome": p.code_rome,
                "label": p.label,
                "coverage": p.coverage,
                "band": p.band,
                "mobility_rank": p.mobility_rank,
            }
            for p in ranked
            if p.code_rome in targets
        ][:limit]
    return out


def entry_levels(codes_rome: list[str]) -> dict[str, EntryLevel]:
    """The diploma level each fiche asks for, read from its ROME access text (gtec_core.qualification)."""
    rows = Fiche.objects.filter(code_rome__in=codes_rome).values_list("code_rome", "acces_metier")
    return {code: entry_level(text) for code, text in rows}


def reachable_fiches(
    code_rome: str, *, demand: dict[str, float] | None = None, limit: int = 8
) -> list[tuple[str, str, float, str]]:
    """The fiches a person who held `code_rome` can reach (the career-path engine: the fiche's own skills,
    its ROME mobility links, and an optional demand factor by fiche in [0, 1]): [(code, label, coverage,
    band)], best first. Read by the stress tests (absorption of displaced workers)."""
    from gtec.careers.services import engine
    from gtec_core.paths.ranker import rank_paths

    eng = engine()
    skills = set(eng.matrix.fiche_skills(code_rome))
    if not skills:
        return []
    ranked = rank_paths(
        eng.matrix,
        skills,
        eng.params,
        origins=[code_rome],
        mobility=eng.mobilities,
        demand=demand,
        limit=limit,
    )
    return [(p.code_rome, p.label, p.coverage, p.band) for p in ranked]


def territory_label(key: str) -> str:
    """« Zone d'emploi de Vannes » for a territory key (the key itself when unknown)."""
    territory = Territory.objects.filter(key=key).first() if key else None
    return territory.display_name if territory else key
