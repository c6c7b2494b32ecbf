"""`gtec extract-skills` — JSON lines {"id", "text"} on stdin; writes JSON lines
{"id", "skills": [code_ogr, ...], "rome_codes": [...]} (best first) on stdout: the ROME macro-compétences the
text shows and the fiches it describes. Built from the ROME files of GTEC_DATA_DIR/rome4 and the ESCO labels
of GTEC_DATA_DIR/esco (gtec_core.matching, the one French text engine), no database. `--details` adds each
skill's span, confidence and the closest referential label."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gtec.imports.management.commands.match_titles import engine_for


class Command(BaseCommand):
    help = "Repère les compétences et savoirs du ROME dans des textes (JSON lines sur l'entrée standard)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rome", type=Path, default=None, help="dossier du ROME 4.0 (défaut : GTEC_DATA_DIR/rome4)"
        )
        parser.add_argument(
            "--details", action="store_true", help="ajouter les passages reconnus et la confiance"
        )

    def handle(self, *args, rome=None, details=False, **options):
        engine = engine_for(rome)
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True)
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = str(item.get("text") or "")
            except (json.JSONDecodeError, AttributeError) as error:
                raise CommandError(f"ligne {number} : JSON invalide ({error})") from error
            occupations = engine.occupations(text, limit=5)
            matches = engine.extract(text, fiches=[code for code, _ in occupations])
            result = {
                "id": item.get("id"),
                "skills": [m.code_ogr for m in matches],
                "rome_codes": [code for code, _ in occupations],
            }
            if details:
                result["details"] = [
                    {
                        "code_ogr": m.code_ogr,
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "confidence": m.confidence,
                        "label": m.label,
                        "evidence": m.evidence,
                    }
                    for m in matches
                ]
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
