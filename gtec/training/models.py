"""Persistence of the training offer: certifications (RNCP / RS, France Compétences), and the LHEO offer
(organismes, formations, actions, sessions) with each action's link to ROME fiches (route + confidence).

LHEO identifiers (`numero`) are the keys: a re-import of an export updates in place and removes what
disappeared from it. `flux` names the export (one Carif-Oref feed, the demo…) so that two feeds never
delete each other's records.

Manual records: a training body edits or adds its offer through a form. Such a formation carries
`origine="manuel"` and is outside the LHEO sync scope: a later import of its feed neither updates nor deletes
it, and says so in its summary (`kept_manual`). Formations added by hand live in the feed `manuel`. Every
manual save keeps the previous state in `FormationVersion`, and a save based on an older version than the
stored one is refused (never a silent overwrite)."""

from django.conf import settings
from django.db import models

ORIGINE_LHEO = "lheo"
ORIGINE_MANUEL = "manuel"
ORIGINES = [(ORIGINE_LHEO, "import LHEO"), (ORIGINE_MANUEL, "saisie par l'organisme")]
MANUAL_FLUX = "manuel"

ROUTES = [
    ("lheo", "code ROME déclaré dans l'offre"),
    ("rncp", "certification (RNCP / RS → ROME)"),
    ("titre", "intitulé et objectifs classés par GTEC"),
    ("formacode", "Formacode principal classé par GTEC"),
]
MODALITES = [("", "non précisé"), ("0", "présentiel"), ("1", "mixte"), ("2", "à distance")]


class Certification(models.Model):
    code = models.CharField("numéro de fiche", max_length=12, primary_key=True)
    intitule = models.CharField("intitulé", max_length=500)
    abrege = models.CharField("type abrégé", max_length=80, blank=True)
    niveau = models.CharField("niveau européen", max_length=10, blank=True)
    niveau_intitule = models.CharField("libellé du niveau", max_length=200, blank=True)
    date_fin = models.DateField("fin d'enregistrement", null=True, blank=True)
    actif = models.BooleanField("active", default=True)
    type_enregistrement = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "certification"

    def __str__(self) -> str:
        return f"{self.code} — {self.intitule}"


class CertificationRome(models.Model):
    """Link of a certification to a ROME code, as the `Rome` table of the RNCP export gives it (by code: the
    export may cite fiches absent from the `Standard` table read)."""

    certification_code = models.CharField(max_length=12, db_index=True)
    code_rome = models.CharField(max_length=5)
    libelle_rome = models.CharField(max_length=250, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certification_code", "code_rome"], name="uniq_certification_rome"
            )
        ]


class BlocCompetences(models.Model):
    certification_code = models.CharField(max_length=12, db_index=True)
    code = models.CharField("code du bloc", max_length=24, unique=True)
    libelle = models.TextField("libellé")

    class Meta:
        ordering = ["code"]
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"


class Organisme(models.Model):
    key = models.CharField("clé", max_length=140, unique=True, help_text="SIRET, sinon lheo:<numéro>")
    siret = models.CharField(max_length=14, blank=True, db_index=True)
    nom = models.CharField("nom", max_length=250)
    raison_sociale = models.CharField(max_length=250, blank=True)
    numero_activite = models.CharField("numéro de déclaration d'activité", max_length=20, blank=True)
    code_insee = models.CharField(max_length=5, blank=True)
    ville = models.CharField(max_length=120, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organismes_formation",
        help_text="organisation GTEC qui gère cette offre (sinon : celle de même SIRET)",
    )

    class Meta:
        ordering = ["nom"]
        verbose_name = "organisme de formation"
        verbose_name_plural = "organismes de formation"

    def __str__(self) -> str:
        return self.nom


class Formation(models.Model):
    flux = models.CharField("flux d'import", max_length=60, default="lheo")
    numero = models.CharField("identifiant LHEO", max_length=120)
    intitule = models.CharField("intitulé", max_length=255)
    objectif = models.TextField("objectif", blank=True)
    resultats = models.TextField("résultats attendus", blank=True)
    contenu = models.TextField("contenu", blank=True)
    certifiante = models.BooleanField(default=False)
    niveau_entree = models.CharField(max_length=4, blank=True)
    niveau_sortie = models.CharField(max_length=4, blank=True)
    formacodes = models.JSONField(default=list, blank=True)
    nsf = models.JSONField(default=list, blank=True)
    romes = models.JSONField("codes ROME déclarés", default=list, blank=True)
    certifications = models.JSONField("codes RNCP / RS", default=list, blank=True)
    certifinfo = models.JSONField(default=list, blank=True)
    url = models.CharField(max_length=500, blank=True)
    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="formations")
    synthetic = models.BooleanField("données synthétiques", default=False)
    origine = models.CharField(max_length=8, choices=ORIGINES, default=ORIGINE_LHEO)
    version = models.PositiveIntegerField("version", default=1)
    modifie_le = models.DateTimeField("modifiée le", null=True, blank=True)
    modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["intitule"]
        constraints = [models.UniqueConstraint(fields=["flux", "numero"], name="uniq_formation_flux_numero")]

    def __str__(self) -> str:
        return self.intitule


class Action(models.Model):
    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="actions")
    numero = models.CharField("identifiant LHEO", max_length=120)
    rythme = models.CharField(max_length=250, blank=True)
    modalites_enseignement = models.CharField(max_length=1, blank=True, choices=MODALITES)
    alternance = models.BooleanField(default=False)
    prise_en_charge = models.BooleanField("prise en charge des frais possible", default=False)
    code_insee = models.CharField("commune du lieu de formation", max_length=5, blank=True, db_index=True)
    codepostal = models.CharField(max_length=10, blank=True)
    ville = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    financeurs = models.CharField("codes financeurs", max_length=120, blank=True, help_text="|2|4|")
    nb_places_financees = models.IntegerField(null=True, blank=True)
    nombre_heures = models.IntegerField(null=True, blank=True)
    prix_total = models.FloatField(null=True, blank=True)
    duree_indicative = models.CharField(max_length=120, blank=True)
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["formation", "numero"], name="uniq_action_numero")]

    def __str__(self) -> str:
        return f"{self.formation.intitule} ({self.ville})"

    @property
    def financeur_codes(self) -> list[str]:
        return [c for c in self.financeurs.split("|") if c]


class Session(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sessions")
    numero = models.CharField("identifiant LHEO", max_length=120)
    debut = models.DateField(null=True, blank=True, db_index=True)
    fin = models.DateField(null=True, blank=True)
    nb_places = models.IntegerField(null=True, blank=True)
    etat_recrutement = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["debut"]
        constraints = [models.UniqueConstraint(fields=["action", "numero"], name="uniq_session_numero")]


class ActionFiche(models.Model):
    """Why an action prepares for a ROME fiche: the route that found the link and how sure it is."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="fiche_links")
    fiche = models.ForeignKey("referentials.Fiche", on_delete=models.CASCADE, related_name="training_links")
    route = models.CharField(max_length=10, choices=ROUTES)
    confidence = models.FloatField("confiance")

    class Meta:
        ordering = ["-confidence"]
        constraints = [models.UniqueConstraint(fields=["action", "fiche"], name="uniq_action_fiche")]


class FormationVersion(models.Model):
    """The state of a formation before a manual save (its fields, actions and sessions, as JSON)."""

    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    origine = models.CharField(max_length=8, choices=ORIGINES)
    data = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["formation", "-number"]
        constraints = [models.UniqueConstraint(fields=["formation", "number"], name="uniq_formation_version")]
