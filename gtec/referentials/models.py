"""ROME 4.0 and FAP referentials, as published by France Travail and DARES.

Entities that other data points to (fiches, appellations, compétences, savoirs, contextes, FAP families)
are never deleted by an import: when a new release drops them they are retired (`actif=False`,
`retire_en` = the release that dropped them). Link tables are replaced by each release.
"""

from django.db import models

COEUR_CHOICES = [("", "—"), ("Principale", "Principale"), ("Émergente", "Émergente")]


class Versioned(models.Model):
    actif = models.BooleanField("actif", default=True)
    retire_en = models.CharField("retiré à la version", max_length=20, blank=True)

    class Meta:
        abstract = True


class GrandDomaine(Versioned):
    code = models.CharField(max_length=1, primary_key=True)
    libelle = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = "grand domaine"

    def __str__(self) -> str:
        return f"{self.code} – {self.libelle}"


class DomaineProfessionnel(Versioned):
    code = models.CharField(max_length=3, primary_key=True)
    libelle = models.CharField(max_length=200)
    grand_domaine = models.ForeignKey(
        GrandDomaine, on_delete=models.PROTECT, related_name="domaines", null=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "domaine professionnel"

    def __str__(self) -> str:
        return f"{self.code} – {self.libelle}"


class FicheQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(actif=True)


class Fiche(Versioned):
    """A ROME 4.0 fiche métier (code ROME). `code_rome_parent` is the historic ROME v3 code it derives from,
    the bridge to every ROME-v3-based table (FAP-2009, older statistics)."""

    code_rome = models.CharField("code ROME", max_length=5, primary_key=True)
    code_ogr = models.IntegerField("code OGR", unique=True)
    code_fiche_metier = models.IntegerField(null=True, blank=True)
    libelle = models.CharField("libellé", max_length=200)
    domaine = models.ForeignKey(
        DomaineProfessionnel, on_delete=models.PROTECT, related_name="fiches", null=True
    )
    code_rome_parent = models.CharField("code ROME parent (v3)", max_length=5, blank=True)
    transition_eco = models.CharField("transition écologique", max_length=80, blank=True)
    transition_num = models.BooleanField("transition numérique", default=False)
    transition_demo = models.BooleanField("transition démographique", default=False)
    emploi_reglemente = models.BooleanField("emploi réglementé", default=False)
    emploi_cadre = models.BooleanField("emploi cadre", default=False)
    riasec_majeur = models.CharField(max_length=1, blank=True)
    riasec_mineur = models.CharField(max_length=1, blank=True)
    definition = models.TextField("définition", blank=True)
    acces_metier = models.TextField("accès au métier", blank=True)

    objects = FicheQuerySet.as_manager()

    class Meta:
        ordering = ["code_rome"]
        verbose_name = "fiche ROME"
        verbose_name_plural = "fiches ROME"

    def __str__(self) -> str:
        return f"{self.code_rome} – {self.libelle}"


class Appellation(Versioned):
    code_ogr = models.IntegerField("code OGR", primary_key=True)
    libelle = models.CharField("libellé long", max_length=250)
    libelle_court = models.CharField("libellé court", max_length=250, blank=True)
    fiche = models.ForeignKey(Fiche, on_delete=models.PROTECT, related_name="appellations")
    principale = models.BooleanField("appellation principale", default=False)
    peu_usite = models.BooleanField("peu usitée", default=False)
    origine = models.CharField(max_length=80, blank=True)
    transition_eco = models.CharField(max_length=80, blank=True)
    transition_num = models.BooleanField(default=False)
    emploi_cadre = models.BooleanField(default=False)

    class Meta:
        ordering = ["libelle"]
        verbose_name = "appellation"

    def __str__(self) -> str:
        return self.libelle


class Competence(Versioned):
    """Compétence or macro-compétence (savoir-faire / savoir-être professionnel). `code_macro_comp`
    (e.g. 1C101) encodes the macro-compétence's place in the tree: domaine 1, enjeu C, objectif 1, rank 01."""

    code_ogr = models.IntegerField("code OGR", primary_key=True)
    macro = models.BooleanField("macro-compétence", default=False)
    libelle = models.CharField("libellé", max_length=400)
    definition = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="enfants", db_constraint=False
    )
    code_macro_comp = models.CharField(max_length=10, blank=True)
    categorie = models.CharField("catégorie", max_length=60, blank=True)
    sous_categorie = models.CharField("sous-catégorie", max_length=60, blank=True)
    transition_eco = models.BooleanField(default=False)
    transition_num = models.BooleanField(default=False)
    heterogeneite = models.CharField(max_length=60, blank=True)
    origine = models.CharField(max_length=120, blank=True)
    riasec_majeur = models.CharField(max_length=1, blank=True)
    riasec_mineur = models.CharField(max_length=1, blank=True)

    class Meta:
        ordering = ["libelle"]
        verbose_name = "compétence"

    def __str__(self) -> str:
        return self.libelle

    @property
    def domaine_competence(self) -> str:
        return self.code_macro_comp[:1]

    @property
    def enjeu(self) -> str:
        return self.code_macro_comp[:2]


