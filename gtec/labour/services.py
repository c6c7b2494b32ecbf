"""Importers of the labour-market sources: read with `gtec_core.sources`, diff with the one sync helper, in one
transaction each, with provenance. Each returns `(version, counts)` like the referential importers.

Scopes (what a file replaces): BMO replaces the years it contains; Dares tables replace themselves; STMT
replaces the months it contains (other months are kept); offers are keyed by their France Travail id and never
deleted by a later file (a file is a window of offers, not the whole stock); SIRENE replaces the
establishments of the communes it covers; employment replaces the years × territories it contains."""

from __future__ import annotations

import json
import tempfile
from contextlib import ExitStack, nullcontext
from pathlib import Path

import polars as pl
from django.db import transaction

from gtec.imports.services import importrun_record
from gtec.imports.sync import Counts, deferred_indexes, insert_frame, sync, sync_frame
from gtec.labour import models as m
from gtec.territories.queries import commune_codes, territory_codes
from gtec_core.errors import SourceError
from gtec_core.sources import bmo as bmo_source
from gtec_core.sources import dares as dares_source
from gtec_core.sources import offers as offers_source
from gtec_core.sources import sirene as sirene_source
from gtec_core.sources import stmt as stmt_source
from gtec_core.tabular import LINE, sha256_file

BMO_FILE = "Base_open_data_BMO_2024.xlsx"
DURABLE_MONTHS = 6


def _files(*paths: Path) -> dict[str, str]:
    return {Path(p).name: sha256_file(Path(p)) for p in paths}


def _int(value) -> int | None:
    return None if value is None else int(value)


