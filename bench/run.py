"""`make bench`: performance figures for the Socle, printed as a table (never asserted in tests).

1. Full referential import (rome, fap, geo) into a fresh SQLite file and a fresh PostgreSQL database,
   next to the time polars takes merely to read the same CSV files (spreadsheets: openpyxl / xlrd, and
   calamine / xlrd, the xlsx reader the import uses), then `gtec import all` again with nothing changed.
2. Appellation search: p50 / p95 over 1,000 varied queries (typos, no accents, feminine forms, truncated
   words, word subsets), on the index alone and through the HTTP API.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/gtec_bench")
GTEC = str(ROOT / ".venv" / "bin" / "gtec")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def data_dir() -> Path:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from config.settings.base import default_data_dir

    return Path(os.environ.get("GTEC_DATA_DIR") or default_data_dir())


def polars_read_seconds(folder: Path) -> float:
    import polars as pl

    csvs = [p for p in (folder / "rome4").glob("*.csv")]
    csvs += [folder / "fap_rome" / "Intitules_FAP2021_odis.csv"]
    csvs += [
        folder / "cog_ze" / "decoupage-administratif" / n
        for n in (
            "regions.csv",
            "departements.csv",
            "communes.csv",
            "mouvements-communes.csv",
            "donnees_communes.csv",
        )
    ]
    csvs += [
        folder / "cog_ze" / n for n in ("ZE2020_liste_2022.csv", "ZE2020_composition_communale_2022.csv")
    ]
    csvs += [folder / "bmo" / "bassin_emploi_BMO_communes.csv"]
    started = time.perf_counter()
    for path in csvs:
        sep = ";" if path.name in {"Intitules_FAP2021_odis.csv", "donnees_communes.csv"} else ","
        encoding = "latin1" if "secteur_naf" in path.name and "arborescence" in path.name else "utf8"
        pl.read_csv(path, separator=sep, infer_schema=False, encoding=encoding, truncate_ragged_lines=True)
    csv_time = time.perf_counter() - started
    import openpyxl
    import xlrd
    from python_calamine import CalamineWorkbook

    epcicom = folder / "cog_ze" / "decoupage-administratif" / "epcicom.xlsx"
    started = time.perf_counter()
    xlrd.open_workbook(str(folder / "fap_rome" / "Rome-V3_vers_Fap-2009.xls"))
    xls_time = time.perf_counter() - started
    started = time.perf_counter()
    book = openpyxl.load_workbook(epcicom, read_only=True)
    for _ in book.worksheets[0].iter_rows(values_only=True):
        pass
    openpyxl_time = time.perf_counter() - started
    started = time.perf_counter()  # the reader the import uses since #16 (gtec_core.tabular.xlsx_sheets)
    CalamineWorkbook.from_path(str(epcicom)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    calamine_time = time.perf_counter() - started
    return csv_time, xls_time + openpyxl_time, xls_time + calamine_time


CPU: dict[str, float] = {}  # label -> CPU seconds (user + sys) of the last timed command


def timed(cmd: list[str], env: dict, label: str = "") -> float:
    """Wall seconds of one command; its CPU seconds (user + sys, what a shared machine measures fairly)
    go to CPU[label]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[label] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall


def import_bench(label: str, url: str, folder: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "GTEC_DATA_DIR": str(folder),
    }
    timed([GTEC, "migrate", "--noinput", "-v0"], env)
    out = {"label": label}
    cpu = 0.0
    for source in ("rome", "fap", "geo"):
        out[source] = timed([GTEC, "import", source], env, source)
        cpu += CPU[source]
    out["total"] = out["rome"] + out["fap"] + out["geo"]
    out["cpu"] = cpu
    # the other sources of `all` (bmo, dares…) and the public figures, first time: not part of the figure
    timed([GTEC, "import", "all"], env)
    # then `all` again with nothing changed: every source recognised by its sha256 and skipped
    out["again"] = timed([GTEC, "import", "all"], env, "again")
    out["again_cpu"] = CPU["again"]
    return out


