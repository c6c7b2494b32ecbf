"""A frozen diagnostic (« instantané »): the headline figures it published, the vintages and import runs they
came from, and the generated documents, all copied at the time. Nothing here points at a live row that an
import can change: a re-import leaves every snapshot exactly as it was (the run ids are kept as plain
numbers, with their source and version, so they still name the runs after those are superseded)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Snapshot(models.Model):
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="diagnostic_snapshots"
    )
    territory_name = models.CharField("territoire (nom au moment du gel)", max_length=200)
    period = models.CharField("période", max_length=10)
    title = models.CharField("titre", max_length=200)
    created_at = models.DateTimeField("gelé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField("chiffres publiés", default=list)
    runs = models.JSONField("imports utilisés (id, source, version, date)", default=list)
    html = models.TextField("document HTML")
    pdf = models.BinaryField("document PDF", blank=True, default=b"")
    sha256 = models.CharField("empreinte du PDF", max_length=64, blank=True)
    synthetic = models.BooleanField("contient des données synthétiques", default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "instantané de diagnostic"

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%d/%m/%Y})"

    def figure_map(self) -> dict[str, dict]:
        return {f["key"]: f for f in self.figures}
