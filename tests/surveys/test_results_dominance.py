"""The « 9 » published for J1501 on the public results page of the browser walk's campaign (three
neighbouring companies, 3 hires each): both primary rules of methods.md §6 hold for that cell, and the same
cell turns « s » as soon as one of them fails (2 companies, or one above 85 % of the cell)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gtec.surveys import queries
from gtec_core.secrecy import SECRET, TOTAL, load_rules
from gtec_core.surveys import aggregate
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


def _campaign(hires: list[int]):
    camp = h.campaign()
    for i, n in enumerate(hires):
        h.submit(camp, h.company(f"Voisine {i}"), h.answer(hires=n))
    return camp


def _j1501_total_on_page(camp) -> str:
    """The J1501 row's total (its last cell) in the public page's hires table."""
    page = Client().get(reverse("campaign_results", args=[camp.pk])).content.decode()
    table = page.split('data-table="needs-12m"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in table.split("<tr>") if ">J1501<" in r)
    return re.findall(r'<td class="num">(?:<strong>)?([^<]*)<', row)[-1]


def _j1501_cell(camp) -> dict:
    frames = aggregate.flatten(queries.respondents(camp))
    table = aggregate.needs_table(frames.occupations, "12m")
    (cell,) = table.filter((table["code_rome"] == "J1501") & (table["epci"] == TOTAL)).to_dicts()
    return cell


def test_the_nine_of_j1501_passes_both_primary_rules():
    rules = load_rules()
    camp = _campaign([3, 3, 3])  # the browser walk's world (tests/browser/test_needs.py)
    assert _j1501_total_on_page(camp) == "9"
    cell = _j1501_cell(camp)
    assert cell["value"] == 9 and not cell[SECRET]
    assert cell["units"] == 3 >= rules.min_units  # three companies (three SIRENs)
    assert cell["top_share"] == pytest.approx(1 / 3) and cell["top_share"] <= rules.dominance_k


@pytest.mark.parametrize(
    ("hires", "shown"),
    [
        ([3, 3], "s"),  # frequency: 2 companies
        ([34, 3, 3], "40"),  # dominance: 34 / 40 = 85 %, not above
        ([35, 3, 3], "s"),  # dominance: 35 / 41 = 85.4 % > 85 %
    ],
)
def test_the_same_cell_is_secret_when_a_primary_rule_fails(hires, shown):
    camp = _campaign(hires)
    assert _j1501_total_on_page(camp) == shown
    assert _j1501_cell(camp)[SECRET] == (shown == "s")


def test_the_formats_and_drivers_tables_name_their_columns():
    """Each count table of the results page has column headers (what is counted, and over what)."""
    page = Client().get(reverse("campaign_results", args=[_campaign([3, 3, 3]).pk])).content.decode()
    formats = page.split("Formats de formation souhaités", 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Format</th>' in formats and "Part des entreprises répondantes" in formats
    drivers = page.split("Moteurs d'évolution cités", 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Moteur d\'évolution</th>' in drivers
