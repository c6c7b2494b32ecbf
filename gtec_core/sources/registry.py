"""The official sources GTEC reads, declared once, as data: who publishes them, under which licence, where
they are downloaded from and where each file lands in the data folder (`GTEC_DATA_DIR`).

The folder layout is the one of the shared copy (`rome4/`, `fap_rome/`, `cog_ze/`, `bmo/`…) described in
data-sources.md §14 and the PROVENANCE.md of each folder, so that `gtec data fetch` produces what the
importers (`gtec_core/sources/*.py`) read. URLs come from data-sources.md §1, 3, 4, 9, 10 and the
PROVENANCE files; they are written here and nowhere else.

Checksums: a `sha256` is declared only when the URL is pinned to the exact bytes of the shared copy (a
GitHub file at a fixed commit, the publisher's repository or the repository the copy was taken from): the
download is then verified byte for byte. Files published at a moving URL (ROME, BMO, La Poste, INSEE zips)
change with each release and carry no checksum.

The second half declares the **imported sources** (`IMPORTED`): the one name of each source of data in the
database. That name is the `gtec import NAME` key, the `ImportRun.source` recorded by its importer, the key of
its label on the pages, exports and the diagnostic, and it says which data folder (relative to
`GTEC_DATA_DIR`) the importer reads and which downloads above fill that folder. Two job-seeker sources are
distinct: `defm` is the real public series by commune (all métiers, `data/stmt_defm`, imported by `gtec import
all`); `stmt` is a territory file of job seekers by commune × ROME × category (`gtec import stmt FILE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

LO2 = "Licence Ouverte / Open Licence v2.0 (Etalab)"


@dataclass(frozen=True)
class Archive:
    """A zip to unpack after download: its members go into `into` (relative to the data folder).
    `flatten` drops the folders inside the zip; `members` (fnmatch patterns) restricts what is kept."""

    into: str
    flatten: bool = False
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Download:
    """One file to download: `target` is relative to the data folder."""

    url: str
    target: str
    sha256: str | None = None
    archive: Archive | None = None


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    producer: str
    licence: str
    page: str
    downloads: tuple[Download, ...]
    note: str = ""


def github(repo: str, commit: str, path: str) -> str:
    """A file of a public GitHub repository at a fixed commit (immutable bytes)."""
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{quote(path)}"


# Commits the shared copies were taken from (see each PROVENANCE.md).
DARES_REPO = ("StatDares/PortraitStatMetiers", "b61ffd2eced0f7be42bdd15fd526953b529c3921")
COG_REPO = ("datagouv/decoupage-administratif", "98976e5f29e66b8449cf64eaf3e2be0b8d9e7d85")
GEOJSON_REPO = ("gregoiredavid/france-geojson", "5d34ee6d0140c29f785fdb047d9329f1aab58833")
LHEO_REPO = "lheo/lheo-schema"
ODIS_REPO = "dataforgoodfr/13_odis"
FRANCETRAVAIL_OPENDATA = (
    "https://www.francetravail.org/files/live/sites/peorg/files/documents/Statistiques-et-analyses/Open-data"
)

DARES_PORTRAIT_FILES = {
    "age_2017_2019_3niv.csv": "8447aa017bdabe309d295561030c92064f5fefab5a00e31ea510e51540574b27",
    "age_agrege_1982_1984_2017_2019_restructure_fap225.csv": "5f68776d83cd1868005c700475476e2c9a339f17c2807616c9a00619b95bf82f",
    "age_demandeur_emploi.csv": "d7b772ae4045acead8b51d82af707cfe15284c1dc257443a39d0c6189c1f4a49",
    "effectifs_3niv.csv": "e1f44668483536bc7c1177549b2cb2579a146b919ff0c9ccf20aae572c087485",
    "evol_mmo.csv": "384b6bd484585066262b3e743338d6935812b0f5a9e8b9a34a171727a98f6962",
    "input_carte1.csv": "eda502f3b523fed8da755b0aed9dacec18910e9a54e2f3c118315dcc11eae57f",
    "part_femmes_3niv.csv": "1f85cc2a783e6cc4249b1f82d0c11dbe4e86d3b108f485b65dc1ca824a285d61",
    "salaire_median_3niv.csv": "352318ed572ee8249383f0dc266e199539226026fcc18c3048799855bf01a2d5",
    "serie_demandeurs_emploi_A_ABC.csv": "db01e7dc679521a188c514f5e5d50bae8cf4a189508a3570ba5f6be50b8b73fa",
    "types_sorties.csv": "fa768596dba3e4363121c59932af2dbe9c03ad47f26ca202fc4b306a1ab8bc0e",
}

COG_FILES = {
    "regions.csv": "e3f74a92d87f8ca72f08c8b4299d38fb11323f1c9b2fea7105d09801490a7e4e",
    "departements.csv": "ab2aa74b5242cfa68ccbb2a67a68c46ca7becc5bd929a9dae5ec3c3cbed417aa",
    "arrondissements.csv": "1a45beeea75c336897533c4e4974d78f9daded4ff598c94ed10a2ea731f93fd0",
    "communes.csv": "fb8d44ed1d10056cea8fb62e9d09b260bee61d5cfb8f6c08e19a4a4a6f935a15",
    "mouvements-communes.csv": "89be99e24eefa87d68b779089e9a8b6f2b339a586b060ddb1298f673bf5c617f",
    "donnees_communes.csv": "ccfe782e04ebde04a1706214157b288a0d055eb3ab913ff9f7bab5a3571f67ab",
    "epcicom.xlsx": "40e9171b54af5f16ebc4baa72a08326134e99ec91010da45c89a44b83c547b09",
}

GEOJSON_FILES = {
    "communes": "3cfa3f88d622e6d6f20a742a51c74a77641654c039d7f28a8b35ed195c1a1a5a",
    "departement": "032aba5c2c223edf25dd664e5fbcad04c165b09f87884d30bb30286d85cb6d02",
    "cantons": "466e955852c2958abd41f4059b9815ec0458094984bde428e02d2fb8e833465d",
    "arrondissements": "0d549767a4cafc903f0181b255c1d35b7955f7031e4581c4da26aba379a59b18",
}

SOURCES: tuple[Source, ...] = (
    Source(
        "rome",
        "Répertoire opérationnel des métiers et des emplois (ROME 4.0), export CSV",
        "France Travail",
        LO2,
        "https://www.data.gouv.fr/fr/datasets/repertoire-operationnel-des-metiers-et-des-emplois-rome/",
        (
            Download(
                # data.gouv.fr stable link to the "RefRomeCsv" resource (redirects to France Travail).
                "https://www.data.gouv.fr/api/1/datasets/r/8cf674b6-ef21-446a-8190-178e2defd6fc",
                "rome4/RefRomeCsv.zip",
                archive=Archive("rome4", flatten=True, members=("*.csv", "*.txt")),
            ),
        ),
        "Dernière version publiée (les noms de fichiers portent le numéro de version, ex. v460).",
    ),
    Source(
        "fap",
        "Familles professionnelles (FAP-2009, FAP-2021) et correspondances avec le ROME",
        "DARES",
        LO2,
        "https://dares.travail-emploi.gouv.fr/",
        (
            Download(
                github(
                    "cynthia-francis/Project-LabourMarketTensions",
                    "4fa752da47778d41cf185134b2b2dbda3099d141",
                    "data/linking tables/Rome-V3 vers Fap-2009.xls",
                ),
                "fap_rome/Rome-V3_vers_Fap-2009.xls",
                "6f96a554a2188bce27e05f63e1bc7de0f57bd8f4c9483342a869d7283cefdbca",
            ),
            Download(
                github(
                    ODIS_REPO,
                    "f33217d0cea4aa970ea251da0638f3141332493c",
                    "dbt_odis/seeds/Intitulés_FAP2021.csv",
                ),
                "fap_rome/Intitules_FAP2021_odis.csv",
                "b1eb413f0392ac49bd13148be9e0cdc535a7d19a54847df1835c7d2426b9314e",
            ),
            Download(
                github(*DARES_REPO, "inputs/fap225_rome.csv"),
                "fap_rome/fap225_rome.csv",
                "4924b9973054ded0dc09debdf5f43d9410c71856db19e794720812b9bc316b75",
            ),
            Download(
                github(*DARES_REPO, "inputs/FAP_PCS.csv"),
                "fap_rome/FAP_PCS.csv",
                "841bad5cbbd5fb288435129d077fc23abf95c9680e805bc156c1824e6c189edc",
            ),
        ),
        "Table DARES FAP-2009/PCS/ROME-V3 et libellés FAP-2021 : copies publiques identiques octet pour octet à la copie partagée.",
    ),
    Source(
        "geo",
        "Code officiel géographique 2026, EPCI, populations, zones d'emploi 2020, bassins BMO, contours du Morbihan",
        "INSEE, DGCL, France Travail, IGN",
        LO2,
        "https://www.insee.fr/fr/information/2560452",
        (
            *(
                Download(github(*COG_REPO, f"sources/{name}"), f"cog_ze/decoupage-administratif/{name}", sha)
                for name, sha in COG_FILES.items()
            ),
            Download(
                "https://www.insee.fr/fr/statistiques/fichier/4652957/ZE2020_au_01-01-2022.zip",
                "cog_ze/ZE2020_au_01-01-2022.zip",
                archive=Archive("cog_ze", flatten=True),
            ),
            Download(
                github(
                    ODIS_REPO, "3a736ef839d6bcbdf50e0674a8db2c9d36ff6296", "dbt_odis/seeds/bassin_emploi.csv"
                ),
                "bmo/bassin_emploi_BMO_communes.csv",
                "effdd94a700d042f3c9dc48a8825c586535eb594f1b4354ee18a5b285cb0b574",
            ),
            *(
                Download(
                    github(*GEOJSON_REPO, f"departements/56-morbihan/{kind}-56-morbihan.geojson"),
                    f"geo_morbihan/{kind}-56-morbihan.geojson",
                    sha,
                )
                for kind, sha in GEOJSON_FILES.items()
            ),
        ),
        "COG : fichiers INSEE republiés par data.gouv.fr (dépôt decoupage-administratif). Les CSV "
        "ZE2020_liste_2022.csv et ZE2020_composition_communale_2022.csv sont à exporter des onglets ZE2020 "
        "et Composition_communale du classeur INSEE.",
    ),
    Source(
        "bmo",
        "Enquête Besoins en main-d'œuvre 2024 (projets de recrutement par bassin et métier)",
        "France Travail",
        LO2,
        "https://statistiques.francetravail.org/bmo",
        (
            Download(
                f"{FRANCETRAVAIL_OPENDATA}/BMO/Base_open_data_BMO_2024.xlsx",
                "bmo/Base_open_data_BMO_2024.xlsx",
            ),
        ),
    ),
    Source(
        "dares_tension",
        "Indicateurs de tension sur le marché du travail (2019, FAP-2009)",
        "DARES, France Travail",
        LO2,
        "https://github.com/StatDares/PortraitStatMetiers",
        (
            Download(
                github(*DARES_REPO, "inputs/tensions/tensions.csv"),
                "dares_tension/tensions.csv",
                "48f57ecb22b715581d419ed0601b605276d6b1412e9e1edceea71ff95a361ad9",
            ),
            Download(
                github(*DARES_REPO, "inputs/tensions/evol_tensions.csv"),
                "dares_tension/evol_tensions.csv",
                "de7b2d7ce1353e3d5d1f3fb72a02b2a89aa4ab9ee508e667a8baf2e01cef9a37",
            ),
            Download(
                github(*DARES_REPO, "documentation/README_tensions.md"),
                "dares_tension/README_tensions_methodologie_DARES.md",
                "571b12c460a5c27789c48ef2e5156e36121f8803879c6ca6949333254076325a",
            ),
        ),
    ),
    Source(
        "dares_portrait",
        "Portrait statistique des métiers (effectifs, âges, demandeurs d'emploi par FAP)",
        "DARES",
        LO2,
        "https://github.com/StatDares/PortraitStatMetiers",
        (
            *(
                Download(github(*DARES_REPO, f"inputs/{name}"), f"dares_portrait_metiers/{name}", sha)
                for name, sha in DARES_PORTRAIT_FILES.items()
            ),
            Download(
                github(*DARES_REPO, "inputs/dictionnaire/Dictionnaire variables PSM.xlsx"),
                "dares_portrait_metiers/Dictionnaire variables PSM.xlsx",
                "30b348385c1d04bd66aea88f8c3f824ff8569f96b4db9b8ff76810b7f3183477",
            ),
        ),
    ),
    Source(
        "defm",
        "Demandeurs d'emploi inscrits par commune, 2020–2024 (export tiers des statistiques STMT)",
        "France Travail (export dataforgoodfr/13_odis)",
        LO2,
        "https://statistiques.francetravail.org/stmt/defm",
        (
            Download(
                github(
                    ODIS_REPO,
                    "4be56ad6c08b6fb8df2fbf17feb575194ec982f3",
                    "exports_wdd/17-06-25/emploi_demandeur.csv",
                ),
                "stmt_defm/emploi_demandeur_par_commune_odis.csv",
                "391abd697ef2f0ba4c01bc25e5380ead0cd6636a2a0cc7159f622093a70fa7ce",
            ),
        ),
        "L'outil STMT n'offre pas de fichier à adresse stable : export tiers, catégorie (A ou ABC) non documentée.",
    ),
    Source(
        "lheo",
        "Offre de formation au format LHEO (exemple réel) et thésaurus Formacode",
        "Réseau des Carif-Oref, Centre Inffo",
        "Conditions d'utilisation du Centre Inffo (Formacode)",
        "https://lheo.gouv.fr/",
        (
            Download(
                github(
                    LHEO_REPO,
                    "bdb4cc887f087b42604146067ea15b295ef01e33",
                    "datasources/exemple-bts-onisep.xml",
                ),
                "lheo/exemple-bts-onisep-lheo2.2.xml",
                "657e9ac9dde5a8896f8f104a060970c60093b76691048a802ee8ed0fd0c32282",
            ),
            Download(
                github(
                    LHEO_REPO,
                    "1d7472a3da89bf671179acd79508793f37f4d653",
                    "datasources/sources/FCod-utf-8.csv",
                ),
                "lheo/FCod-utf-8.csv",
                "c0ba9e42e95a6d132b11502c5117637d83590a8b13ef2b3b3c10d75a09e0444a",
            ),
        ),
    ),
    Source(
        "rncp",
        "Répertoire national des certifications professionnelles et répertoire spécifique",
        "France Compétences",
        LO2,
        "https://www.data.gouv.fr/fr/datasets/repertoire-national-des-certifications-professionnelles-et-repertoire-specifique/",
        (),
        "Export quotidien export-fiches-csv-AAAA-MM-JJ.zip sans adresse stable : à télécharger depuis la page du jeu de données.",
    ),
    Source(
        "laposte",
        "Base officielle des codes postaux (correspondance commune INSEE – code postal)",
        "La Poste",
        LO2,
        "https://www.data.gouv.fr/fr/datasets/base-officielle-des-codes-postaux/",
        (
            Download(
                "https://datanova.laposte.fr/data-fair/api/v1/datasets/laposte-hexasmal/raw",
                "laposte_hexasmal/laposte_hexasmal.csv",
            ),
        ),
        "Fichier optionnel : ajoute les codes postaux aux communes lors de `gtec import geo`.",
    ),
)

BY_NAME: dict[str, Source] = {source.name: source for source in SOURCES}


def names() -> list[str]:
    return [source.name for source in SOURCES]


def get(name: str) -> Source:
    """The source of that name; KeyError with a French message otherwise."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"source inconnue : « {name} » (sources connues : {', '.join(names())})") from None


