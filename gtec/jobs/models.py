"""A background job: what was asked (kind, params), by whom, how far it went and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models

QUEUED, RUNNING, DONE, FAILED = "attente", "en_cours", "termine", "echec"
STATUSES = [(QUEUED, "En attente"), (RUNNING, "En cours"), (DONE, "Terminé"), (FAILED, "Échec")]


class Job(models.Model):
    kind = models.CharField("type", max_length=40)
    label = models.CharField("intitulé", max_length=200)
    params = models.JSONField("paramètres", default=dict)
    status = models.CharField("état", max_length=10, choices=STATUSES, default=QUEUED)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=200, blank=True)
    error = models.TextField("erreur", blank=True)
    result = models.JSONField("résultat", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "traitement"

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)
