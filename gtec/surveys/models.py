"""Survey campaigns and the companies' answers.

Every save of an answer is a new `ResponseVersion` (never an update): drafts, submissions and amendments
are all kept, and a save based on an older version than the latest is refused rather than overwriting it.
Aggregates read each response's latest submitted version. Raw answers are read only by their organisation
and by coordinators who accepted the campaign's charter; each reading is written to `AccessLog`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

DRAFT, OPEN, CLOSED = "brouillon", "ouverte", "close"
CAMPAIGN_STATUSES = [(DRAFT, "En préparation"), (OPEN, "Ouverte"), (CLOSED, "Close")]
R_DRAFT, R_SUBMITTED = "brouillon", "envoyee"
RESPONSE_STATUSES = [(R_DRAFT, "Brouillon"), (R_SUBMITTED, "Envoyée")]
DEFAULT_CHARTER = (
    "Je m'engage à n'utiliser les réponses individuelles des établissements que pour le suivi de la campagne "
    "et l'accompagnement des répondants qui l'ont accepté ; à ne jamais les publier ni les transmettre hors "
    "du cadre choisi par chaque répondant ; à ne diffuser que des résultats agrégés soumis au secret "
    "statistique. Chacune de mes consultations est enregistrée et visible par l'organisation concernée."
)


class Campaign(models.Model):
    name = models.CharField("nom", max_length=200)
    territory = models.ForeignKey("territories.Territory", on_delete=models.PROTECT, related_name="campaigns")
    period_start = models.DateField("début")
    period_end = models.DateField("fin")
    status = models.CharField("état", max_length=12, choices=CAMPAIGN_STATUSES, default=DRAFT)
    charter = models.TextField("charte des coordinateurs", default=DEFAULT_CHARTER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = "campagne"

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


class Participation(models.Model):
    """An organisation invited to answer a campaign, with the reminders sent to it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="participations"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    reminders = models.PositiveIntegerField("relances", default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="uniq_participation")
        ]


class Response(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="responses"
    )
    status = models.CharField("état", max_length=12, choices=RESPONSE_STATUSES, default=R_DRAFT)
    latest = models.ForeignKey(
        "ResponseVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted = models.ForeignKey(
        "ResponseVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "organisation"], name="uniq_response")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.campaign}"


class ResponseVersion(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=RESPONSE_STATUSES)
    source = models.CharField(max_length=10, default="web")  # web | xlsx | demo
    data = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["response", "number"]
        constraints = [models.UniqueConstraint(fields=["response", "number"], name="uniq_response_version")]


class CharterAcceptance(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="charter_acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="uniq_charter_acceptance")]


class AccessLog(models.Model):
    """One reading of an organisation's raw answer (or export), visible to that organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="access_logs"
    )
    response = models.ForeignKey(Response, on_delete=models.SET_NULL, null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    who = models.CharField("qui", max_length=200)
    role = models.CharField("à quel titre", max_length=40)
    action = models.CharField("action", max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
