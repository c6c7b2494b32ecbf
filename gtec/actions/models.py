"""The territory's action plan and its memory.

An `Action` is a collaborative project decided after the diagnostic (a session opened, a job-dating, an
attractiveness campaign…), led by one organisation with partners. Each action names the indicators it aims
to move (`ActionIndicator`): the published value at creation is copied as the baseline (with its period and
the import run it came from) and never recomputed, so the before / after stays honest when new data
arrive. Partners record what they bring (`Contribution`), and anyone acting on the action keeps a dated
« retour d'expérience » (`RetexEntry`): what was tried, what worked, what did not."""

from __future__ import annotations

from django.conf import settings
from django.db import models

STATUSES = [
    ("prevue", "Prévue"),
    ("en_cours", "En cours"),
    ("terminee", "Terminée"),
    ("abandonnee", "Abandonnée"),
]
PUBLICS = [
    ("tous", "Tous publics"),
    ("demandeurs", "Demandeurs d'emploi"),
    ("jeunes", "Jeunes de moins de 26 ans"),
    ("salaries", "Salariés en reconversion"),
    ("seniors", "Seniors"),
    ("beneficiaires_rsa", "Bénéficiaires du RSA"),
    ("entreprises", "Entreprises"),
]
RETEX_KINDS = [
    ("essai", "Ce qui a été tenté"),
    ("reussite", "Ce qui a marché"),
    ("difficulte", "Ce qui n'a pas marché"),
    ("lecon", "Leçon à retenir"),
]
DIRECTIONS = [("hausse", "à la hausse"), ("baisse", "à la baisse")]


class Action(models.Model):
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="actions", verbose_name="territoire"
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    lead = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="led_actions",
        verbose_name="organisation pilote",
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="partner_actions", verbose_name="partenaires"
    )
    budget = models.DecimalField("budget (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    start = models.DateField("début", null=True, blank=True)
    end = models.DateField("fin", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=STATUSES, default="prevue")
    target_public = models.CharField("public visé", max_length=20, choices=PUBLICS, default="tous")
    occupations = models.JSONField("métiers concernés (codes ROME)", default=list, blank=True)
    areas = models.ManyToManyField(
        "territories.Territory", blank=True, related_name="+", verbose_name="territoires concernés"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "action"

    def __str__(self) -> str:
        return self.title


class ActionIndicator(models.Model):
    """An indicator the action aims to move, with its baseline copied at creation and its target."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.CharField("indicateur", max_length=40)
    territory = models.ForeignKey("territories.Territory", on_delete=models.PROTECT, related_name="+")
    occupation_kind = models.CharField("nomenclature", max_length=8, default="all")
    occupation = models.CharField("métier", max_length=8, blank=True)
    occupation_label = models.CharField("libellé du métier", max_length=250, blank=True)
    baseline_period = models.CharField("période de référence", max_length=10, blank=True)
    baseline_value = models.FloatField("valeur de référence", null=True, blank=True)
    baseline_display = models.CharField("valeur de référence affichée", max_length=40, blank=True)
    baseline_status = models.CharField("statut de la référence", max_length=12, blank=True)
    baseline_run = models.IntegerField("import de la référence (ImportRun)", null=True, blank=True)
    target_value = models.FloatField("cible", null=True, blank=True)
    direction = models.CharField("sens visé", max_length=6, choices=DIRECTIONS, default="baisse")
    captured_at = models.DateTimeField("référence prise le", auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class Contribution(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    description = models.TextField("apport")
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class RetexEntry(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="retex")
    date = models.DateField("date")
    kind = models.CharField("nature", max_length=12, choices=RETEX_KINDS, default="essai")
    title = models.CharField("titre", max_length=200)
    text = models.TextField("récit")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "retour d'expérience"
