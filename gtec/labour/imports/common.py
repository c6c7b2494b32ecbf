"""What the labour-market importers share: the files' fingerprints, the count sum, the check that a file names
only known communes (or territories), and the demo folder's manifest. One module per source sits beside it
(`bmo`, `dares`, `jobseekers`, `offers`, `establishments`, `employment`); each reads with `gtec_core.sources`,
diffs with the one sync helper (`gtec.imports.sync`) in one transaction, records its provenance and returns
`(version, counts)` like the referential importers."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from gtec.imports.sync import Counts
from gtec_core.errors import SourceError
from gtec_core.tabular import LINE, sha256_file

BIG_FILE = 64 << 20  # above this size, STMT and SIRENE files are read by the streaming (polars) path
ID_BATCH = 5000


def files_sha(*paths: Path) -> dict[str, str]:
    return {Path(p).name: sha256_file(Path(p)) for p in paths}


def add_counts(total: Counts, part: Counts) -> None:
    for field in ("created", "updated", "deleted", "unchanged"):
        setattr(total, field, getattr(total, field) + getattr(part, field))


def unknown_communes(path: Path, frame: pl.DataFrame, known: set[str], *, level: str | None, code: str,
                     column: str, message: str = "commune « {} » inconnue du code officiel géographique",
                     ) -> None:  # fmt: skip
    """Refuse a file that names a commune the COG never knew (current or former) — or, with `message`, a
    territory of another level unknown at that level: its rows would replace nothing real and hide a typo.
    Skipped when no geography (of that level) is loaded yet."""
    if not known:
        return
    rows = frame.filter(pl.col(level) == "commune") if level else frame
    bad = rows.filter(~pl.col(code).is_in(list(known)))
    if not bad.is_empty():
        line = int(bad[LINE][0]) if LINE in bad.columns else None
        raise SourceError(
            path,
            message.format(bad[code][0]),
            line=line,
            column=column,
        )


def read_manifest(folder: Path) -> dict:
    """The `manifest.json` the demo generator writes beside its files (synthetic flag, files, seed)."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise SourceError(path, "manifeste absent : ce dossier n'a pas été produit par `gtec demo generate`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"JSON illisible ({exc.msg})", line=exc.lineno) from None
