"""`gtec compute [--territory SCALE:CODE ...] [--year YYYY ...]` — compute and store every indicator.
`gtec compute --all-territories [--scale SCALE ...]` — every territory the loaded data covers, in batches.

Without `--territory`, the default territory (GTEC_DEFAULT_TERRITORY) is computed with the EPCI and communes
inside it and the zones d'emploi, bassins, département and région around it. `--all-territories` computes
every territory of every scale (or of the `--scale` given) whose communes the data covers (France scale):
occupations for the territories above the commune, « tous métiers » for the communes."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gtec.labour.observations.geography import default_territories
from gtec.labour.observations.run import observations_compute, observations_compute_all
from gtec.territories.models import Territory
from gtec_core.french import format_fr


class Command(BaseCommand):
    help = "Calcule les indicateurs du marché du travail et les enregistre (observations)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--territory", action="append", default=[], help="territoire SCALE:CODE (répétable)"
        )
        parser.add_argument("--year", action="append", type=int, default=[], help="année (répétable)")
        parser.add_argument("--reference", default=None, help="territoire de référence pour la tension")
        parser.add_argument("--only", action="store_true", help="seulement les territoires nommés")
        parser.add_argument(
            "--all-territories",
            action="store_true",
            help="tous les territoires couverts par les données, par lots (échelle France)",
        )
        parser.add_argument(
            "--scale", action="append", default=[], help="avec --all-territories : échelle (répétable)"
        )

    def handle(
        self, *args, territory: list[str], year: list[int], reference: str | None, only: bool, **options
    ):
        ref = None
        if reference:
            ref = Territory.objects.filter(key=reference).first()
            if ref is None:
                raise CommandError(f"territoire de référence inconnu : {reference}")
        if options.get("all_territories"):
            if territory:
                raise CommandError("--all-territories et --territory s'excluent")
            started = self.started = time.perf_counter()
            try:
                version, counts = observations_compute_all(
                    years=year or None,
                    reference=ref,
                    scales=options.get("scale") or None,
                    progress=self.progress,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            return self.done(version, counts, started)
        keys = territory or [settings.GTEC_DEFAULT_TERRITORY]
        found = {t.key: t for t in Territory.objects.filter(key__in=keys)}
        missing = [k for k in keys if k not in found]
        if missing:
            raise CommandError(f"territoire inconnu : {missing[0]} (forme attendue ÉCHELLE:CODE, ex. dep:56)")
        chosen: dict[str, Territory] = {}
        for key in keys:
            for t in [found[key]] if only else default_territories(found[key]):
                chosen[t.key] = t
        started = self.started = time.perf_counter()
        version, counts = observations_compute(
            list(chosen.values()), years=year or None, reference=ref, progress=self.progress
        )
        self.done(version, counts, started)

    def done(self, version: str, counts: dict, started: float) -> None:
        c = counts["observations"]
        self.stdout.write(
            self.style.SUCCESS(
                f"{version} : {c.created} créées, {c.updated} modifiées, {c.deleted} supprimées, "
                f"{c.unchanged} inchangées ({time.perf_counter() - started:.1f} s)"
            )
        )

    started: float | None = None

    def progress(self, table: str, n: int) -> None:
        """One line per step, with the seconds since the run started (where a France run spends its time)."""
        since = f", {format_fr(time.perf_counter() - self.started, 1)} s" if self.started else ""
        self.stdout.write(f"  … {table} ({format_fr(n)} lignes{since})")
