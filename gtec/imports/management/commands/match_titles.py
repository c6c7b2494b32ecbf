"""`gtec match-titles` — one job title per line on stdin; writes `title<TAB>code1,code2,...` (ROME fiches, best
first, up to 5) on stdout. Built from the ROME files of GTEC_DATA_DIR/rome4 and the ESCO labels of
GTEC_DATA_DIR/esco when present (gtec_core.matching, the one French text engine), no database."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from gtec_core.matching.loader import load_engine


def engine_for(rome: Path | None):
    """The text engine on the ROME folder given (else GTEC_DATA_DIR/rome4), with GTEC_DATA_DIR/esco; cached in
    GTEC_DATA_DIR/../var/cache when writable, so that the next run starts in about a second."""
    data = Path(settings.GTEC_DATA_DIR)
    esco = data / "esco"
    return load_engine(
        rome or data / "rome4", esco if esco.exists() else None, Path(settings.BASE_DIR) / "var" / "cache"
    )


class Command(BaseCommand):
    help = "Associe des intitulés de poste (un par ligne sur l'entrée standard) aux fiches ROME."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rome", type=Path, default=None, help="dossier du ROME 4.0 (défaut : GTEC_DATA_DIR/rome4)"
        )
        parser.add_argument("--limit", type=int, default=5, help="nombre de fiches par intitulé (défaut : 5)")

    def handle(self, *args, rome=None, limit=5, **options):
        matcher = engine_for(rome)
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True)
        for line in stdin:
            title = line.rstrip("\r\n").replace("\t", " ")
            if not title.strip():
                continue
            codes = [hit.code_rome for hit in matcher.match_titles(title, limit=limit)]
            out.write(f"{title}\t{','.join(codes)}\n")
        out.flush()
