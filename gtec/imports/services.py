from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from gtec.imports.models import ImportRun
from gtec.imports.sync import Counts


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
    return ImportRun.objects.create(
        source=source,
        version=version,
        data_dir=str(data_dir),
        files=files,
        counts={name: c.as_dict() for name, c in counts.items()},
        synthetic=synthetic,
        finished_at=timezone.now(),
        notes=notes,
    )
