"""`gtec export INDICATOR --territory SCALE:CODE [--period PERIOD] --format csv|xlsx [--output FILE]`.

The same table as the page's export link, under the same secrecy: secret values are blank and shown « s »."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gtec.labour.read import indicator_export
from gtec.territories.models import Territory
from gtec_core.exports import write_table
from gtec_core.indicators.registry import REGISTRY


class Command(BaseCommand):
    help = "Exporte un indicateur pour un territoire (CSV ou XLSX), sous secret statistique."

    def add_arguments(self, parser):
        parser.add_argument("indicator", help=f"indicateur : {', '.join(sorted(REGISTRY))}")
        parser.add_argument("--territory", required=True, help="territoire ÉCHELLE:CODE, ex. ze:5318")
        parser.add_argument("--period", default=None, help="période (année), toutes par défaut")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--output", type=Path, default=None, help="fichier de sortie (défaut : sortie standard pour csv)"
        )

    def handle(
        self,
        *args,
        indicator: str,
        territory: str,
        period: str | None,
        format: str,
        output: Path | None,
        **options,
    ):
        if indicator not in REGISTRY:
            raise CommandError(f"indicateur inconnu : {indicator} (connus : {', '.join(sorted(REGISTRY))})")
        place = Territory.objects.filter(key=territory).first()
        if place is None:
            raise CommandError(f"territoire inconnu : {territory} (forme attendue ÉCHELLE:CODE, ex. dep:56)")
        table = indicator_export(indicator, place, period)
        if table.is_empty():
            raise CommandError(
                f"aucune valeur de {indicator} pour {territory}"
                + (f" en {period}" if period else "")
                + " : lancez `gtec compute --territory "
                + territory
                + "`"
            )
        data = write_table(table, format, title=f"{REGISTRY[indicator].label} — {place.display_name}")
        if output:
            output.write_bytes(data)
            self.stderr.write(f"{table.height} lignes écrites dans {output}")
        elif format == "csv":
            sys.stdout.flush()
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            raise CommandError("--output est requis pour le format xlsx")
