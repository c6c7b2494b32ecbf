"""Importing the RNCP / RS certifications, then recomputing the actions' ROME links."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, sync
from gtec.training import models as m
from gtec.training.linking import links_refresh
from gtec.training.loading import add_counts
from gtec_core.sources import rncp as rncp_source


def rncp_import(
    folder: Path | str, *, progress: Callable[[str, int], None] | None = None
) -> tuple[str, dict]:
    """Import the RNCP / RS export of a folder. Certifications are upserted (an excerpt never deletes the
    others); the ROME links and blocs of each certification the files carry replace the stored ones. The
    actions' ROME links are then recomputed, since certifications are one of their routes."""
    release = rncp_source.read_release(Path(folder))
    fiches = release.fiches.to_dicts()
    codes = sorted({f["code"] for f in fiches} | set(release.romes["code"]) | set(release.blocs["code"]))
    counts: dict[str, Counts] = {}
    with transaction.atomic():
        counts["certifications"] = Counts()
        counts["certifications_rome"] = Counts()
        counts["blocs"] = Counts()
        for start in range(0, len(codes), 5000):
            chunk = set(codes[start : start + 5000])
            add_counts(
                counts["certifications"],
                sync(
                    m.Certification,
                    [f for f in fiches if f["code"] in chunk],
                    ("code",),
                    scope={"code__in": chunk},
                    delete_missing=False,
                ),
            )
            add_counts(
                counts["certifications_rome"],
                sync(
                    m.CertificationRome,
                    [
                        {
                            "certification_code": r["code"],
                            "code_rome": r["code_rome"],
                            "libelle_rome": r["libelle_rome"],
                        }
                        for r in release.romes.to_dicts()
                        if r["code"] in chunk
                    ],
                    ("certification_code", "code_rome"),
                    scope={"certification_code__in": chunk},
                ),
            )
            add_counts(
                counts["blocs"],
                sync(
                    m.BlocCompetences,
                    [
                        {"certification_code": r["code"], "code": r["code_bloc"], "libelle": r["libelle"]}
                        for r in release.blocs.to_dicts()
                        if r["code"] in chunk
                    ],
                    ("code",),
                    scope={"certification_code__in": chunk},
                ),
            )
            if progress:
                progress("certifications", min(start + 5000, len(codes)))
        counts["liens_rome"] = links_refresh()
        version = ", ".join(sorted(release.checksums))
        importrun_record(
            source="rncp", version=version[:80], data_dir=folder, files=release.checksums, counts=counts
        )
    return version, counts
