"""Survey aggregates under the secrecy mechanism (methods.md §6): units are SIRENs; fewer than 3 or one
above 85 % → « s »; secondary suppression where totals show; rates inherit. Pure, no database."""

import polars as pl
import pytest

from gtec_core.secrecy import DOMINANCE, FREQUENCY, SECONDARY, TOTAL
from gtec_core.surveys import aggregate
from gtec_core.surveys.schema import clean_answer, naf_section


def occ(rome, hires=0, departures=0, difficult=False, reasons=(), skills=()):
    return {"code_rome": rome, "recrutements_12m": hires, "departs_5ans": departures, "difficulte": difficult,
            "raisons": list(reasons), "competences": list(skills), "contrat": "cdi"}  # fmt: skip


def resp(unit, *occs, epci="E1", section="I", formats=()):
    return aggregate.Respondent(
        unit, epci, section, "10-49", {"metiers": list(occs), "formats": list(formats)}
    )


def cell(table, rome, epci=None):
    f = table.filter(pl.col("code_rome") == rome)
    if epci is not None:
        f = f.filter(pl.col("epci") == epci)
    return f.row(0, named=True)


def test_two_companies_are_secret_three_are_published():
    frames = aggregate.flatten([resp("A", occ("G1602", 4)), resp("B", occ("G1602", 3)), resp("C", occ("J1501", 2))]
                               + [resp(u, occ("J1501", 2)) for u in "DE"])  # fmt: skip
    table = aggregate.needs_table(frames.occupations, "12m", by_epci=False)
    g, j = cell(table, "G1602"), cell(table, "J1501")
    assert (g["units"], g["secret"], g["secret_reason"]) == (2, True, FREQUENCY)
    assert (j["units"], j["value"]) == (3, 6)
    # the total shows, so J1501 is hidden too: otherwise G1602 = total − J1501
    assert j["secret_reason"] == SECONDARY
    assert cell(table, TOTAL)["value"] == 13


def test_one_row_with_total_gets_secondary_suppression():
    rows = [resp(u, occ("G1602", 2)) for u in "ABC"] + [
        resp("D", occ("F1703", 5)),
        resp("E", occ("F1703", 1)),
    ]
    rows += [resp(u, occ("J1501", 9)) for u in "FGH"]
    table = aggregate.needs_table(aggregate.flatten(rows).occupations, "12m", by_epci=False)
    assert cell(table, "F1703")["secret_reason"] == FREQUENCY
    assert cell(table, "G1602")["secret_reason"] == SECONDARY  # the smallest other cell
    assert not cell(table, "J1501")["secret"] and not cell(table, TOTAL)["secret"]


def test_units_are_sirens_not_establishments():
    # three establishments of one company (same SIREN) are one unit: secret
    rows = [resp("111111111", occ("K2204", 2)) for _ in range(3)]
    table = aggregate.needs_table(aggregate.flatten(rows).occupations, "12m", by_epci=False)
    assert cell(table, "K2204")["units"] == 1 and cell(table, "K2204")["secret"]


def test_dominance_hides_a_cell_where_one_company_makes_more_than_85_percent():
    rows = [resp("A", occ("N4101", 20)), resp("B", occ("N4101", 1)), resp("C", occ("N4101", 1)),
            resp("D", occ("N4101", 1))]  # fmt: skip
    table = aggregate.needs_table(aggregate.flatten(rows).occupations, "12m", by_epci=False)
    assert cell(table, "N4101")["secret_reason"] == DOMINANCE  # 20/23 = 0.87
    rows[0] = resp("A", occ("N4101", 10))  # 10/13 = 0.77: published (methods.md worked example)
    table = aggregate.needs_table(aggregate.flatten(rows).occupations, "12m", by_epci=False)
    assert not cell(table, "N4101")["secret"]


def test_two_dimensional_table_hides_a_complement_in_row_and_column():
    rows = [resp(u, occ("G1602", 2), epci="E1") for u in "ABC"] + [
        resp(u, occ("G1602", 2), epci="E2") for u in "DE"
    ]
    rows += [resp(u, occ("J1501", 3), epci="E1") for u in "FGH"] + [
        resp(u, occ("J1501", 4), epci="E2") for u in "IJK"
    ]
    table = aggregate.needs_table(aggregate.flatten(rows).occupations, "12m")
    assert cell(table, "G1602", "E2")["secret_reason"] == FREQUENCY
    hidden = table.filter(pl.col("secret"))
    # each line holding the secret cell has at least one more hidden cell
    assert hidden.filter(pl.col("code_rome") == "G1602").height >= 2
    assert hidden.filter(pl.col("epci") == "E2").height >= 2


