from django.db import models


class ImportRun(models.Model):
    """Provenance of one import: which source, which version, which files (with checksums), when, and what
    it changed. Every published figure can be traced back to the runs that loaded its inputs."""

    source = models.CharField("source", max_length=40, db_index=True)
    version = models.CharField("version", max_length=80, blank=True)
    data_dir = models.CharField("dossier", max_length=500, blank=True)
    files = models.JSONField("fichiers et empreintes sha256", default=dict)
    counts = models.JSONField("comptes par table", default=dict)
    synthetic = models.BooleanField("données synthétiques", default=False)
    started_at = models.DateTimeField("début", auto_now_add=True)
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    notes = models.TextField("remarques", blank=True)
    # sha256 over the source folder (every file's path and content): an import whose folder has the same
    # fingerprint as the last run of its source is skipped by `gtec import`
    fingerprint = models.CharField("empreinte du dossier (sha256)", max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "import"

    def __str__(self) -> str:
        return f"{self.source} {self.version} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def changed(self) -> bool:
        return any(c.get("created") or c.get("updated") or c.get("deleted") for c in self.counts.values())
