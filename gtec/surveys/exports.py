"""The published results of a campaign as one table for CSV and XLSX (written by the one writer,
`gtec_core.exports.write_table`). The table is built from `queries.campaign_results`, the very object
the results page shows, so the exports hide exactly the cells the page hides: a number where the page
shows a number (rounded as on the page), nothing where it shows « s », and « s » in its own column."""

from __future__ import annotations

import polars as pl

from gtec.surveys import queries
from gtec.surveys.models import Campaign
from gtec_core.secrecy import load_rules

COLUMNS = ["tableau", "code", "libelle", "zone", "valeur", "unite", "part_pourcentage", "secret"]
NEEDS_TITLES = dict(queries.HORIZON_TITLES)


def results_table(campaign: Campaign) -> pl.DataFrame:
    """One row per published cell: table, code and label of the row, zone (EPCI or « Territoire »),
    value, unit, share (for counts of companies) and the secrecy status."""
    r = queries.campaign_results(campaign)
    symbol = load_rules().symbol
    zones = [name for _, name in r.epcis] + ["Territoire"]
    rows: list[dict] = []

    def add(table, code, label, zone, value, unit, secret, share=None):
        rows.append(
            {"tableau": table, "code": str(code), "libelle": label, "zone": zone,
             "valeur": None if secret else value, "unite": unit,
             "part_pourcentage": None if secret or share is None else round(share),
             "secret": symbol if secret else ""}
        )  # fmt: skip

    for horizon, title in NEEDS_TITLES.items():
        for row in r.needs[horizon]:
            for zone, value, secret in zip(zones, row["values"], row["secrets"], strict=True):
                if value is None and not secret:
                    continue  # a cell the page leaves empty
                value = None if value is None else int(value)
                add(title, row["code_rome"], row["libelle"], zone, value, "postes", secret)
    for d in r.difficulty:
        value = None if d["value"] is None else round(d["value"])
        add("Part des recrutements jugés difficiles", d["code_rome"], d["libelle"], "Territoire", value, "%",
            d["secret"])  # fmt: skip
    for title, items in (
        ("Raisons des difficultés", r.reasons),
        ("Compétences les plus citées à 2–5 ans", r.skills),
        ("Formats de formation souhaités", r.formats),
        ("Moteurs d'évolution cités", r.drivers),
    ):
        for x in items:
            add(title, x["code"], x["libelle"], "Territoire", x["units"], "entreprises", x["secret"],
                x["share_value"])  # fmt: skip
    schema = {"valeur": pl.Int64, "part_pourcentage": pl.Int64}
    return pl.DataFrame(rows, schema={c: schema.get(c, pl.String) for c in COLUMNS})
