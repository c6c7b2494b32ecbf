"""Synthetic job offers in the « API Offres d'emploi v2 » layout (JSON lines), read by `offers.read_offers`.

Volume and mix follow BMO 2024: a commune gets, per FAP-2021 métier, the projects of its bassin times its share
of the bassin's population, times `OFFERS_PER_PROJECT` (3 million offers a year for the 2.75 million
projects of the national BMO 2024), spread over the months with a seasonal profile weighted by the métier's
share of seasonal projects (`smet`); the monthly count is Poisson. Each offer's fiche is drawn from the
FAP-2021 → ROME bridge weights, its appellation among the fiche's real appellations, its skills (3 to 6)
among the fiche's real competences and savoirs (bloc 5 of `liens_rome_referentiels`, real `code_ogr` and
labels). Contract: seasonal (`SAI`) with probability 0.4 × the métier's seasonal share, else CDI,
CDD or MIS; part time more frequent in services to people; `offresManqueCandidats` true with probability half
the métier's share of difficult projects (`xmet`); qualification from the FAP-2021 label (ouvriers
qualifiés, techniciens, cadres…) or the fiche's `emploi_cadre` flag. Title: the appellation; description:
French sentences built from the fiche's ROME definition. `codeNAF`: a NAF sub-class of one of the fiche's NAF
divisions (ROME `arborescence_secteur_naf`). Written month by month.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from gtec_core.demo.context import Context, rng
from gtec_core.demo.establishments import NAF_MIX

OFFERS_PER_PROJECT = 3_000_000 / 2_751_069
SEASON = np.array([0.7, 0.8, 1.0, 1.3, 1.45, 1.35, 1.1, 0.8, 1.0, 1.0, 0.85, 0.65])
SEASON = SEASON / SEASON.mean()
QUALIFICATIONS = {
    "2": "Ouvrier spécialisé",
    "4": "Ouvrier qualifié (P3,P4,OHQ)",
    "5": "Employé non qualifié",
    "6": "Employé qualifié",
    "7": "Technicien",
    "8": "Agent de maîtrise",
    "9": "Cadre",
}
SALARY = {"2": 1800, "4": 2000, "5": 1770, "6": 1950, "7": 2400, "8": 2700, "9": 3700}
CONTRACTS = {
    "CDI": "Contrat à durée indéterminée",
    "CDD": "Contrat à durée déterminée",
    "MIS": "Mission intérimaire",
    "SAI": "Contrat travail saisonnier",
}
OPENINGS = [
    "Entreprise implantée sur le territoire, nous recrutons",
    "Dans le cadre de son développement, notre structure recherche",
    "PME locale, nous renforçons notre équipe et recherchons",
    "Notre établissement recrute",
    "Pour faire face à un surcroît d'activité, nous recherchons",
]
EXPERIENCE = {"D": "Débutant accepté", "S": "Expérience souhaitée", "E": "Expérience exigée"}


def qualification_of(label: str) -> str:
    """France Travail qualification code from a FAP-2021 label."""
    text = label.lower()
    if "peu qualifié" in text:
        return "2" if text.startswith("ouvri") else "5"
    if text.startswith("ouvri"):
        return "4"
    if "agents de maîtrise" in text:
        return "8"
    if text.startswith("techniciens"):
        return "7"
    if any(w in text for w in ("cadres", "ingénieurs", "médecins", "experts", "managers", "directeurs")):
        return "9"
    return "6"


def _segments(keys: pl.Series) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """For a sorted key column: index of each key, start row and row count of each key."""
    runs = keys.rle()
    lengths = runs.struct.field("len").to_numpy().astype(np.int64)
    values = runs.struct.field("value").to_list()
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return {v: i for i, v in enumerate(values)}, starts, lengths


class Tables:
    """Lookup arrays shared by every month."""

    def __init__(self, ctx: Context) -> None:
        bridge = ctx.bridge.filter(pl.col("code_fap2021").is_in(ctx.bmo["metier_code"].unique().to_list()))
        bridge = bridge.sort("code_fap2021", "code_rome")
        self.fap_index, fap_start, _ = _segments(bridge["code_fap2021"])
        fap_rank = np.repeat(np.arange(len(fap_start)), np.diff(np.append(fap_start, bridge.height)))
        cum = bridge.select(pl.col("weight").cum_sum().over("code_fap2021"))["weight"].to_numpy()
        self.bridge_cum = fap_rank + np.minimum(cum, 1.0)
        self.bridge_rome = bridge["code_rome"].to_numpy()
        fiche_codes = ctx.fiches["code_rome"].sort()
        self.fiche_index = {c: i for i, c in enumerate(fiche_codes.to_list())}
        labels = dict(ctx.fiches.select("code_rome", "libelle_rome").iter_rows())
        self.fiche_label = np.array([labels[c] for c in fiche_codes.to_list()], dtype=object)
        self.fiche_cadre = np.array(
            [
                c in set(ctx.fiches.filter("emploi_cadre")["code_rome"].to_list())
                for c in fiche_codes.to_list()
            ]
        )
        self.definition = np.array([ctx.texts.get(c, "") for c in fiche_codes.to_list()], dtype=object)
        self.appellations = ctx.appellations
        self.app_start, self.app_count = self._ranges(ctx.appellations["code_rome"], fiche_codes)
        self.skills = ctx.skills
        self.skill_start, self.skill_count = self._ranges(ctx.skills["code_rome"], fiche_codes)
        naf = ctx.naf_divisions.join(
            pl.DataFrame({"naf": list(NAF_MIX)}).with_columns(
                pl.col("naf").str.slice(0, 2).alias("division")
            ),
            on="division",
        ).sort("code_rome", "naf")
        self.naf = naf["naf"].to_numpy()
        self.naf_start, self.naf_count = self._ranges(naf["code_rome"], fiche_codes)

    @staticmethod
    def _ranges(keys: pl.Series, fiche_codes: pl.Series) -> tuple[np.ndarray, np.ndarray]:
        index, starts, lengths = _segments(keys)
        start = np.zeros(len(fiche_codes), dtype=np.int64)
        count = np.zeros(len(fiche_codes), dtype=np.int64)
        for i, code in enumerate(fiche_codes.to_list()):
            if code in index:
                start[i], count[i] = starts[index[code]], lengths[index[code]]
        return start, count


def expected(ctx: Context) -> pl.DataFrame:
    """Expected offers a year per commune × FAP-2021 métier, with the métier's seasonal and difficult shares."""
    bassin_pop = ctx.all_communes.group_by("bassin").agg(pl.col("population").sum().alias("_bassin_pop"))
    bmo = ctx.bmo.with_columns(
        (pl.col("seasonal_projects") / pl.col("projects")).fill_nan(0.0).clip(0, 1).alias("seasonal"),
        (pl.col("difficult_projects") / pl.col("projects")).fill_nan(0.0).clip(0, 1).alias("difficult"),
    )
    return (
        ctx.communes.select("commune", "libelle", "dep", "bassin", "population")
        .join(bassin_pop, on="bassin", how="left")
        .join(bmo, on="bassin", how="inner")
        .with_columns(
            (
                pl.col("projects") * pl.col("population") / pl.col("_bassin_pop").clip(1) * OFFERS_PER_PROJECT
            ).alias("per_year")
        )
        .filter(pl.col("per_year") > 0)
        .sort("commune", "metier_code")
        .select("commune", "libelle", "dep", "metier_code", "per_year", "seasonal", "difficult")
    )


