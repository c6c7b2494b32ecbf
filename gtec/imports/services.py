from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from gtec.imports.models import ImportRun
from gtec.imports.sync import Counts
from gtec_core.sources import registry


def importrun_record(
    *,
    source: str,
    version: str,
    data_dir: Path | str,
    files: dict[str, str],
    counts: dict[str, Counts],
    synthetic: bool = False,
    notes: str = "",
) -> ImportRun:
    """Record an import; `source` is the registry's name of the source (`gtec_core.sources.registry.IMPORTED`),
    so that a page, an export or the diagnostic can label it."""
    return ImportRun.objects.create(
        source=registry.imported(source).name,
        version=version,
        data_dir=str(data_dir),
        files=files,
        counts={name: c.as_dict() for name, c in counts.items()},
        synthetic=synthetic,
        finished_at=timezone.now(),
        notes=notes,
    )