class Savoir(Versioned):
    code_ogr = models.IntegerField("code OGR", primary_key=True)
    libelle = models.CharField("libellé", max_length=400)
    categorie = models.CharField("catégorie", max_length=120, blank=True)
    sous_categorie = models.CharField("sous-catégorie", max_length=120, blank=True)
    transition_eco = models.BooleanField(default=False)
    transition_num = models.BooleanField(default=False)

    class Meta:
        ordering = ["libelle"]
        verbose_name = "savoir"

    def __str__(self) -> str:
        return self.libelle


class ContexteTravail(Versioned):
    code_ogr = models.IntegerField("code OGR", primary_key=True)
    libelle = models.CharField("libellé", max_length=300)
    code_type = models.IntegerField(null=True)
    type_libelle = models.CharField("type", max_length=120, blank=True)

    class Meta:
        ordering = ["code_type", "libelle"]
        verbose_name = "contexte de travail"
        verbose_name_plural = "contextes de travail"

    def __str__(self) -> str:
        return self.libelle


class FicheCompetence(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="competence_links")
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="fiche_links")
    savoir_etre = models.BooleanField(default=False)
    coeur_metier = models.CharField(max_length=12, blank=True, choices=COEUR_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiche", "competence"], name="uniq_fiche_competence")]


class FicheSavoir(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="savoir_links")
    savoir = models.ForeignKey(Savoir, on_delete=models.CASCADE, related_name="fiche_links")
    coeur_metier = models.CharField(max_length=12, blank=True, choices=COEUR_CHOICES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiche", "savoir"], name="uniq_fiche_savoir")]


class FicheContexte(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="contexte_links")
    contexte = models.ForeignKey(ContexteTravail, on_delete=models.CASCADE, related_name="fiche_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiche", "contexte"], name="uniq_fiche_contexte")]


class Mobilite(models.Model):
    """ROME 4.0 publishes one ordered list of target fiches per fiche (`numero_ordre`, 1 = closest)."""

    source = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="mobilites")
    cible = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="mobilites_entrantes")
    rang = models.PositiveIntegerField()

    class Meta:
        ordering = ["source", "rang"]
        constraints = [models.UniqueConstraint(fields=["source", "cible"], name="uniq_mobilite")]


class Classement(models.Model):
    """The fiche's place in the ROME's other trees: thèmes, centres d'intérêt, secteurs d'activité, NAF."""

    KINDS = [
        ("theme", "Thème"),
        ("centre_interet", "Centre d'intérêt"),
        ("secteur", "Secteur d'activité"),
        ("sous_secteur", "Sous-secteur"),
        ("naf", "Secteur NAF"),
    ]
    kind = models.CharField(max_length=20, choices=KINDS)
    code = models.CharField(max_length=10)
    libelle = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    parent_code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="uniq_classement")]

    def __str__(self) -> str:
        return self.libelle


class FicheClassement(models.Model):
    fiche = models.ForeignKey(Fiche, on_delete=models.CASCADE, related_name="classement_links")
    classement = models.ForeignKey(Classement, on_delete=models.CASCADE, related_name="fiche_links")
    principal = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fiche", "classement"], name="uniq_fiche_classement")]


class Fap(Versioned):
    """A family of the FAP nomenclature (DARES). `nomenclature` is 2009 or 2021; `niveau` the number of
    families at that level (22 / 87 / 225 for 2009; 22 / 86 / 228 / 341 for 2021)."""

    code = models.CharField(max_length=8)
    nomenclature = models.PositiveSmallIntegerField()
    niveau = models.PositiveSmallIntegerField()
    libelle = models.CharField(max_length=250)
    parent_code = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["nomenclature", "code"]
        verbose_name = "famille professionnelle (FAP)"
        verbose_name_plural = "familles professionnelles (FAP)"
        constraints = [models.UniqueConstraint(fields=["nomenclature", "code"], name="uniq_fap")]

    def __str__(self) -> str:
        return f"{self.code} – {self.libelle}"


class RomeV3Fap(models.Model):
    """Official DARES crosswalk ROME v3 → FAP-2009 (225), with its qualification restriction (`Q_0123456`)."""

    rome_v3 = models.CharField(max_length=5, db_index=True)
    libelle_rome_v3 = models.CharField(max_length=250, blank=True)
    fap = models.ForeignKey(Fap, on_delete=models.CASCADE, related_name="romes_v3")
    qualification = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rome_v3", "fap"], name="uniq_romev3_fap")]


class PasserelleFapRome(models.Model):
    """The FAP-2021 ↔ ROME 4.0 bridge of `gtec_core.occupations` (an approximation: no official table), stored
    at import so that pages and computations do not need the data folder at run time."""

    code_fap2021 = models.CharField("FAP 2021", max_length=8)
    code_rome = models.CharField("ROME", max_length=5, db_index=True)
    weight = models.FloatField("part des effectifs de la FAP donnée à la fiche")
    rome_share = models.FloatField("part des effectifs de la fiche donnée à la FAP")
    route = models.CharField("voie", max_length=30)
    confidence = models.FloatField("confiance")

    class Meta:
        verbose_name = "passerelle FAP 2021 ↔ ROME"
        db_table = "labour_passerellefaprome"  # created by the labour app before the bridge moved here
        constraints = [
            models.UniqueConstraint(fields=["code_fap2021", "code_rome"], name="uniq_passerelle_fap_rome")
        ]