def _month_offers(ctx: Context, tables: Tables, cells: pl.DataFrame, labels: dict, month: date, index: int):
    gen = rng(ctx.seed, "offers", index)
    per_year = cells["per_year"].to_numpy()
    seasonal = cells["seasonal"].to_numpy()
    lam = per_year / 12 * (1 + seasonal * (SEASON[month.month - 1] - 1))
    counts = gen.poisson(lam)
    rows = np.repeat(np.arange(cells.height), counts)
    n = len(rows)
    if n == 0:
        return None
    offers = cells[rows]
    fap = offers["metier_code"].to_numpy()
    fap_rank = np.array([tables.fap_index[f] for f in fap])
    pick = np.searchsorted(tables.bridge_cum, fap_rank + gen.random(n), side="right")
    pick = np.minimum(pick, len(tables.bridge_rome) - 1)
    rome = tables.bridge_rome[pick]
    fiche = np.array([tables.fiche_index[r] for r in rome])
    app_rows = tables.app_start[fiche] + (gen.random(n) * tables.app_count[fiche]).astype(np.int64)
    appellations = tables.appellations[app_rows]
    # skills: k consecutive items (cyclically) from a random start within the fiche's items
    skill_count = tables.skill_count[fiche]
    k = np.minimum(gen.integers(3, 7, n), skill_count)
    offset = (gen.random(n) * np.maximum(skill_count, 1)).astype(np.int64)
    owner = np.repeat(np.arange(n), k)
    rank = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    item = tables.skill_start[fiche][owner] + (offset[owner] + rank) % np.maximum(skill_count[owner], 1)
    skill_rows = tables.skills[item].select(
        pl.Series("_offer", owner),
        pl.col("code_ogr").alias("code"),
        "libelle",
        pl.Series("exigence", np.where(rank < 2, "E", "S")),
    )
    skills = (
        skill_rows.group_by("_offer", maintain_order=True)
        .agg(pl.struct("code", "libelle", "exigence").alias("competences"))
        .sort("_offer")
    )
    qualification = np.array([qualification_of(labels[f]) for f in fap])
    qualification = np.where(tables.fiche_cadre[fiche], "9", qualification)
    p_sai = 0.4 * offers["seasonal"].to_numpy()
    u = gen.random(n)
    rest = (u - p_sai) / np.maximum(1 - p_sai, 1e-9)
    contract = np.where(u < p_sai, "SAI", np.where(rest < 0.5, "CDI", np.where(rest < 0.83, "CDD", "MIS")))
    duration = np.where(
        contract == "CDD",
        gen.integers(1, 13, n),
        np.where(contract == "MIS", gen.integers(1, 7, n), gen.integers(2, 7, n)),
    )
    services = np.isin(np.array([f[0] for f in fap]), list("RSTUV"))
    part_time = gen.random(n) < np.where(services, 0.4, 0.15)
    hours = np.where(part_time, gen.integers(16, 31, n), 35)
    lacks = gen.random(n) < 0.5 * offers["difficult"].to_numpy()
    seconds = (gen.random(n) * 28 * 86400).astype(np.int64)
    updated = seconds + (gen.random(n) * 15 * 86400).astype(np.int64)
    salary = np.array([SALARY[q] for q in qualification]) * gen.uniform(0.95, 1.25, n)
    salary = np.where(part_time, salary * hours / 35, salary)
    naf_rows = tables.naf_start[fiche] + (gen.random(n) * tables.naf_count[fiche]).astype(np.int64)
    naf = np.where(tables.naf_count[fiche] > 0, tables.naf[np.minimum(naf_rows, len(tables.naf) - 1)], None)
    experience = gen.choice(np.array(list(EXPERIENCE)), size=n, p=[0.45, 0.1, 0.45])
    opening = gen.choice(np.array(OPENINGS), size=n)
    start = pl.lit(month).cast(pl.Datetime("ms"))
    frame = pl.DataFrame(
        {
            "_offer": np.arange(n),
            "seq": np.arange(1, n + 1),
            "commune": offers["commune"],
            "place": offers["libelle"],
            "dep": offers["dep"],
            "rome": rome,
            "rome_label": tables.fiche_label[fiche].tolist(),
            "appellation": appellations["libelle"],
            "definition": tables.definition[fiche].tolist(),
            "contract": contract,
            "duration": duration,
            "part_time": part_time,
            "hours": hours,
            "qualification": qualification,
            "lacks": lacks,
            "created": seconds,
            "updated": updated,
            "salary": (salary / 10).round() * 10,
            "naf": pl.Series(naf.tolist(), dtype=pl.String),
            "experience": experience,
            "opening": opening,
            "hf": gen.random(n) < 0.5,
        }
    ).join(skills, on="_offer", how="left")
    contract_label = pl.col("contract").replace_strict(CONTRACTS)
    contract_text = (
        pl.when(pl.col("contract") == "CDI")
        .then(contract_label)
        .otherwise(pl.format("{} - {} Mois", contract_label, pl.col("duration")))
    )
    working = pl.when(pl.col("part_time")).then(pl.lit("Temps partiel")).otherwise(pl.lit("Temps plein"))
    stamp = "%Y-%m-%dT%H:%M:%S.000Z"
    return frame.sort("seq").select(
        pl.format("{}{}", pl.lit(f"{month:%y%m}"), pl.col("seq").cast(pl.String).str.zfill(7)).alias("id"),
        pl.when(pl.col("hf"))
        .then(pl.format("{} (H/F)", pl.col("appellation")))
        .otherwise(pl.col("appellation"))
        .alias("intitule"),
        pl.format(
            "{} un(e) {} en {} à {}. {} Poste à {} ({}H hebdomadaires). {}.",
            pl.col("opening"),
            pl.col("appellation").str.to_lowercase(),
            contract_label.str.to_lowercase(),
            pl.col("place"),
            pl.col("definition"),
            working.str.to_lowercase(),
            pl.col("hours"),
            pl.col("experience").replace_strict(EXPERIENCE),
        ).alias("description"),
        (start + pl.duration(seconds=pl.col("created"))).dt.strftime(stamp).alias("dateCreation"),
        (start + pl.duration(seconds=pl.col("updated"))).dt.strftime(stamp).alias("dateActualisation"),
        pl.struct(
            pl.format("{} - {}", pl.col("dep"), pl.col("place").str.to_uppercase()).alias("libelle"),
            pl.col("commune"),
        ).alias("lieuTravail"),
        pl.col("rome").alias("romeCode"),
        pl.col("rome_label").alias("romeLibelle"),
        pl.col("appellation").alias("appellationlibelle"),
        pl.struct(pl.lit(False).alias("entrepriseAdaptee")).alias("entreprise"),
        pl.col("contract").alias("typeContrat"),
        contract_text.alias("typeContratLibelle"),
        pl.lit("Contrat travail").alias("natureContrat"),
        pl.col("experience").alias("experienceExige"),
        pl.col("experience").replace_strict(EXPERIENCE).alias("experienceLibelle"),
        pl.col("competences").fill_null(
            pl.lit(
                [], dtype=pl.List(pl.Struct({"code": pl.String, "libelle": pl.String, "exigence": pl.String}))
            )
        ),
        pl.struct(
            pl.format("Mensuel de {}.00 Euros sur 12 mois", pl.col("salary").cast(pl.Int64)).alias("libelle")
        ).alias("salaire"),
        pl.format("{}H Travail en journée", pl.col("hours")).alias("dureeTravailLibelle"),
        working.alias("dureeTravailLibelleConverti"),
        pl.lit(False).alias("alternance"),
        pl.lit(1).alias("nombrePostes"),
        pl.lit(False).alias("accessibleTH"),
        pl.col("qualification").alias("qualificationCode"),
        pl.col("qualification").replace_strict(QUALIFICATIONS).alias("qualificationLibelle"),
        pl.col("naf").alias("codeNAF"),
        pl.col("naf").str.slice(0, 2).alias("secteurActivite"),
        pl.struct(pl.lit("1").alias("origine")).alias("origineOffre"),
        pl.col("lacks").alias("offresManqueCandidats"),
    )


def write(ctx: Context, months: list[date], path: Path) -> int:
    """Write the offers (JSON lines); return their number."""
    tables = Tables(ctx)
    cells = expected(ctx)
    labels = {code: code for code in cells["metier_code"].unique().to_list()}
    from gtec_core.occupations import fap2021_families

    labels |= dict(fap2021_families(ctx.data_dir).select("code_fap2021", "libelle").iter_rows())
    rows = 0
    with open(path, "wb") as handle:
        for index, month in enumerate(months):
            frame = _month_offers(ctx, tables, cells, labels, month, index)
            if frame is None:
                continue
            frame.write_ndjson(handle)
            rows += frame.height
    return rows
