"""Demo territory generator: synthetic labour-market files in the official layouts, calibrated on real series.

Real micro-data (establishments with their staff, job seekers by métier, job offers) cannot be had, so
`generate(scale, seed, out, data_dir)` writes, deterministically from the seed (same seed, scale and library
versions → byte-identical files), files that the project's own readers read like the real ones:

- `StockEtablissement_utf8.csv` — SIRENE layout (`sources.sirene`), see `demo.establishments`;
- `stmt_demandeurs.csv` — STMT layout (`sources.stmt.read_stmt`), commune ABC totals equal to the real commune
  series month by month, see `demo.jobseekers`;
- `offres.jsonl` — « API Offres d'emploi v2 » JSON lines (`sources.offers`), volume and mix from BMO 2024,
  see `demo.offers`;
- `emploi_metiers_age.csv` — employment by FAP-2009 × age band (`sources.employment`), DARES pyramids;
- `manifest.json` (synthetic: true, generator version, seed, scale, territory, period, files with sha256 and
  rows) and `PROVENANCE.md` (French).

Scales: `pays-de-vannes` (60 communes of zone d'emploi 5318), `bretagne` (région 53), `france` (benchmarks:
written month by month / by chunks of communes, bounded memory). Period: the 24 months ending with the real
series (January 2023 – December 2024); `months` keeps the first N only.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from gtec_core.demo import employment, establishments, jobseekers, offers
from gtec_core.demo.context import PERIOD_MONTHS, SCALES, load, months_of
from gtec_core.tabular import sha256_file

VERSION = "1.0"
FILES = {
    "establishments": "StockEtablissement_utf8.csv",
    "jobseekers": "stmt_demandeurs.csv",
    "offers": "offres.jsonl",
    "employment": "emploi_metiers_age.csv",
}
__all__ = ["FILES", "SCALES", "VERSION", "Generated", "generate"]


@dataclass
class Generated:
    out: Path
    manifest: dict
    seconds: dict[str, float] = field(default_factory=dict)


def generate(scale: str, seed: int, out: Path, data_dir: Path, *, months: int = PERIOD_MONTHS) -> Generated:
    """Write the demo files of `scale` into `out` (created if needed) and return the manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if not 1 <= months <= PERIOD_MONTHS:
        raise ValueError(f"months doit être entre 1 et {PERIOD_MONTHS}")
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    ctx = load(data_dir, scale, seed)
    seconds["lecture des sources"] = time.perf_counter() - start
    period = months_of(months)
    rows: dict[str, int] = {}
    steps = [
        ("establishments", lambda p: establishments.write(ctx, p)),
        ("jobseekers", lambda p: jobseekers.write(ctx, period, p)),
        ("offers", lambda p: offers.write(ctx, period, p)),
        ("employment", lambda p: employment.write(ctx, p)),
    ]
    for name, step in steps:
        start = time.perf_counter()
        rows[name] = step(out / FILES[name])
        seconds[name] = time.perf_counter() - start
    manifest = {
        "synthetic": True,
        "generator": "gtec_core.demo",
        "generator_version": VERSION,
        "seed": seed,
        "scale": scale,
        "territory": {
            "label": ctx.label,
            "level": SCALES[scale][0],
            "code": SCALES[scale][1],
            "communes": ctx.communes.height,
            "population": int(ctx.communes["population"].sum()),
        },
        "period": {
            "first_month": f"{period[0]:%Y-%m}",
            "last_month": f"{period[-1]:%Y-%m}",
            "months": months,
        },
        "jobseekers_category_matched": "ABC",
        "files": [
            {"name": FILES[name], "kind": name, "rows": rows[name], "sha256": sha256_file(out / FILES[name])}
            for name in FILES
        ],
        "calibration": {label: str(path.relative_to(ctx.data_dir)) for label, path in ctx.inputs.items()},
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "PROVENANCE.md").write_text(provenance(manifest), encoding="utf-8")
    return Generated(out, manifest, seconds)


def provenance(manifest: dict) -> str:
    period = manifest["period"]
    lines = [
        "# PROVENANCE — données de démonstration SYNTHÉTIQUES",
        "",
        "**Ces fichiers sont fictifs.** Ils ont été générés par `gtec demo generate` "
        f"(générateur `gtec_core.demo` version {manifest['generator_version']}, graine {manifest['seed']}, "
        f"échelle « {manifest['scale']} » : {manifest['territory']['label']}, "
        f"{manifest['territory']['communes']} communes, période {period['first_month']} → {period['last_month']}). "
        "Aucun établissement, demandeur d'emploi ni offre réels n'y figure ; les SIRET sont inventés (clé de "
        "Luhn valide). Ils ne doivent jamais être présentés comme des statistiques officielles.",
        "",
        "Ils reproduisent les formats officiels (SIRENE StockEtablissement, STMT France Travail, API Offres "
        "d'emploi v2) et sont calés sur des séries réelles :",
        "",
        "- demandeurs d'emploi : pour chaque commune publiée, le total de **catégorie ABC** de chaque mois est "
        "exactement la série réelle par commune (export 13_odis des statistiques France Travail) ; les autres "
        "communes se partagent le reste du total départemental au prorata de la population ; la répartition par "
        "métier ROME suit les projets de recrutement BMO 2024 du bassin ;",
        "- offres d'emploi : volume et métiers selon les projets BMO 2024 (France Travail) du bassin d'emploi, "
        "convertis de la FAP-2021 vers les fiches ROME 4.0 par une table de passage approchée "
        "(`gtec_core.occupations`, aucune table officielle n'étant disponible) ; appellations, compétences et "
        "savoirs réels du ROME 4.0 ;",
        "- établissements : nombre proportionnel à la population, codes NAF rév. 2 réels ;",
        "- emploi par métier et âge : pyramides des âges DARES « Portrait statistique des métiers » 2017-2019.",
        "",
        "Sources de calage (dossier de données officielles) :",
        "",
        *(f"- {label} : `{path}`" for label, path in manifest["calibration"].items()),
        "",
        "## Fichiers",
        "| fichier | lignes | sha256 |",
        "|---|---:|---|",
        *(f"| {f['name']} | {f['rows']} | {f['sha256'][:16]} |" for f in manifest["files"]),
        "",
    ]
    return "\n".join(lines)
