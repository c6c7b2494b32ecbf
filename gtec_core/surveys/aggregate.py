"""Aggregates of the company answers, always through the one secrecy mechanism (`gtec_core.secrecy`).

Units are companies (SIREN), never establishments, so that a group answering for several establishments
counts once (methods.md §6.2, item 1). Magnitudes (hires, departures) get both primary rules (frequency and
dominance NK(1,85)); counts of companies (skills cited, reasons, formats) get the frequency rule only; tables
published with totals get secondary suppression; rates inherit the secrecy of their parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from gtec_core import secrecy
from gtec_core.secrecy import SECRET, TOTAL, SecrecyRules

HORIZONS = {
    "12m": ("recrutements_12m", "Recrutements à 12 mois"),
    "5ans": ("departs_5ans", "Départs à 5 ans"),
}


@dataclass(frozen=True)
class Respondent:
    """One submitted answer with what the aggregates need to know of its organisation."""

    unit: str  # SIREN (or a pseudonymous id after erasure)
    epci: str
    section: str  # NAF section letter
    size_band: str
    answer: dict


@dataclass
class Frames:
    respondents: pl.DataFrame
    occupations: pl.DataFrame
    reasons: pl.DataFrame
    skills: pl.DataFrame
    formats: pl.DataFrame
    drivers: pl.DataFrame


def flatten(records: Iterable[Respondent]) -> Frames:
    """Long frames of the answers: one row per respondent, occupation, reason, skill, format and driver."""
    resp: dict[str, list] = {"unit": [], "epci": [], "section": [], "size_band": []}
    occ: dict[str, list] = {k: [] for k in ("unit", "epci", "section", "code_rome")}
    occ |= {"recrutements_12m": [], "departs_5ans": [], "difficulte": [], "contrat": []}
    rea: dict[str, list] = {"unit": [], "code_rome": [], "reason": []}
    ski: dict[str, list] = {"unit": [], "section": [], "code_rome": [], "competence": []}
    fmt: dict[str, list] = {"unit": [], "format": []}
    drv: dict[str, list] = {"unit": [], "driver": []}
    for r in records:
        resp["unit"].append(r.unit)
        resp["epci"].append(r.epci)
        resp["section"].append(r.section)
        resp["size_band"].append(r.size_band)
        for m in r.answer.get("metiers", []):
            rome = m.get("code_rome") or ""
            occ["unit"].append(r.unit)
            occ["epci"].append(r.epci)
            occ["section"].append(r.section)
            occ["code_rome"].append(rome)
            occ["recrutements_12m"].append(int(m.get("recrutements_12m") or 0))
            occ["departs_5ans"].append(int(m.get("departs_5ans") or 0))
            occ["difficulte"].append(bool(m.get("difficulte")))
            occ["contrat"].append(m.get("contrat") or "")
            for reason in m.get("raisons", []):
                rea["unit"].append(r.unit)
                rea["code_rome"].append(rome)
                rea["reason"].append(reason)
            for comp in m.get("competences", []):
                ski["unit"].append(r.unit)
                ski["section"].append(r.section)
                ski["code_rome"].append(rome)
                ski["competence"].append(int(comp))
        for f in r.answer.get("formats", []):
            fmt["unit"].append(r.unit)
            fmt["format"].append(f)
        for d in r.answer.get("moteurs", []):
            drv["unit"].append(r.unit)
            drv["driver"].append(d)
    ints = {"recrutements_12m": pl.Int64, "departs_5ans": pl.Int64, "difficulte": pl.Boolean}
    return Frames(
        respondents=pl.DataFrame(resp, schema=dict.fromkeys(resp, pl.String)),
        occupations=pl.DataFrame(occ, schema={k: ints.get(k, pl.String) for k in occ}),
        reasons=pl.DataFrame(rea, schema=dict.fromkeys(rea, pl.String)),
        skills=pl.DataFrame(ski, schema={k: pl.Int64 if k == "competence" else pl.String for k in ski}),
        formats=pl.DataFrame(fmt, schema=dict.fromkeys(fmt, pl.String)),
        drivers=pl.DataFrame(drv, schema=dict.fromkeys(drv, pl.String)),
    )


def needs_table(
    occupations: pl.DataFrame, horizon: str, *, by_epci: bool = True, rules: SecrecyRules | None = None
) -> pl.DataFrame:
    """Hires at 12 months or departures at 5 years by occupation (× EPCI), with totals, protected by both
    primary rules and secondary suppression. Only companies with a non-zero value contribute.

    The margins (each occupation's territory total, each EPCI's total, the grand total) are cells built
    from their own contributions and face both primary rules. Empty cells are published « 0 », so a reader
    knows an « s » is ≥ 1: the secondary suppression accounts for that bound (`known_lower=1`).

    The 1-D table (`by_epci=False`, the training-gap report) is the territory column of the 2-D table,
    so the two publications hide the same totals and one cannot be subtracted from the other."""
    column = HORIZONS[horizon][0]
    data = occupations.filter(pl.col(column) > 0).select(
        "unit", "code_rome", "epci", pl.col(column).alias("value")
    )
    cells = secrecy.aggregate_table(data, "code_rome", "epci", unit="unit")
    table = secrecy.protect(cells, rules, rows="code_rome", cols="epci", known_lower=1)
    if by_epci:
        return table
    return table.filter(pl.col("epci") == TOTAL).drop("epci")


def unit_counts(
    frame: pl.DataFrame, by: list[str], *, rules: SecrecyRules | None = None, minimum: int = 0
) -> pl.DataFrame:
    """Number of distinct companies per cell (a pure count: frequency rule only), most cited first."""
    cells = frame.group_by(by).agg(pl.col("unit").n_unique().alias("units"))
    cells = secrecy.primary_suppression(cells, rules, top_share=None)
    return cells.filter(pl.col("units") >= minimum).sort(
        ["units", *by], descending=[True, *[False] * len(by)]
    )


def difficulty_by_occupation(
    occupations: pl.DataFrame, rules: SecrecyRules | None = None, *, hires: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Per occupation, the share of hires judged difficult (as BMO does for recruitment projects): numerator
    (difficult hires) and denominator (all hires) are magnitudes under both primary rules, and the rate
    inherits their secrecy."""
    hiring = occupations.filter(pl.col("recrutements_12m") > 0)
    # the denominator is the territory column of the published needs table, with its secrecy (primary,
    # margins and secondary): a rate beside a hidden hires total would be a rate of a hidden count (#14)
    # (`hires`: that table when the caller has it already, e.g. the 2-D one, whose territory column it is)
    if hires is None:
        hires = needs_table(occupations, "12m", rules=rules)
    if "epci" in hires.columns:
        hires = hires.filter(pl.col("epci") == TOTAL).drop("epci")
    den = hires.filter(pl.col("code_rome") != TOTAL)
    num = secrecy.primary_suppression(
        secrecy.aggregate_contributions(
            hiring.select(
                "unit",
                "code_rome",
                pl.when(pl.col("difficulte")).then(pl.col("recrutements_12m")).otherwise(0).alias("value"),
            ),
            ["code_rome"],
            unit="unit",
        ),
        rules,
    )
    num = num.with_columns(
        # no difficult hire at all: nothing to protect in the numerator (a zero is not a contribution)
        pl.when(pl.col("value") == 0).then(False).otherwise(pl.col(SECRET)).alias(SECRET)
    )
    rates = den.select(
        "code_rome", pl.col("value").alias("hires"), "units", pl.col(SECRET).alias("den_secret")
    ).join(
        num.select("code_rome", pl.col("value").alias("difficult"), pl.col(SECRET).alias("num_secret")),
        on="code_rome",
        how="left",
    )
    rates = rates.with_columns(
        (pl.col("difficult").cast(pl.Float64) / pl.col("hires")).alias("value"),
    ).drop("secret", "secret_reason", strict=False)
    return secrecy.inherit_secrecy(rates, ["den_secret", "num_secret"])