def bmo_import(path: Path, *, synthetic: bool = False, progress=None) -> tuple[str, dict[str, Counts]]:
    """BMO open-data workbook (or its CSV layout). `*` stays null."""
    path = Path(path)
    if path.is_dir():
        path = path / BMO_FILE
    frame = bmo_source.read_bmo(path)
    rows = [
        {
            "annee": r["year"],
            "code_bassin": str(r["bassin"]),
            "libelle_bassin": r["bassin_label"],
            "code_metier": r["metier_code"],
            "libelle_metier": r["metier_label"],
            "code_famille": r["family_code"] or "",
            "libelle_famille": r["family_label"] or "",
            "code_region": r["region"] or "",
            "code_departement": r["departement"] or "",
            "projets": _int(r["projects"]),
            "difficiles": _int(r["difficult_projects"]),
            "saisonniers": _int(r["seasonal_projects"]),
        }
        for r in frame.iter_rows(named=True)
    ]
    years = sorted({r["annee"] for r in rows})
    if progress:
        progress("bmo", len(rows))
    with transaction.atomic():
        counts = {
            "bmo": sync(
                m.BmoProjet,
                rows,
                ("annee", "code_bassin", "code_departement", "code_metier"),
                scope={"annee__in": years},
            )
        }
        version = "BMO " + ", ".join(map(str, years))
        importrun_record(
            source="bmo",
            version=version,
            data_dir=path.parent,
            files=_files(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


def dares_import(data_dir: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    """Dares published tensions (`dares_tension/`) and the national portrait series
    (`dares_portrait_metiers/`)."""
    data_dir = Path(data_dir)
    tension_path = data_dir / "dares_tension" / dares_source.TENSIONS_FILE
    portrait = data_dir / "dares_portrait_metiers"
    tensions = dares_source.read_tensions(tension_path)
    evol = dares_source.read_evol_tensions(data_dir / "dares_tension" / dares_source.EVOL_FILE)
    employment = dares_source.read_portrait_employment(portrait / dares_source.PORTRAIT_EFFECTIFS)
    age = dares_source.read_portrait_age(portrait / dares_source.PORTRAIT_AGE)
    jobseekers = dares_source.read_portrait_jobseekers(portrait / dares_source.PORTRAIT_DEMANDEURS)

    tension_rows = [
        {
            "annee": r["year"],
            "code_fap": r["fap"],
            "niveau_fap": r["fap_level"],
            "niveau_geo": r["geo_level"],
            "code_geo": r["territory"],
            "emploi_moyen": r["employment"],
            "tension": r["tension"],
            "categorie": r["category"],
            "intensite_embauches": r["hiring_intensity"],
            "lien_formation_emploi": r["training_link"],
            "manque_main_oeuvre": r["lack_of_labour"],
            "non_durabilite": r["non_durability"],
            "conditions_travail": r["working_conditions"],
            "inadequation_geo": r["geographic_mismatch"],
        }
        for r in tensions.iter_rows(named=True)
    ]
    series = (
        [
            {
                "tableau": "tension",
                "code_fap": r["fap"],
                "periode": str(r["year"]),
                "modalite": "",
                "valeur": r["tension"],
            }
            for r in evol.iter_rows(named=True)
        ]
        + [
            {
                "tableau": "effectifs",
                "code_fap": r["fap"],
                "periode": r["period"],
                "modalite": "",
                "valeur": r["value"],
            }
            for r in employment.iter_rows(named=True)
        ]
        + [
            {
                "tableau": "age",
                "code_fap": r["fap"],
                "periode": "2017-2019",
                "modalite": r["age_band"],
                "valeur": r["value"],
            }
            for r in age.iter_rows(named=True)
        ]
        + [
            {
                "tableau": "demandeurs",
                "code_fap": r["fap"],
                "periode": r["period"],
                "modalite": r["category"],
                "valeur": r["value"],
            }
            for r in jobseekers.iter_rows(named=True)
        ]
    )
    if progress:
        progress("dares_tension", len(tension_rows))
        progress("dares_serie", len(series))
    with transaction.atomic():
        counts = {
            "dares_tension": sync(
                m.DaresTension, tension_rows, ("annee", "code_fap", "niveau_geo", "code_geo")
            ),
            "dares_serie": sync(m.DaresSerie, series, ("tableau", "code_fap", "periode", "modalite")),
        }
        years = sorted({r["annee"] for r in tension_rows})
        version = "Dares tensions " + ", ".join(map(str, years)) + " + portraits des métiers"
        importrun_record(
            source="dares",
            version=version,
            data_dir=data_dir,
            files=_files(
                tension_path,
                data_dir / "dares_tension" / dares_source.EVOL_FILE,
                portrait / dares_source.PORTRAIT_EFFECTIFS,
                portrait / dares_source.PORTRAIT_AGE,
                portrait / dares_source.PORTRAIT_DEMANDEURS,
            ),
            counts=counts,
        )
    return version, counts


STMT_KEY = ("mois", "categorie", "niveau_geo", "code_geo", "code_rome")
BIG_FILE = 64 << 20  # above this size, STMT and SIRENE files are read by the streaming (polars) path
OFFER_CHUNK = 100_000
ID_BATCH = 5000


def _add(total: Counts, part: Counts) -> None:
    for field in ("created", "updated", "deleted", "unchanged"):
        setattr(total, field, getattr(total, field) + getattr(part, field))


def unknown_communes(path: Path, frame: pl.DataFrame, known: set[str], *, level: str | None, code: str,
                     column: str, message: str = "commune « {} » inconnue du code officiel géographique",
                     ) -> None:  # fmt: skip
    """Refuse a file that names a commune the COG never knew (current or former) — or, with `message`, a
    territory of another level unknown at that level: its rows would replace nothing real and hide a typo.
    Skipped when no geography (of that level) is loaded yet."""
    if not known:
        return
    rows = frame.filter(pl.col(level) == "commune") if level else frame
    bad = rows.filter(~pl.col(code).is_in(list(known)))
    if not bad.is_empty():
        line = int(bad[LINE][0]) if LINE in bad.columns else None
        raise SourceError(
            path,
            message.format(bad[code][0]),
            line=line,
            column=column,
        )


def _stmt_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("month").alias("mois"),
        pl.col("category").alias("categorie"),
        pl.col("geo_level").alias("niveau_geo"),
        pl.col("geo_code").alias("code_geo"),
        pl.col("rome").fill_null("").alias("code_rome"),
        pl.col("stock"),
        pl.col("entries").alias("entrees"),
        pl.col("exits").alias("sorties"),
    )


def stmt_import(
    path: Path, *, synthetic: bool = False, progress=None, big_file: int = BIG_FILE
) -> tuple[str, dict[str, Counts]]:
    """Job seekers in the STMT layout; replaces the months the file covers, one month at a time (each month
    is diffed within `mois = month`; a month with nothing stored goes straight to a bulk insert — COPY on
    PostgreSQL). A file larger than `big_file` bytes is read by the streaming reader
    (`stmt.iter_stmt_months`: one checked pass, then one month in memory at a time); a smaller one by
    `read_stmt`. Either way the whole file is checked before the first month is written, except duplicate
    keys, found month by month — the single transaction then stores nothing."""
    path = Path(path)
    total = Counts()
    known = commune_codes()
    with tempfile.TemporaryDirectory(prefix="gtec-stmt-") as workdir, transaction.atomic():
        if path.stat().st_size > big_file:
            months, frames = stmt_source.iter_stmt_months(path, Path(workdir))
        else:
            whole = stmt_source.read_stmt(path)
            months = sorted(whole["month"].unique().to_list())
            frames = (whole.filter(pl.col("month") == month) for month in months)
        # none of the file's months stored yet: a bulk load, with the indexes built once at the end
        fresh = not m.DemandeurEmploi.objects.filter(mois__in=months).exists()
        with deferred_indexes(m.DemandeurEmploi) if fresh else nullcontext():
            for month, frame in zip(months, frames, strict=True):
                unknown_communes(path, frame, known, level="geo_level", code="geo_code", column="code_geo")
                rows = _stmt_rows(frame)
                if progress:
                    progress(f"demandeurs {month:%Y-%m}", rows.height)
                if fresh:  # what `sync_frame` does when nothing is stored in its scope
                    total.created += insert_frame(m.DemandeurEmploi, rows)
                    continue
                _add(
                    total,
                    sync_frame(
                        m.DemandeurEmploi,
                        rows,
                        STMT_KEY,
                        scope={"mois": month},
                        covered=("niveau_geo", "code_geo"),
                    ),
                )
        counts = {"demandeurs": total}
        version = f"STMT {months[0]:%Y-%m} à {months[-1]:%Y-%m}" if months else "STMT (vide)"
        importrun_record(
            source="stmt",
            version=version,
            data_dir=path.parent,
            files=_files(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


DEFM_FILE = "emploi_demandeur_par_commune_odis.csv"
DEFM_KEY = ("niveau_geo", "code_geo", "mois")


def defm_import(folder: Path, *, progress=None) -> tuple[str, dict[str, Counts]]:
    """The real public series of registered job seekers by commune, département and région per month
    (`data/stmt_defm`), stored as published (`SerieDemandeurs`), marked real with its vintage. All or nothing;
    an unchanged file changes nothing."""
    path = Path(folder) / DEFM_FILE
    if not path.is_file():
        raise SourceError(path, "fichier introuvable (série des demandeurs d'emploi par commune)")
    frame = stmt_source.read_commune_series(path)
    rows = frame.select(
        pl.col("month").alias("mois"),
        pl.col("level").alias("niveau_geo"),
        pl.col("code").alias("code_geo"),
        pl.col("job_seekers").alias("demandeurs"),
    )
    if progress:
        progress("demandeurs par commune (série publique)", rows.height)
    with transaction.atomic():
        counts = {"demandeurs_communes": sync_frame(m.SerieDemandeurs, rows, DEFM_KEY)}
        first, last = rows["mois"].min(), rows["mois"].max()
        version = f"demandeurs d'emploi par commune {first:%m/%Y} à {last:%m/%Y}"
        importrun_record(
            source="defm",
            version=version,
            data_dir=path.parent,
            files=_files(path),
            counts=counts,
            synthetic=False,
            notes="Export tiers (13_odis) des statistiques France Travail, arrondi à la dizaine ; communes "
            "de 5 000 habitants et plus ; catégorie ABC présumée (non documentée).",
        )
    return version, counts


def _durable(contract_type: str | None, label: str | None) -> bool:
    """CDI, or a fixed-term contract of more than 6 months (`typeContratLibelle` « CDD - 12 Mois »): the Dares
    « offres durables » of the non-durability indicator."""
    if contract_type == "CDI":
        return True
    if contract_type in {"CDD", "MIS", "SAI"} and label:
        digits = "".join(ch if ch.isdigit() else " " for ch in label).split()
        if digits and "mois" in label.lower():
            return int(digits[0]) > DURABLE_MONTHS
    return False


def offer_rows(frame: pl.DataFrame) -> list[dict]:
    rows = []
    for r in frame.iter_rows(named=True):
        working_time = r["working_time"] or ""
        rows.append(
            {
                "identifiant": r["id"],
                "intitule": (r["title"] or "")[:250],
                "date_creation": r["date"],
                "code_insee": r["commune"] or "",
                "code_rome": r["rome_code"],
                "appellation": (r["appellation"] or "")[:250],
                "type_contrat": r["contract_type"] or "",
                "duree_travail": working_time[:60],
                "qualification": r["qualification_code"] or "",
                "code_naf": (r["naf_code"] or "")[:6],
                "postes": r["positions"] or 1,
                "durable": _durable(r["contract_type"], r["contract_label"]),
                "temps_plein": "plein" in working_time.lower(),
                "manque_candidats": r["lacks_candidates"],
                "competences": list(r["skills"] or []),
            }
        )
    return rows


def _offers_stored_elsewhere(ids: list[str], low, high) -> set[str]:
    """Ids of a chunk already stored with a creation date outside the chunk's range (a copy met in an earlier
    chunk or file, or an offer whose date changed): they are synced on their own, scoped by id."""
    found: set[str] = set()
    for start in range(0, len(ids), ID_BATCH):
        found.update(
            m.Offre.objects.filter(identifiant__in=ids[start : start + ID_BATCH])
            .exclude(date_creation__gte=low, date_creation__lte=high)
            .values_list("identifiant", flat=True)
        )
    return found


def offers_import(
    paths: list[Path], *, synthetic: bool = False, progress=None, chunk_size: int = OFFER_CHUNK
) -> tuple[str, dict[str, Counts]]:
    """Job offers (API v2 JSON / JSON lines), one transaction for all the files given. An offer already
    stored is updated when it changed; none is deleted. Files are streamed in chunks of `chunk_size`
    records, each synced within its creation-date range; the first bad record (its number and line) stops
    the import and the transaction stores nothing. Two copies of one id in different chunks: the later one
    in the file wins (within a chunk, the one updated last)."""
    paths = [Path(p) for p in paths]
    counts = {"offres": Counts()}
    dates = []
    with transaction.atomic():
        for path in paths:
            for frame in offers_source.iter_offers(path, chunk_size=chunk_size):
                rows = offer_rows(frame)
                if not rows:
                    continue
                if progress:
                    progress(f"offres {path.name}", len(rows))
                low, high = frame["date"].min(), frame["date"].max()
                dates += [low, high]
                elsewhere = _offers_stored_elsewhere(frame["id"].to_list(), low, high)
                inside = [r for r in rows if r["identifiant"] not in elsewhere]
                outside = [r for r in rows if r["identifiant"] in elsewhere]
                _add(
                    counts["offres"],
                    sync(
                        m.Offre,
                        inside,
                        ("identifiant",),
                        scope={"date_creation__gte": low, "date_creation__lte": high},
                        delete_missing=False,
                    ),
                )
                if outside:
                    part = sync(
                        m.Offre,
                        outside,
                        ("identifiant",),
                        scope={"identifiant__in": sorted(elsewhere)},
                        delete_missing=False,
                    )
                    _add(counts["offres"], part)
        version = f"offres {min(dates):%Y-%m} à {max(dates):%Y-%m}" if dates else "offres (vide)"
        importrun_record(
            source="offres",
            version=version,
            data_dir=paths[0].parent if paths else "",
            files=_files(*paths),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


def _establishment_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        "siret",
        "siren",
        pl.col("naf").fill_null(""),
        pl.col("headcount_band").fill_null("").alias("tranche_effectifs"),
        pl.col("commune").fill_null("").alias("code_insee"),
        pl.col("active").fill_null(False).alias("actif"),
        pl.col("created").alias("date_creation"),
    )


def _moved_establishments(sirets: list[str], communes: set[str]) -> list[int]:
    """Stored establishments of a chunk's SIRETs filed under a commune outside the chunk (they moved)."""
    moved: list[int] = []
    for start in range(0, len(sirets), ID_BATCH):
        moved += [
            pk
            for pk, commune in m.Etablissement.objects.filter(
                siret__in=sirets[start : start + ID_BATCH]
            ).values_list("pk", "code_insee")
            if commune not in communes
        ]
    return moved


def sirene_import(
    path: Path,
    communes: list[str] | None = None,
    *,
    synthetic: bool = False,
    progress=None,
    big_file: int = BIG_FILE,
    rows_per_chunk: int = 1_000_000,
) -> tuple[str, dict[str, Counts]]:
    """SIRENE establishments of `communes` (all the file's communes when None), replacing the stored
    establishments of those communes. A file larger than `big_file` bytes is read by groups of communes
    (`sirene.establishment_chunks`, about `rows_per_chunk` establishments each), each group synced within
    its communes (`code_insee__in`, at most 5000 per list, 899 on SQLite); an establishment that moved to a commune of
    another group is deleted there and created here. One transaction for the whole file."""
    from django.db import connection

    path = Path(path)
    if path.stat().st_size <= big_file if path.is_file() else True:
        return _sirene_small(path, communes, synthetic=synthetic, progress=progress)
    total = Counts()
    known = commune_codes()
    covered: list[str] = []
    max_communes = min(5000, (connection.features.max_query_params or 65535) - 100)
    with transaction.atomic(), ExitStack() as bulk:
        first_import = not m.Etablissement.objects.exists()
        if first_import:  # a bulk load: the indexes are built once at the end
            bulk.enter_context(deferred_indexes(m.Etablissement))
        for members, frame in sirene_source.establishment_chunks(
            path, communes, rows_per_chunk=rows_per_chunk, max_communes=max_communes
        ):
            unknown_communes(
                path, frame, known, level=None, code="commune", column="codeCommuneEtablissement"
            )
            rows = _establishment_rows(frame)
            covered += members
            if progress:
                progress(f"etablissements ({len(covered)} communes)", rows.height)
            if first_import:  # nothing stored: what `sync_frame` does then, without its lookups
                total.created += insert_frame(m.Etablissement, rows)
                continue
            moved = _moved_establishments(rows["siret"].to_list(), set(members))
            for start in range(0, len(moved), ID_BATCH):
                m.Etablissement.objects.filter(pk__in=moved[start : start + ID_BATCH]).delete()
            total.deleted += len(moved)
            _add(total, sync_frame(m.Etablissement, rows, ("siret",), scope={"code_insee__in": members}))
        counts = {"etablissements": total}
        version = f"SIRENE {len(covered)} communes"
        importrun_record(
            source="sirene",
            version=version,
            data_dir=path.parent,
            files=_files(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


def _sirene_small(
    path: Path, communes: list[str] | None, *, synthetic: bool, progress
) -> tuple[str, dict[str, Counts]]:
    frame = sirene_source.read_establishments(path, communes)
    unknown_communes(
        path, frame, commune_codes(), level=None, code="commune", column="codeCommuneEtablissement"
    )
    rows = [
        {
            "siret": r["siret"],
            "siren": r["siren"],
            "naf": r["naf"] or "",
            "tranche_effectifs": r["headcount_band"] or "",
            "code_insee": r["commune"] or "",
            "actif": bool(r["active"]),
            "date_creation": r["created"],
        }
        for r in frame.iter_rows(named=True)
    ]
    covered = sorted(set(communes) if communes is not None else {r["code_insee"] for r in rows})
    if progress:
        progress("etablissements", len(rows))
    with transaction.atomic():
        counts = {
            "etablissements": sync(m.Etablissement, rows, ("siret",), scope={"code_insee__in": covered})
        }
        version = f"SIRENE {len(covered)} communes"
        importrun_record(
            source="sirene",
            version=version,
            data_dir=path.parent,
            files=_files(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


EMPLOYMENT_KEY = ("annee", "niveau_geo", "code_geo", "code_fap", "tranche_age")
# the file's niveau_geo → the territory scale its codes must exist at (france has no code)
EMPLOYMENT_SCALES = {
    "commune": "commune",
    "epci": "epci",
    "ze": "ze",
    "bassin": "bassin",
    "departement": "dep",
    "region": "reg",
}


EMPLOYMENT_UNKNOWN = {
    "commune": "commune « {} » inconnue du code officiel géographique",
    "epci": "intercommunalité « {} » inconnue du référentiel géographique",
    "ze": "zone d'emploi « {} » inconnue du référentiel géographique",
    "bassin": "bassin BMO « {} » inconnu du référentiel géographique",
    "departement": "département « {} » inconnu du référentiel géographique",
    "region": "région « {} » inconnue du référentiel géographique",
}


def employment_import(path: Path, *, synthetic: bool = False, progress=None) -> tuple[str, dict[str, Counts]]:
    """Employment by occupation and age band (layout of `gtec_core.sources.employment`). Replaces what the
    file covers — each year × territory it names — and nothing else; a territory code unknown at its level
    (a commune the COG never knew, say) refuses the file."""
    from gtec_core.sources import employment as employment_source

    path = Path(path)
    frame = employment_source.read_employment(path)
    known = territory_codes()
    for level, scale in EMPLOYMENT_SCALES.items():
        unknown_communes(
            path,
            frame.filter(pl.col("geo_level") == level),
            known.get(scale, set()),
            level=None,
            code="geo_code",
            column="code_geo",
            message=EMPLOYMENT_UNKNOWN[level],
        )
    rows = frame.select(
        pl.col("year").cast(pl.Int64).alias("annee"),
        pl.col("geo_level").alias("niveau_geo"),
        pl.col("geo_code").fill_null("").alias("code_geo"),
        pl.col("fap").alias("code_fap"),
        pl.col("age_band").alias("tranche_age"),
        pl.col("employment").alias("effectif"),
    )
    years = sorted(rows["annee"].unique().to_list())
    if progress:
        progress("emploi", rows.height)
    with transaction.atomic():
        counts = {
            "emploi": sync_frame(
                m.Emploi,
                rows,
                EMPLOYMENT_KEY,
                scope={"annee__in": years},
                covered=("annee", "niveau_geo", "code_geo"),
            )
        }
        version = "emploi " + ", ".join(map(str, years))
        importrun_record(
            source="emploi",
            version=version,
            data_dir=path.parent,
            files=_files(path),
            counts=counts,
            synthetic=synthetic,
        )
    return version, counts


def read_manifest(folder: Path) -> dict:
    """The `manifest.json` the demo generator writes beside its files (synthetic flag, files, seed)."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        raise SourceError(path, "manifeste absent : ce dossier n'a pas été produit par `gtec demo generate`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"JSON illisible ({exc.msg})", line=exc.lineno) from None


from gtec.referentials.services import bridge_import  # noqa: E402, F401  (moved with the bridge)
