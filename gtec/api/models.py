"""API tokens of an organisation, and the journal of every write made through the API.

A token is shown once at creation; only its SHA-256 hash and a short public prefix are stored. Scopes:
`read` (reading without the anonymous rate limit), `contribute` (writing the organisation's own data: survey
answers, training offer), `admin` (reading the organisation's API journal), `widget` (embedding the widgets
in the origins listed in `allowed_origins`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

READ = "read"
CONTRIBUTE = "contribute"
ADMIN = "admin"
WIDGET = "widget"
SCOPES = [
    (READ, "Lecture"),
    (CONTRIBUTE, "Contribution (écriture des données de l'organisation)"),
    (ADMIN, "Administration (journal de l'API)"),
    (WIDGET, "Widget (intégration dans un site partenaire)"),
]
SCOPE_LABELS = dict(SCOPES)


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField("préfixe public", max_length=16, unique=True)
    key_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    scopes = models.JSONField("portées", default=list)
    allowed_origins = models.JSONField("origines autorisées (widgets)", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has(self, scope: str) -> bool:
        return self.active and scope in self.scopes


class ApiWrite(models.Model):
    """One write through the API: who (token, organisation), what (method, path, object) and the outcome."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="writes"
    )
    token_prefix = models.CharField(max_length=16)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    action = models.CharField(max_length=60)
    object_ref = models.CharField("objet", max_length=120, blank=True)
    status = models.PositiveSmallIntegerField("code HTTP")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "écriture par l'API"
        verbose_name_plural = "écritures par l'API"
