"""`gtec demo generate --scale pays-de-vannes|bretagne|france --seed N --out DIR [--data-dir DIR] [--months N]`
— write the synthetic demo files (SIRENE, STMT, offers, employment) calibrated on the official data folder.

The generator is `gtec_core.demo` (pure); this command only parses the options and reports what was written.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gtec_core.demo import SCALES, generate
from gtec_core.errors import SourceError


class Command(BaseCommand):
    help = "Génère un territoire de démonstration (fichiers synthétiques aux formats officiels)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate"], help="generate : écrire les fichiers")
        parser.add_argument("--scale", choices=list(SCALES), default="pays-de-vannes", help="échelle")
        parser.add_argument(
            "--seed", type=int, default=20241, help="graine (mêmes graine et échelle → mêmes octets)"
        )
        parser.add_argument("--out", type=Path, required=True, help="dossier de sortie")
        parser.add_argument("--data-dir", type=Path, default=None, help="dossier des fichiers officiels")
        parser.add_argument("--months", type=int, default=24, help="nombre de mois générés (1 à 24)")

    def handle(self, *args, **options):
        data_dir = options["data_dir"] or Path(settings.GTEC_DATA_DIR)
        try:
            result = generate(
                options["scale"], options["seed"], options["out"], data_dir, months=options["months"]
            )
        except (SourceError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        territory = manifest["territory"]
        self.stdout.write(
            f"Territoire de démonstration « {territory['label']} » : {territory['communes']} communes, "
            f"{manifest['period']['first_month']} → {manifest['period']['last_month']}, graine {manifest['seed']}."
        )
        for entry in manifest["files"]:
            seconds = result.seconds.get(entry["kind"], 0.0)
            self.stdout.write(f"  {entry['name']} : {entry['rows']} lignes ({seconds:.1f} s)")
        self.stdout.write(f"Écrit dans {result.out} (manifest.json, PROVENANCE.md). Données SYNTHÉTIQUES.")
