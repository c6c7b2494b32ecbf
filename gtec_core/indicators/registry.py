"""The explicit registry of declared indicators: one entry per indicator, nothing discovered by magic.

Each declaration says whether the official formula is public; where it is not, the documentation names
what is approximated ([P] in methods.md) and the UI labels the value « approximation de … ».
"""

from __future__ import annotations

from gtec_core.indicators import labour, structure, tension
from gtec_core.indicators.base import Indicator

DARES_PSM = "https://github.com/StatDares/PortraitStatMetiers"
BMO = "https://statistiques.francetravail.org/bmo"

_DECLARED = (
    Indicator(
        name="offers_demand_ratio",
        label="Rapport offres / demandes d'emploi",
        unit="ratio",
        period="année",
        reference="Dares, ancien indicateur de tension OEE / DEE (interrompu en 2017)",
        reference_url=None,
        parameters="labour.offers_demand_ratio",
        inputs=("offers", "jobseekers"),
        compute=labour.offers_demand_ratio,
        documentation="Offres collectées par France Travail / inscriptions de demandeurs d'emploi ; "
        "en tension si > 1. Formule publique ; seuil de volume N_min = proposition [P].",
        reading="Au-dessus de 1, il y a plus d'offres que de nouveaux inscrits pour ce métier : les employeurs ont du mal à trouver. En dessous de 1, les candidats sont plus nombreux que les offres.",
    ),
    Indicator(
        name="bmo_projects",
        label="Projets de recrutement (BMO)",
        unit="projets",
        period="année",
        reference="France Travail, enquête Besoins en main-d'œuvre (met)",
        reference_url=BMO,
        parameters=None,
        inputs=("bmo",),
        compute=labour.bmo_projects,
        documentation="Nombre de projets de recrutement publié par bassin ; « * » = secret à la source. "
        "Le total « tous métiers » est la somme des seules cellules publiées.",
        reading="Nombre d'embauches que les employeurs prévoient pour l'année, d'après leurs réponses à "
        "l'enquête. Un « s » marque un nombre que France Travail ne publie pas (secret statistique) ; le total "
        "ne compte que les nombres publiés.",
        compared=False,  # the comparison shows it among the key figures
    ),
    Indicator(
        name="bmo_difficulty_rate",
        label="Taux de difficulté de recrutement (BMO)",
        unit="part",
        period="année",
        reference="France Travail, enquête Besoins en main-d'œuvre (xmet / met)",
        reference_url=BMO,
        parameters="labour.bmo_difficulty_rate",
        inputs=("bmo",),
        compute=labour.bmo_difficulty_rate,
        documentation="Projets jugés difficiles / projets de recrutement. Formule publique ; "
        "les cellules « * » sont secrètes à la source.",
        reading="Part des projets de recrutement que les employeurs eux-mêmes jugent difficiles. 60 % signifie que 6 projets sur 10 sont annoncés difficiles.",
    ),
    Indicator(
        name="bmo_seasonality_rate",
        label="Taux de projets saisonniers (BMO)",
        unit="part",
        period="année",
        reference="France Travail, enquête Besoins en main-d'œuvre (smet / met)",
        reference_url=BMO,
        parameters="labour.bmo_seasonality_rate",
        inputs=("bmo",),
        compute=labour.bmo_seasonality_rate,
        documentation="Projets saisonniers / projets de recrutement. Formule publique.",
        reading="Part des projets de recrutement liés à une activité saisonnière (tourisme, récoltes…). Une part élevée signale des emplois courts et répétés chaque année.",
    ),
    Indicator(
        name="hiring_intensity",
        label="Intensité d'embauches",
        unit="offres et projets par emploi",
        period="année",
        reference="Dares, indicateurs complémentaires de tension (README_tensions)",
        reference_url=DARES_PSM,
        parameters="labour.hiring_intensity",
        inputs=("employment", "offers", "bmo"),
        compute=labour.hiring_intensity,
        documentation="Offres en ligne et projets BMO rapportés à l'emploi moyen, avant centrage-réduction. "
        "La combinaison Dares n'est pas publique : poids égaux [P].",
        official_formula_public=False,
        reading="Combien d'offres et de projets de recrutement pour un emploi occupé. Plus la valeur est haute, plus le métier recrute au regard de sa taille.",
    ),
    Indicator(
        name="lack_of_labour",
        label="Manque de main-d'œuvre disponible",
        unit="opposé du ratio DEFM A / emploi",
        period="année",
        reference="Dares, indicateurs complémentaires de tension (README_tensions)",
        reference_url=DARES_PSM,
        parameters="labour.lack_of_labour",
        inputs=("employment", "jobseekers"),
        compute=labour.lack_of_labour,
        documentation="−(demandeurs d'emploi de catégorie A / emploi moyen), avant centrage-réduction. "
        "Définition publique (README Dares).",
        reading="Plus la valeur est proche de zéro, moins il y a de demandeurs d'emploi disponibles au regard des emplois : le vivier manque.",
    ),
    Indicator(
        name="non_durability",
        label="Non-durabilité de l'emploi",
        unit="opposé d'une part moyenne",
        period="année",
        reference="Dares, indicateurs complémentaires de tension (README_tensions)",
        reference_url=DARES_PSM,
        parameters="labour.non_durability",
        inputs=("offers", "bmo"),
        compute=labour.non_durability,
        documentation="Opposé de la moyenne pondérée des parts d'offres durables, à temps complet et de "
        "projets non saisonniers. Les poids Dares ne sont pas publics : poids égaux [P].",
        official_formula_public=False,
        reading="Plus la valeur est proche de zéro, plus les emplois proposés sont durables (CDI ou CDD long, temps complet, non saisonniers).",
    ),
    Indicator(
        name="geographic_mismatch",
        label="Inadéquation géographique (indice de Duncan)",
        unit="indice (0-1)",
        period="année",
        reference="Dares, indicateurs complémentaires ; indice de dissimilarité de Duncan et Duncan",
        reference_url=DARES_PSM,
        parameters="labour.geographic_mismatch",
        inputs=("subareas",),
        compute=labour.geographic_mismatch,
        documentation="½ Σ |O_g/O − DE_g/DE| entre communes ou EPCI du territoire. Formule publique ; "
        "le niveau des sous-zones utilisé par la Dares n'est pas précisé [R].",
        reading="0 : offres et demandeurs d'emploi sont répartis de la même façon entre les communes ; 1 : ils ne se trouvent jamais au même endroit. Une valeur élevée signale un problème de mobilité.",
    ),
    Indicator(
        name="dares_tension",
        label="Indicateur synthétique de tension (Dares)",
        unit="écart-type (centré-réduit)",
        period="année",
        reference="Dares / France Travail, indicateur de tension rénové (2020), pondérations 30/20/50",
        reference_url=DARES_PSM,
        parameters="tension",
        inputs=("offers", "jobseekers", "bmo"),
        compute=tension.dares_tension,
        documentation="0,3·z(offres en ligne / DEE A) + 0,2·z(taux d'écoulement ABC) + 0,5·z(part de "
        "projets difficiles), moments de référence 2014-2018. Non publics : les moments de référence, "
        "la définition exacte du taux d'écoulement et les bornes des catégories (déduites du fichier 2019).",
        official_formula_public=False,
        reading="Écart à la moyenne des métiers, en écarts-types : 0 est la moyenne, +1 nettement plus tendu que la moyenne. GTEC l'affiche par catégorie (très faible à très forte), comme la Dares.",
    ),
    Indicator(
        name="location_quotient",
        label="Indice de spécificité (quotient de localisation)",
        unit="ratio",
        period="année",
        reference="Insee, indice de spécificité",
        reference_url=None,
        parameters="structure.location_quotient",
        inputs=("employment", "reference"),
        compute=structure.location_quotient,
        documentation="Part du métier dans l'emploi du territoire / part dans l'emploi du territoire de "
        "référence. " + structure.LQ_REFERENCE_RULE,
        reading="1 : le métier pèse autant dans l'emploi du territoire que dans celui du territoire de référence indiqué ; 2 : deux fois plus ; 0,5 : deux fois moins.",
        compared=False,  # a ratio of shares: no territory-wide value
    ),
    Indicator(
        name="krugman_specialisation",
        label="Indice de spécialisation de Krugman",
        unit="indice (0-2)",
        period="année",
        reference="Krugman (1991), Geography and Trade",
        reference_url=None,
        parameters="structure.krugman_specialisation",
        inputs=("employment", "reference"),
        compute=structure.krugman_specialisation,
        documentation="Σ |part territoire − part référence| ; convention non divisée par 2 (0 à 2).",
        reading="0 : la structure des emplois du territoire est identique à celle de la référence ; plus la valeur monte (jusqu'à 2), plus le territoire est spécialisé.",
        scope="structure",
    ),
    Indicator(
        name="herfindahl",
        label="Indice de concentration de Herfindahl-Hirschman",
        unit="indice (1/S-1)",
        period="année",
        reference="Herfindahl-Hirschman",
        reference_url=None,
        parameters=None,
        inputs=("employment",),
        compute=structure.herfindahl,
        documentation="Σ part² ; 1/HHI = nombre effectif de métiers.",
        reading="Proche de 0 : emplois répartis entre de nombreux métiers ou secteurs ; proche de 1 : emplois concentrés sur quelques-uns, donc plus exposés à un choc.",
        scope="structure",
    ),
    Indicator(
        name="shannon",
        label="Diversité de Shannon",
        unit="nats",
        period="année",
        reference="Shannon (1948) ; Frenken et al. (2007)",
        reference_url=None,
        parameters=None,
        inputs=("employment",),
        compute=structure.shannon,
        documentation="−Σ part · ln part.",
        reading="Plus la valeur est haute, plus les emplois sont variés. Se lit surtout en comparant deux territoires.",
        scope="structure",
        compared=False,  # the comparison shows its normalised form
    ),
    Indicator(
        name="shannon_normalised",
        label="Diversité de Shannon normalisée",
        unit="indice (0-1)",
        period="année",
        reference="Shannon (1948)",
        reference_url=None,
        parameters=None,
        inputs=("employment",),
        compute=structure.shannon_normalised,
        documentation="H / ln S, S = nombre de métiers de la nomenclature listés.",
        reading="Entre 0 (un seul métier ou secteur) et 1 (emplois répartis également entre tous) : une diversité élevée amortit les chocs.",
        scope="structure",
    ),
    Indicator(
        name="covid_exposure",
        label="Exposition à un choc sectoriel (type COVID)",
        unit="part d'activité perdue",
        period="date du choc",
        reference="France Stratégie (2020), vulnérabilité des zones d'emploi ; Insee, Point de conjoncture",
        reference_url=None,
        parameters="structure.covid_exposure",
        inputs=("employment",),
        compute=structure.covid_exposure,
        documentation="Σ part du secteur · perte d'activité nationale du secteur (Insee, 26 mars 2020).",
        reading="Part de l'emploi perdue si chaque secteur perdait ce qu'il a perdu en mars 2020 (pertes Insee par branche). Plus elle est élevée, plus le territoire est exposé à un choc de ce type.",
        scope="sector",
    ),
)

REGISTRY: dict[str, Indicator] = {indicator.name: indicator for indicator in _DECLARED}

# The declared groups, in the order of the registry: what a run computes by occupation and for the employment
# structure of each territory, and what the comparison of two territories shows (the territory-wide values of
# the per-occupation indicators, then the structure indices and the shock exposure).
PER_OCCUPATION = tuple(name for name, i in REGISTRY.items() if i.scope == "occupation")
STRUCTURE = tuple(name for name, i in REGISTRY.items() if i.scope == "structure")
COMPARED = tuple(name for name, i in REGISTRY.items() if i.compared)


def get(name: str) -> Indicator:
    """The declared indicator `name` (KeyError with the known names otherwise)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown indicator {name!r}; declared: {sorted(REGISTRY)}") from None
