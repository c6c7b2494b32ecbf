"""The labour-market data of the observatory, as loaded from official layouts (or from the demo generator,
which writes the same layouts; `ImportRun.synthetic` says which), and the indicators computed from it.

Counts keep the official convention: null means « secret at source » (BMO `*`, STMT `*`), never 0; a missing
row means 0. Geography is stored as the source gives it (commune INSEE code, BMO bassin, département…);
aggregation to any territory goes through `territories.Membership` (see `queries.py`)."""

from django.db import models

from gtec.imports.models import ImportRun
from gtec.territories.models import Territory


class BmoProjet(models.Model):
    """France Travail « Besoins en main-d'œuvre » survey: recruitment projects of one year by bassin × métier
    (FAP-2021 métier code): `met` projects, `xmet` judged difficult, `smet` seasonal."""

    annee = models.PositiveSmallIntegerField("année")
    code_bassin = models.CharField("bassin BMO", max_length=6, db_index=True)
    libelle_bassin = models.CharField("libellé du bassin", max_length=120)
    code_metier = models.CharField("métier BMO (FAP 2021)", max_length=8, db_index=True)
    libelle_metier = models.CharField("libellé du métier", max_length=250)
    code_famille = models.CharField("famille de métiers", max_length=4, blank=True)
    libelle_famille = models.CharField("libellé de la famille", max_length=120, blank=True)
    code_region = models.CharField("région", max_length=3, blank=True)
    code_departement = models.CharField("département", max_length=3, blank=True)
    projets = models.PositiveIntegerField("projets de recrutement", null=True)
    difficiles = models.PositiveIntegerField("projets jugés difficiles", null=True)
    saisonniers = models.PositiveIntegerField("projets saisonniers", null=True)

    class Meta:
        verbose_name = "projets BMO"
        verbose_name_plural = "projets BMO"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "code_bassin", "code_departement", "code_metier"], name="uniq_bmo_cell"
            )
        ]


class DaresTension(models.Model):
    """Dares / France Travail published tension indicators (FAP-2009) by France, région, département."""

    annee = models.PositiveSmallIntegerField("année")
    code_fap = models.CharField("FAP 2009", max_length=6, db_index=True)
    niveau_fap = models.PositiveSmallIntegerField("niveau FAP (87 / 225)")
    niveau_geo = models.CharField("niveau géographique", max_length=4)  # nat / reg / dep
    code_geo = models.CharField("code géographique", max_length=4)  # FR, région or département
    emploi_moyen = models.PositiveIntegerField("emploi moyen")
    tension = models.FloatField("indicateur de tension", null=True)
    categorie = models.PositiveSmallIntegerField("catégorie (1 à 5)", null=True)
    intensite_embauches = models.PositiveSmallIntegerField(null=True)
    lien_formation_emploi = models.PositiveSmallIntegerField(null=True)
    manque_main_oeuvre = models.PositiveSmallIntegerField(null=True)
    non_durabilite = models.PositiveSmallIntegerField(null=True)
    conditions_travail = models.PositiveSmallIntegerField(null=True)
    inadequation_geo = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = "tension publiée (Dares)"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "code_fap", "niveau_geo", "code_geo"], name="uniq_dares_tension"
            )
        ]


class DaresSerie(models.Model):
    """Dares « Portraits statistiques des métiers » national series by FAP: employment by year
    (`effectifs`), age structure (`age`, share by age band), job seekers by category (`demandeurs`)."""

    tableau = models.CharField("tableau", max_length=20)
    code_fap = models.CharField("FAP 2009", max_length=10, db_index=True)
    periode = models.CharField("période", max_length=12)
    modalite = models.CharField("modalité", max_length=40, blank=True)
    valeur = models.FloatField("valeur", null=True)

    class Meta:
        verbose_name = "série Dares (portraits des métiers)"
        constraints = [
            models.UniqueConstraint(
                fields=["tableau", "code_fap", "periode", "modalite"], name="uniq_dares_serie"
            )
        ]


class Etablissement(models.Model):
    """An establishment of the SIRENE stock (only those of the communes loaded)."""

    # indexes declared in Meta, not by `unique` / `db_index`: on PostgreSQL these add a second
    # `varchar_pattern_ops` (LIKE) index per column, which no query uses and a France load paid for
    siret = models.CharField("SIRET", max_length=14)
    siren = models.CharField("SIREN", max_length=9)
    naf = models.CharField("APE (NAF rév. 2)", max_length=6, blank=True)
    tranche_effectifs = models.CharField("tranche d'effectifs", max_length=2, blank=True)
    code_insee = models.CharField("commune", max_length=5)
    actif = models.BooleanField("actif (état A)", default=True)
    date_creation = models.DateField("date de création", null=True)

    class Meta:
        verbose_name = "établissement"
        constraints = [models.UniqueConstraint(fields=["siret"], name="etablissement_siret_uniq")]
        indexes = [
            models.Index(fields=["siren"], name="etablissement_siren"),
            models.Index(fields=["naf"], name="etablissement_naf"),
            models.Index(fields=["code_insee"], name="etablissement_commune"),
        ]


class DemandeurEmploi(models.Model):
    """Registered job seekers (STMT layout): end-of-month stock and monthly entries / exits by ROME ×
    territory (as published: commune, département…) × month × category."""

    mois = models.DateField("mois")
    categorie = models.CharField("catégorie", max_length=5)
    niveau_geo = models.CharField("niveau géographique", max_length=12)
    code_geo = models.CharField("code géographique", max_length=9)
    code_rome = models.CharField("ROME", max_length=5, blank=True)  # blank = all métiers
    stock = models.PositiveIntegerField("demandeurs en fin de mois", null=True)
    entrees = models.PositiveIntegerField("entrées", null=True)
    sorties = models.PositiveIntegerField("sorties", null=True)

    class Meta:
        verbose_name = "demandeurs d'emploi"
        verbose_name_plural = "demandeurs d'emploi"
        indexes = [models.Index(fields=["niveau_geo", "code_geo", "mois"], name="defm_geo_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["mois", "categorie", "niveau_geo", "code_geo", "code_rome"], name="uniq_defm_cell"
            )
        ]