def test_difficulty_rate_inherits_secrecy_and_counts_hires():
    rows = [resp("A", occ("G1602", 4, difficult=True)), resp("B", occ("G1602", 4, difficult=True))]
    rows += [resp("C", occ("G1602", 3)), resp("X", occ("K2204", 4, difficult=True))]
    rows += [resp(u, occ("K2204", 3)) for u in "YZ"]
    rows += [resp("D", occ("J1501", 5, difficult=True)), resp("E", occ("J1501", 1, difficult=True))]
    rates = {
        r["code_rome"]: r
        for r in aggregate.difficulty_by_occupation(aggregate.flatten(rows).occupations).iter_rows(named=True)
    }
    assert rates["G1602"]["value"] == pytest.approx(8 / 11) and not rates["G1602"]["secret"]
    # K2204: 3 companies hire, but all difficult hires come from one: the numerator fails NK(1,85)
    assert rates["K2204"]["secret"] and rates["K2204"]["secret_reason"] == "inherited"
    assert rates["J1501"]["secret"]  # 2 companies


def test_reasons_and_skills_are_counts_of_companies_under_the_frequency_rule():
    rows = [resp(u, occ("G1602", 1, difficult=True, reasons=["penurie"], skills=[100, 200])) for u in "ABC"]
    rows += [resp("D", occ("G1602", 1, difficult=True, reasons=["mobilite"], skills=[300]))]
    frames = aggregate.flatten(rows)
    reasons = {
        r["reason"]: r
        for r in aggregate.reasons_table(frames.occupations, frames.reasons).iter_rows(named=True)
    }
    assert reasons["penurie"]["units"] == 3 and not reasons["penurie"]["secret"]
    assert reasons["penurie"]["share"] == 0.75
    assert reasons["mobilite"]["secret"]
    top = aggregate.top_skills(frames.skills)
    assert set(top["competence"].to_list()) == {100, 200}  # 300 (one company) is not listed at all


def test_clean_answer_reports_fields_and_accepts_drafts():
    draft, errors = clean_answer({"metiers": [{"code_ogr": "12", "recrutements_12m": "x"}]}, final=False)
    assert [e.path for e in errors] == ["metiers.0.recrutements_12m"]
    assert draft["metiers"][0]["recrutements_12m"] == 0
    final, errors = clean_answer(
        {"metiers": [{"code_ogr": 12, "recrutements_12m": 2, "difficulte": True}]}, final=True
    )
    assert {e.path for e in errors} == {"metiers.0.contrat", "metiers.0.raisons", "consentement"}
    _, errors = clean_answer({}, final=True)
    assert "metiers" in {e.path for e in errors}


def test_naf_sections():
    assert [naf_section(x) for x in ("56.10A", "01.13Z", "43.21A", "88.10A", "", "xx")] == [
        "I",
        "A",
        "F",
        "Q",
        "",
        "",
    ]


# ---- security review 2026-12-04, §5.1: margins are cells, and « s » ≥ 1 is known to a reader ----------

EPCIS = ["Arc Sud", "GMVA", "Questembert"]


def review_rows():
    """The campaign page's rows of §5.1 (12 months), with enough other answers around them."""
    rows = [resp("a1", occ("D1106", 1), epci="Arc Sud"), resp("q1", occ("D1106", 1), epci="Questembert")]
    rows += [resp(f"g{i}", occ("D1106", h), epci="GMVA") for i, h in enumerate([4, 3, 3, 3])]
    rows += [resp("g9", occ("M1503", 1), epci="GMVA"), resp("q9", occ("M1503", 1), epci="Questembert")]
    # G1605 = 27, one company at 24 (88.9 %) and three at 1 in three EPCIs: the total is dominated
    rows += [resp("big", occ("G1605", 24), epci="GMVA")]
    rows += [resp(f"s{e}", occ("G1605", 1), epci=e) for e in EPCIS]
    # D1105 = 4 from 2 companies, in two EPCIs
    rows += [resp("p1", occ("D1105", 3), epci="GMVA"), resp("p2", occ("D1105", 1), epci="Questembert")]
    # a few large published rows, in every EPCI
    for rome, n in [("J1501", 6), ("K2204", 9), ("G1602", 12)]:
        rows += [resp(f"{rome}{e}{i}", occ(rome, n + i), epci=e) for e in EPCIS for i in range(3)]
    return aggregate.flatten(rows).occupations


def published(table) -> dict:
    return {
        (r["code_rome"], r["epci"]): None if r["secret"] else r["value"] for r in table.iter_rows(named=True)
    }


