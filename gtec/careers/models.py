"""Persistence of the careers area: only what a person chose to save, behind a private, revocable link.

No account, no name, no free text: a saved path holds the skills the person confirmed, the métiers they
chose, and the optional commune and distance, found again by an unguessable token (secrets.token_urlsafe,
32 bytes). Deleting it (button on the page) removes the row.
"""

import secrets

from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SavedPath(models.Model):
    token = models.CharField("jeton", max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    skills = models.JSONField("compétences (code OGR)", default=list)
    appellations = models.JSONField("appellations (code OGR)", default=list)
    commune = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    max_km = models.PositiveSmallIntegerField("distance maximale (km)", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "parcours enregistré"
        verbose_name_plural = "parcours enregistrés"

    def __str__(self) -> str:
        return f"Parcours du {self.created_at:%d/%m/%Y} ({len(self.skills)} compétences)"
