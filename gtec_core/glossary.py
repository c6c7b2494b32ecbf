"""Plain-French definitions of the words GTEC shows that are not indicators (those live in the registry).

One definition per term, here and nowhere else: the glossary page, the diagnostic and the « ? » links read
this list and the indicator registry (`gtec_core.indicators.registry`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    slug: str
    label: str
    definition: str
    source: str = ""


TERMS: tuple[Term, ...] = (
    Term(
        "secret",
        "« s » (secret statistique)",
        "Un chiffre remplacé par « s » concerne moins de 3 personnes ou entreprises, ou une seule entreprise "
        "qui en fait l'essentiel : le publier permettrait de reconnaître quelqu'un. D'autres cases peuvent "
        "être masquées aussi pour qu'on ne puisse pas le retrouver par différence avec un total.",
        "Règles du secret statistique (Insee, France Travail), appliquées par GTEC à toutes les pages et exports.",
    ),
    Term(
        "bmo",
        "BMO (Besoins en main-d'œuvre)",
        "Enquête annuelle de France Travail auprès des employeurs : combien de recrutements ils prévoient "
        "dans l'année, lesquels ils jugent difficiles, lesquels sont saisonniers. Publiée par bassin d'emploi.",
        "France Travail, enquête BMO.",
    ),
    Term(
        "bassin",
        "Bassin d'emploi BMO",
        "Découpage géographique utilisé par France Travail pour publier l'enquête BMO ; proche de la zone "
        "d'emploi de l'Insee sans lui être identique.",
        "France Travail.",
    ),
    Term(
        "zone-emploi",
        "Zone d'emploi",
        "Espace où la plupart des actifs résident et travaillent (zonage Insee 2020) : le bon niveau pour "
        "lire un marché local du travail.",
        "Insee, zonage en zones d'emploi 2020.",
    ),
    Term(
        "epci",
        "EPCI (intercommunalité)",
        "Établissement public de coopération intercommunale : communauté de communes, d'agglomération, "
        "urbaine ou métropole.",
        "DGCL, Insee.",
    ),
    Term(
        "demandeurs",
        "Demandeurs d'emploi (catégories A, B, C)",
        "Personnes inscrites à France Travail et tenues de chercher un emploi : catégorie A sans aucune "
        "activité dans le mois, B et C avec une activité réduite (courte pour B, longue pour C).",
        "France Travail / Dares, statistiques du marché du travail (STMT).",
    ),
    Term(
        "offres",
        "Offres d'emploi",
        "Offres déposées à France Travail ou reprises par lui pendant la période ; elles ne couvrent pas "
        "toutes les embauches (une partie des recrutements passe par d'autres canaux).",
        "France Travail.",
    ),
    Term(
        "rome",
        "ROME (fiche métier)",
        "Répertoire opérationnel des métiers et des emplois de France Travail : chaque fiche (ex. J1501 "
        "Soins d'hygiène, de confort du patient) regroupe des appellations (intitulés de poste) et décrit "
        "compétences, savoirs et contextes de travail.",
        "France Travail, ROME 4.0.",
    ),
    Term(
        "fap",
        "FAP (familles professionnelles)",
        "Nomenclature de la Dares qui regroupe les métiers en familles (ex. « Aides-soignants ») ; c'est le "
        "niveau des tensions officielles et des projections « Métiers 2030 ».",
        "Dares, FAP-2021.",
    ),
    Term(
        "tension-categories",
        "Catégories de tension",
        "La Dares classe chaque métier de « très faible » à « très forte » tension selon l'écart de son "
        "indicateur à la moyenne. GTEC affiche la catégorie, et la valeur seulement comme complément.",
        "Dares, les tensions sur le marché du travail.",
    ),
    Term(
        "synthetique",
        "Donnée synthétique",
        "Chiffre fabriqué pour la démonstration, au format officiel, quand aucun fichier public ne donne "
        "l'information ; il est toujours signalé comme tel et ne doit pas servir à décider.",
    ),
    Term(
        "derive",
        "Chiffre dérivé",
        "Chiffre que GTEC calcule pour un territoire où il n'est pas publié, par exemple en répartissant un "
        "chiffre de bassin selon la population : la page dit toujours comment.",
    ),
)

BY_SLUG = {term.slug: term for term in TERMS}