def test_row_totals_face_the_frequency_and_dominance_rules():
    table = aggregate.needs_table(review_rows(), "12m")
    # M1503 = 2 from 2 companies, D1105 = 4 from 2: either company would read the other's figure
    assert cell(table, "M1503", TOTAL)["secret_reason"] == FREQUENCY
    assert cell(table, "D1105", TOTAL)["secret_reason"] == FREQUENCY
    # G1605 = 27 with one company at 24 (88.9 %)
    g = cell(table, "G1605", TOTAL)
    assert (g["value"], g["units"], g["secret_reason"]) == (27, 4, DOMINANCE)


def test_no_hidden_cell_of_the_review_rows_is_recovered_or_narrowed():
    from gtec_core import secrecy_audit as sa

    table = aggregate.needs_table(review_rows(), "12m")
    shown = published(table)
    truth = {
        k: float(r["value"]) for k, r in zip(shown, table.iter_rows(named=True), strict=True) if r["secret"]
    }
    rows = sorted({k[0] for k in shown}, key=lambda x: (x == TOTAL, x))
    reader = sa.pivot_table(shown, rows=rows, cols=[*EPCIS, TOTAL], default_lower=1)  # « s » ≥ 1
    found = sa.audit(reader, truth)
    assert ("D1106", "Arc Sud") in {f.key for f in found}
    assert sa.leaks(found) == []


def test_the_training_gap_table_is_the_territory_column_of_the_page():
    occupations = review_rows()
    two_d = aggregate.needs_table(occupations, "12m").filter(pl.col("epci") == TOTAL).drop("epci")
    one_d = aggregate.needs_table(occupations, "12m", by_epci=False)
    assert published(one_d.with_columns(pl.lit(None).alias("epci"))) == published(
        two_d.with_columns(pl.lit(None).alias("epci"))
    )


def test_secret_rows_are_not_ranked_by_their_hidden_value():
    table = aggregate.needs_table(review_rows(), "12m")
    order = aggregate.needs_summary(table)
    secret = order.filter(pl.col("secret") & (pl.col("code_rome") != TOTAL))["code_rome"].to_list()
    assert secret == sorted(secret)
    # hidden values in the reverse of code order (the review rows happen to rank alike either way, so the
    # lines above passed on the code before the fix too): published first by value, then hidden by code only
    frame = pl.DataFrame(
        {
            "code_rome": ["A1101", "B1101", "C1101", "D1101", TOTAL],
            "value": [1, 90, 50, 60, 201],
            "secret": [True, True, False, False, False],
        }
    )
    assert aggregate.needs_summary(frame)["code_rome"].to_list() == [
        "D1101",
        "C1101",
        "A1101",
        "B1101",
        TOTAL,
    ]


def test_a_rate_is_secret_when_its_hires_total_is_a_secondary_suppression():
    """One row total hidden by the primary rules (M1503, 2 companies) beside a published grand total forces a
    complementary one; that occupation's rate passes the primary rules on its own parts, and is hidden all
    the same (before the fix it was published: the review rows above hide only primary totals)."""
    rows = [resp("m1", occ("M1503", 2), epci="GMVA"), resp("m2", occ("M1503", 2), epci="GMVA")]
    rows += [resp(f"b{i}", occ("D1106", 5), epci="GMVA") for i in range(3)]
    rows += [resp(f"{rome}{i}", occ(rome, n), epci="GMVA") for rome, n in (("J1501", 30), ("K2204", 40))
             for i in range(4)]  # fmt: skip
    occupations = aggregate.flatten(rows).occupations
    hires = aggregate.needs_table(occupations, "12m", by_epci=False)
    hidden = set(hires.filter(pl.col("secret") & (pl.col("code_rome") != TOTAL))["code_rome"].to_list())
    assert "M1503" in hidden and len(hidden) >= 2
    rates = {r["code_rome"]: r for r in aggregate.difficulty_by_occupation(occupations).iter_rows(named=True)}
    for code in hidden:
        assert rates[code]["secret"], code


def test_a_rate_is_secret_when_its_hires_total_is_hidden_in_the_needs_table():
    occupations = review_rows()
    rates = {r["code_rome"]: r for r in aggregate.difficulty_by_occupation(occupations).iter_rows(named=True)}
    hires = aggregate.needs_table(occupations, "12m", by_epci=False)
    hidden = set(hires.filter(pl.col("secret") & (pl.col("code_rome") != TOTAL))["code_rome"].to_list())
    assert {"M1503", "G1605", "D1105"} <= hidden
    for code in hidden:
        assert rates[code]["secret"], code