def reasons_table(
    occupations: pl.DataFrame, reasons: pl.DataFrame, rules: SecrecyRules | None = None
) -> pl.DataFrame:
    """Per difficulty reason, the companies citing it and their share among companies reporting a difficult
    hiring; counts under the frequency rule, shares inheriting it."""
    difficult = occupations.filter(pl.col("difficulte"))["unit"].n_unique()
    cells = unit_counts(reasons, ["reason"], rules=rules)
    rules = rules or secrecy.load_rules()
    den_secret = 0 < difficult < rules.min_units
    cells = cells.with_columns(
        (pl.col("units") / difficult if difficult else pl.lit(None, dtype=pl.Float64)).alias("share"),
        pl.lit(den_secret).alias("den_secret"),
        pl.lit(difficult).alias("difficult_units"),
    )
    return secrecy.inherit_secrecy(cells, ["den_secret"])


def top_skills(skills: pl.DataFrame, *, limit: int = 20, rules: SecrecyRules | None = None) -> pl.DataFrame:
    """The skills cited by the most companies, published cells only (a skill cited by fewer than 3
    companies is not shown at all, so the list itself does not reveal a rare answer)."""
    cells = unit_counts(skills, ["competence"], rules=rules)
    return cells.filter(~pl.col(SECRET)).head(limit)


def needs_summary(table: pl.DataFrame) -> pl.DataFrame:
    """The territory column (EPCI = Total) of a 2-D needs table, most needed first, margins last; the
    suppressed rows come after the published ones in code order, never ranked by their hidden value (an
    order is a set of inequalities a reader could use)."""
    rows = table.filter(pl.col("epci") == TOTAL) if "epci" in table.columns else table
    ranked = pl.when(pl.col(SECRET)).then(None).otherwise(pl.col("value"))
    return rows.sort(
        [pl.col("code_rome") == TOTAL, pl.col(SECRET), ranked, pl.col("code_rome")],
        descending=[False, False, True, False],
        nulls_last=True,
    )