@dataclass(frozen=True)
class Imported:
    """A source of data in the database. `mode`: « national » (read from `folder` of the data folder by
    `gtec import NAME` and `gtec import all`), « file » (files given on the command line: `gtec import NAME
    FILE…`), « computed » (written by GTEC itself). `downloads` names the `SOURCES` that fill its folder."""

    name: str
    label: str
    mode: str
    folder: str = ""
    downloads: tuple[str, ...] = ()


IMPORTED: tuple[Imported, ...] = (
    Imported("rome", "ROME 4.0 (France Travail)", "national", "rome4", ("rome",)),
    Imported("fap", "Nomenclature FAP 2009 et 2021 (Dares)", "national", "fap_rome", ("fap",)),
    Imported("passerelle", "Passerelle FAP-2021 ↔ ROME", "national", ".", ("fap",)),
    Imported(
        "geo",
        "Code officiel géographique, zones d'emploi, contours (Insee, IGN)",
        "national",
        ".",
        ("geo", "laposte"),
    ),
    Imported("bmo", "Besoins en main-d'œuvre (France Travail)", "national", "bmo", ("bmo",)),
    Imported(
        "dares",
        "Tensions et portraits des métiers (Dares)",
        "national",
        ".",
        ("dares_tension", "dares_portrait"),
    ),
    Imported(
        "defm",
        "Demandeurs d'emploi par commune, série publique (France Travail)",
        "national",
        "stmt_defm",
        ("defm",),
    ),
    Imported("metiers2030", "Les métiers en 2030 (Dares, France Stratégie)", "national", "."),
    Imported("stmt", "Demandeurs d'emploi par métier (STMT, France Travail)", "file"),
    Imported("offres", "Offres d'emploi (France Travail)", "file"),
    Imported("sirene", "Établissements (SIRENE, Insee)", "file"),
    Imported("emploi", "Emploi par métier", "file"),
    Imported("staffing", "Structure secteur × métier", "file"),
    Imported("lheo", "Offre de formation (LHEO, Carif-Oref)", "file", "", ("lheo",)),
    Imported("rncp", "Certifications (RNCP / RS, France Compétences)", "file", "", ("rncp",)),
    Imported("enquete", "Enquêtes auprès des entreprises", "file"),
    Imported("indicateurs", "Indicateurs calculés par GTEC", "computed"),
)
IMPORTED_BY_NAME: dict[str, Imported] = {s.name: s for s in IMPORTED}


def imported(name: str) -> Imported:
    """The imported source of that name; KeyError with a French message otherwise."""
    try:
        return IMPORTED_BY_NAME[name]
    except KeyError:
        known = ", ".join(IMPORTED_BY_NAME)
        raise KeyError(f"source importée inconnue : « {name} » (sources connues : {known})") from None


def imported_names(mode: str) -> list[str]:
    """The names of the imported sources of one mode, in declaration order (the order of `gtec import all`)."""
    return [s.name for s in IMPORTED if s.mode == mode]


def label(name: str) -> str:
    """The French label of an imported source, as pages, exports and the diagnostic show it."""
    return IMPORTED_BY_NAME[name].label if name in IMPORTED_BY_NAME else name