def fresh_postgres() -> bool:
    try:
        import psycopg

        name = PG_URL.rsplit("/", 1)[-1]  # the database of BENCH_PG_URL (one's own name on a shared server)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:  # PostgreSQL not reachable: say so, bench SQLite only
        print(f"PostgreSQL indisponible ({exc}) : mesure SQLite seulement")
        return False


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def noisy_queries(labels: list[str], n: int = 1000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    queries = []
    for _ in range(n):
        label = rng.choice(labels)
        words = [w for w in label.replace("/", " ").replace("'", " ").split() if len(w) > 1]
        kind = rng.randrange(6)
        if kind == 0:
            q = fold(label).lower()
        elif kind == 1:  # one form only (the feminine half when there is one)
            q = label.split("/")[-1].strip()
        elif kind == 2:  # a typo: swap two letters of a long word
            w = rng.choice(words)
            if len(w) > 4:
                i = rng.randrange(1, len(w) - 2)
                w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
            q = w + " " + " ".join(rng.sample(words, min(1, len(words))))
        elif kind == 3:  # unfinished word, as typed in the box
            w = max(words, key=len)
            q = w[: max(3, len(w) // 2)]
        elif kind == 4:
            q = " ".join(rng.sample(words, min(len(words), 2)))
        else:
            q = label.upper()
        queries.append(q)
    return queries


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def search_bench(sqlite_url: str) -> dict:
    os.environ["DATABASE_URL"] = sqlite_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    import django

    django.setup()
    from django.test import Client

    from gtec.referentials.models import Appellation
    from gtec.referentials.search import appellation_index

    started = time.perf_counter()
    index = appellation_index()
    build = time.perf_counter() - started
    queries = noisy_queries(list(Appellation.objects.values_list("libelle", flat=True)))
    core = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, limit=10)
        core.append((time.perf_counter() - t) * 1000)
    client = Client()
    http = []
    for q in queries:
        t = time.perf_counter()
        response = client.get("/api/appellations", {"q": q})
        http.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    return {"build": build, "core": core, "http": http, "n": len(queries)}


def main() -> None:
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    sqlite_path = var / "bench.sqlite3"
    # Before any settings module is imported (data_dir imports config.settings.base, which reads
    # DATABASE_URL once): the search part then queries the benchmark database, not the default one.
    os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    folder = data_dir()
    print(f"GTEC bench — données : {folder}\n")
    csv_s, xls_s, calamine_s = polars_read_seconds(folder)
    for suffix in ("", "-wal", "-shm"):
        Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
    runs = [import_bench("SQLite", f"sqlite:///{sqlite_path}", folder)]
    if fresh_postgres():
        runs.append(import_bench("PostgreSQL", PG_URL, folder))
    print("1. Import complet des référentiels (secondes)")
    print(
        f"   lecture seule des mêmes fichiers : polars (CSV) {csv_s:.2f} s + openpyxl/xlrd (xlsx/xls) {xls_s:.2f} s = {csv_s + xls_s:.2f} s"
    )
    print(
        f"   avec le lecteur xlsx de l'import (calamine) : polars {csv_s:.2f} s + calamine/xlrd {calamine_s:.2f} s = {csv_s + calamine_s:.2f} s"
    )
    print(
        f"   {'base':<12}{'rome':>8}{'fap':>8}{'geo':>8}{'total':>8}{'CPU':>8}{'ratio':>8}{'ratio':>10}{'relance':>9}{'CPU':>7}"
    )
    print(f"   {'':<52}{'openpyxl':>8}{'calamine':>10}")
    for r in runs:
        print(
            f"   {r['label']:<12}{r['rome']:>8.1f}{r['fap']:>8.1f}{r['geo']:>8.1f}{r['total']:>8.1f}{r['cpu']:>8.1f}"
            f"{r['total'] / (csv_s + xls_s):>7.1f}×{r['total'] / (csv_s + calamine_s):>9.1f}×{r['again']:>9.2f}{r['again_cpu']:>7.2f}"
        )
    print(
        "   (secondes murales ; CPU = user + sys des processus ; relance = `gtec import all` sans changement)"
    )
    print(
        f"   pic mémoire des imports (RSS max) : {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} Mo"
    )
    s = search_bench(f"sqlite:///{sqlite_path}")
    print(
        f"\n2. Recherche d'appellations ({s['n']} requêtes variées ; index construit en {s['build'] * 1000:.0f} ms)"
    )
    for label, values in (("index seul", s["core"]), ("API HTTP (client Django)", s["http"])):
        print(
            f"   {label:<26} p50 {percentile(values, 50):6.2f} ms   p95 {percentile(values, 95):6.2f} ms   max {max(values):6.1f} ms   ({statistics.mean(values):.2f} ms en moyenne)"
        )


if __name__ == "__main__":
    main()
