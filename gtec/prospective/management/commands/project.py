"""`gtec project --territory K --scenario NAME --horizon 2030 --format csv|xlsx [--local FILE] [--out FILE]`:
postes à pourvoir by FAP family for a territory (same figures as the « Prospective » page)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gtec.prospective import queries as q
from gtec_core.exports import write_table


class Command(BaseCommand):
    help = "Projette les postes à pourvoir d'un territoire par famille de métiers (Les métiers en 2030)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--territory", required=True, help="territoire ÉCHELLE:CODE, ex. custom:pays-de-vannes"
        )
        parser.add_argument("--scenario", default="reference", help="reference, bas-carbone, covid")
        parser.add_argument("--horizon", default="2030")
        parser.add_argument("--format", dest="fmt", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--local", type=Path, default=None, help="fichier YAML d'un scénario local")
        parser.add_argument(
            "--out", type=Path, default=None, help="fichier de sortie (défaut : sortie standard)"
        )

    def handle(self, *args, territory, scenario, horizon, fmt, local, out, **options):
        local_text = None
        if local is not None:
            try:
                local_text = local.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{local} : illisible ({exc.__class__.__name__})") from None
        try:
            frame = q.projection_frame(territory, scenario=scenario, horizon=horizon, local_text=local_text)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        except (q.ScenarioError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        body = write_table(frame, fmt, title=f"Postes à pourvoir — {territory} — {scenario} — {horizon}")
        if out is not None:
            out.write_bytes(body)
            self.stdout.write(f"{len(frame)} familles écrites dans {out}")
        elif fmt == "xlsx":
            raise CommandError("--format xlsx demande --out FICHIER")
        else:
            sys.stdout.write(body.decode("utf-8-sig"))
