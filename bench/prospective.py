"""Projections and stress tests: the departures model's error against the official figures, one territory's
projection (cold and warm), one stress test, and every zone d'emploi in one batch.

    .venv/bin/python bench/prospective.py [--db sqlite|postgres] [--pg-url postgres://postgres@127.0.0.1:5432/]
        [--territory custom:pays-de-vannes] [--keep]

It builds its own database (var/bench-prospective.sqlite3, or the PostgreSQL database gtec_bench_prospective)
with `gtec import all` (official files only, no demo: every zone d'emploi is projected from public data), then
measures in a child process. Figures are printed, never asserted."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "gtec_bench_prospective"
SHOCK = "nom: Confinement de mars 2020\npreset: insee-2020-03\n"


def postgres(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.rstrip("/") + "/postgres", autocommit=True) as connection:
        connection.execute(sql)


def prepare(args) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "LOG_LEVEL": "WARNING"}
    if args.db == "sqlite":
        path = ROOT / "var" / "bench-prospective.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        fresh = not path.exists()
    else:
        env["DATABASE_URL"] = args.pg_url.rstrip("/") + "/" + DB_NAME
        if not args.keep:
            postgres(args.pg_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            postgres(args.pg_url, f"CREATE DATABASE {DB_NAME}")
        fresh = True
    gtec = str(ROOT / ".venv" / "bin" / "gtec")
    log = open(ROOT / "var" / f"bench-prospective-{args.db}.log", "w", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([gtec, "migrate", "-v0"], env=env, check=True, stdout=log, stderr=log)
    if fresh or args.reimport:
        subprocess.run([gtec, "import", "all"], env=env, check=True, stdout=log, stderr=log)
    print(f"base prête ({args.db}) en {time.perf_counter() - started:.0f} s")
    return env


def measure(args) -> None:
    import django

    django.setup()
    from gtec.prospective import compute
    from gtec.prospective import queries as q
    from gtec.territories.models import Territory

    evaluation = q.departures_evaluation()
    print(
        "\nModèle de départs (pyramide nationale par FAP × probabilités de sortie par âge) contre les départs"
    )
    print(
        f"officiels FAP × région ({evaluation['n']} cellules, facteur de calage {evaluation['scale']:.3f}) :"
    )
    print(f"  erreur absolue moyenne       {evaluation['mae_points']:.2f} points d'emploi 2019")
    print(f"  pondérée par l'emploi         {evaluation['weighted_mae_points']:.2f} points")
    print(f"  avec calage par région        {evaluation['regional_calibration_mae_points']:.2f} points")
    print("  familles les plus mal estimées (moyenne des régions, modèle − officiel) :")
    for w in evaluation["worst"][:6]:
        print(
            f"    {w['fap']:<12} {w['label'][:48]:<48} {w['error_points']:+6.1f} pts ({w['model_pct']:.1f} % / {w['official_pct']:.1f} %)"
        )

    key = args.territory
    started = time.perf_counter()
    view = q.projection_view(key)
    cold = time.perf_counter() - started
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        q.projection_view(key)
        runs.append(time.perf_counter() - started)
    print(
        f"\nProjection {key} (référence, 2030) : à froid {cold:.2f} s, à chaud {min(runs):.3f} s (meilleur de 5)"
    )
    print(
        f"  {view.totals['postes_year']} postes à pourvoir par an, dont {view.totals['replacement_year']} remplacements"
    )
    print("  10 premières familles (postes à pourvoir par an 2019-2030 : remplacement + expansion) :")
    for r in view.rows[:10]:
        print(
            f"    {r['fap']:<12} {r['label'][:44]:<44} {r['postes_year']:>6} = {r['replacement_year']:>5} + {r['expansion_year']:>5}  [{r['band']}]  {r['class_label']}"
        )

    started = time.perf_counter()
    q.stress_view(key, SHOCK)
    cold = time.perf_counter() - started
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        stress = q.stress_view(key, SHOCK)
        runs.append(time.perf_counter() - started)
    print(
        f"\nTest de résistance {key} (mars 2020, Insee) : à froid {cold:.2f} s (moteur de parcours compris), à chaud {min(runs):.2f} s"
    )
    print(f"  {stress.total_displaced} emplois perdus, couverture {stress.coverage}")

    n = Territory.objects.filter(scale="ze", actif=True).count()
    compute._cache.update(stamp=None, value=None)
    started = time.perf_counter()
    done = q.batch("ze")
    seconds = time.perf_counter() - started
    print(
        f"\nToutes les zones d'emploi : {len(done)} projetées sur {n} (hors champ : DOM) en {seconds:.1f} s ({args.db})"
    )
    print(f"  total {sum(v for _, v in done):,.0f} postes à pourvoir par an".replace(",", " "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--territory", default="custom:pays-de-vannes")
    parser.add_argument("--keep", action="store_true", help="réutiliser la base PostgreSQL déjà importée")
    parser.add_argument("--reimport", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        sys.path.insert(0, str(ROOT))
        measure(args)
        return
    (ROOT / "var").mkdir(exist_ok=True)
    env = prepare(args)
    cmd = [sys.executable, __file__, "--inner", "--db", args.db, "--territory", args.territory]
    sys.exit(subprocess.run(cmd, env=env, cwd=ROOT).returncode)


if __name__ == "__main__":
    main()