class SerieDemandeurs(models.Model):
    """Registered job seekers per month for the communes France Travail publishes (5 000 inhabitants or more),
    the départements and the régions — the real public series of `data/stmt_defm` (third-party export of the
    STMT statistics, rounded to tens; category ABC presumed, not documented by the export). All métiers."""

    mois = models.DateField("mois")
    niveau_geo = models.CharField("niveau géographique", max_length=12)  # commune / departement / region
    code_geo = models.CharField("code géographique", max_length=5)
    demandeurs = models.PositiveIntegerField("demandeurs d'emploi inscrits")

    class Meta:
        verbose_name = "série publique de demandeurs d'emploi"
        constraints = [
            models.UniqueConstraint(fields=["niveau_geo", "code_geo", "mois"], name="uniq_serie_demandeurs")
        ]


class Offre(models.Model):
    """A job offer collected by France Travail (API Offres d'emploi v2 fields kept for the indicators)."""

    identifiant = models.CharField("identifiant", max_length=20)  # unique: Meta (no LIKE index)
    intitule = models.CharField("intitulé", max_length=250, blank=True)
    date_creation = models.DateField("date de création", db_index=True)
    code_insee = models.CharField("commune", max_length=5, blank=True)  # index: offre_commune_date
    code_rome = models.CharField("ROME", max_length=5)
    appellation = models.CharField("appellation", max_length=250, blank=True)
    type_contrat = models.CharField("type de contrat", max_length=6, blank=True)
    duree_travail = models.CharField("durée de travail", max_length=60, blank=True)
    qualification = models.CharField("qualification", max_length=2, blank=True)
    code_naf = models.CharField("NAF", max_length=6, blank=True)
    postes = models.PositiveSmallIntegerField("postes", default=1)
    durable = models.BooleanField("durable (CDI ou CDD de plus de 6 mois)", default=False)
    temps_plein = models.BooleanField("temps plein", default=False)
    manque_candidats = models.BooleanField("offre manquant de candidats", null=True)
    competences = models.JSONField("compétences (code OGR)", default=list)

    class Meta:
        verbose_name = "offre d'emploi"
        constraints = [models.UniqueConstraint(fields=["identifiant"], name="offre_identifiant_uniq")]
        indexes = [
            models.Index(fields=["code_insee", "date_creation"], name="offre_commune_date"),
            models.Index(fields=["code_rome"], name="offre_rome"),
        ]


class Emploi(models.Model):
    """Employment by occupation (FAP) and age band for a territory and a year."""

    annee = models.PositiveSmallIntegerField("année")
    niveau_geo = models.CharField("niveau géographique", max_length=12)
    code_geo = models.CharField("code géographique", max_length=9)
    code_fap = models.CharField("FAP", max_length=8)
    tranche_age = models.CharField("tranche d'âge", max_length=20)
    effectif = models.PositiveIntegerField("effectif", null=True)

    class Meta:
        verbose_name = "emploi par métier"
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "niveau_geo", "code_geo", "code_fap", "tranche_age"], name="uniq_emploi_cell"
            )
        ]


STATUSES = [("ok", "diffusable"), ("secret", "secret statistique"), ("insufficient", "volume insuffisant")]
OCCUPATION_KINDS = [
    ("all", "tous métiers"),
    ("rome", "fiche ROME"),
    ("fap2021", "FAP 2021"),
    ("fap2009", "FAP 2009"),
]
# How a stored figure was obtained (shown on the pages and in the exports, column `origine`)
ORIGINS = [
    ("published", "publié tel quel"),
    ("sum", "somme des cellules publiées"),
    ("population", "réparti selon la population"),
    ("computed", "calculé par GTEC"),
]


class Observation(models.Model):
    """One stored value of a declared indicator (`gtec_core.indicators.REGISTRY`) for a territory ×
    occupation × period, with the counts behind it and its status. Secret cells keep their value here (the
    database is not public) but no page, export or API shows it: they go through `gtec.labour.read`."""

    indicator = models.CharField("indicateur", max_length=40)
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="observations")
    occupation_kind = models.CharField("nomenclature", max_length=8, choices=OCCUPATION_KINDS)
    occupation = models.CharField("métier", max_length=8, blank=True)
    period = models.CharField("période", max_length=10)
    value = models.FloatField("valeur", null=True)
    status = models.CharField("statut", max_length=12, choices=STATUSES)
    category = models.PositiveSmallIntegerField("catégorie", null=True)
    counts = models.JSONField("effectifs sous-jacents", default=dict)
    synthetic = models.BooleanField("calculé sur des données synthétiques", default=False)
    origin = models.CharField("origine", max_length=12, choices=ORIGINS, default="computed")
    origin_detail = models.CharField("précision sur l'origine", max_length=160, blank=True)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = "observation"
        indexes = [models.Index(fields=["indicator", "period", "territory"], name="obs_indicator_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory", "occupation_kind", "occupation", "period"],
                name="uniq_observation",
            )
        ]


# the FAP-2021 ↔ ROME bridge is a referential (moved to `gtec.referentials`; same table)
from gtec.referentials.models import PasserelleFapRome  # noqa: E402, F401
