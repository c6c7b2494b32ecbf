"""`gtec stress --territory K --shock FILE.yaml --format csv|json [--out FILE]`: a shock stress test
(displaced workers by occupation, exposure, resilience, absorption), as on the « Stress test » page."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gtec.prospective import queries as q
from gtec_core.exports import write_table


class Command(BaseCommand):
    help = "Test de résistance d'un territoire à un choc déclaré dans un fichier YAML."

    def add_arguments(self, parser):
        parser.add_argument("--territory", required=True)
        parser.add_argument("--shock", type=Path, required=True, help="fichier YAML du choc")
        parser.add_argument("--format", dest="fmt", choices=["csv", "json"], default="json")
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args, territory, shock, fmt, out, **options):
        try:
            text = shock.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{shock} : fichier introuvable") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{shock} : illisible ({exc.__class__.__name__})") from None
        try:
            from gtec_core.prospective.stress import parse_shock

            view = q.stress_view(territory, shock=parse_shock(text, shock.name), absorption=fmt == "json")
        except (LookupError, q.ShockError, q.NoProjection) as exc:
            raise CommandError(str(exc)) from None
        if fmt == "csv":
            body = write_table(q.stress_frame(view), "csv", title=view.shock.name)
        else:
            body = json.dumps(
                {
                    "territoire": view.territory.key,
                    "choc": view.shock.name,
                    "emplois_perdus": view.total_displaced,
                    "indicateurs": dict(view.indicators),
                    "deplaces_par_metier": [
                        {k: d[k] for k in ("fap", "label", "value")} for d in view.displaced
                    ],
                    "couverture": view.coverage,
                    "absorption": view.absorption,
                    "avertissements": view.warnings,
                },
                ensure_ascii=False,
                indent=2,
            ).encode("utf-8")
        if out is not None:
            out.write_bytes(body)
            self.stdout.write(f"résultat écrit dans {out}")
        else:
            sys.stdout.write(body.decode("utf-8-sig"))
