"""The one French number formatter (`gtec_core.french`): thousands, decimals, percent, missing and secret values,
and no second formatter written by hand anywhere else."""

import re
from pathlib import Path

import pytest

from gtec_core.french import THOUSANDS, figure_fr, format_fr, parse_fr, percent_fr

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (10418, 0, "10\u202f418"),
        (1234567.891, 2, "1\u202f234\u202f567,89"),
        (433.7, 0, "434"),
        (0.25, 2, "0,25"),
        (999, 0, "999"),
        (-1500.5, 1, "-1\u202f500,5"),
        (-0.2, 0, "0"),  # never « -0 »
        (0, 1, "0,0"),
    ],
)
def test_format_fr(value, decimals, expected):
    assert format_fr(value, decimals) == expected


def test_missing_and_secret_values():
    assert format_fr(None) == "" and percent_fr(None) == ""
    assert figure_fr(12, secret=True) == "s"
    assert figure_fr(12, secret=True, symbol="∗") == "∗"
    assert figure_fr(1234.5, 1) == "1\u202f234,5"


def test_percent():
    assert percent_fr(12.5, 1) == "12,5 %"
    assert percent_fr(0.125, 1, share=True) == "12,5 %"
    assert percent_fr(100) == "100 %"


def test_parse_reads_back_what_is_written():
    for value, decimals in [(10418, 0), (1234.5, 1), (0.02, 2)]:
        assert parse_fr(format_fr(value, decimals)) == pytest.approx(value)
    assert parse_fr(percent_fr(12.5, 1)) == 12.5
    assert parse_fr("13\xa0119") == 13119
    with pytest.raises(ValueError):
        parse_fr("s")


def test_the_thousands_separator_is_the_narrow_no_break_space():
    assert THOUSANDS == "\u202f" and THOUSANDS in format_fr(1000)


def test_template_filter_uses_it():
    from gtec.www.templatetags.gtec_terms import nombre

    assert nombre(10418) == "10\u202f418" and nombre("433.7", 1) == "433,7" and nombre(None) == ""


HAND_WRITTEN = re.compile(r"\{[^{}\n]*:,[^{}\n]*\}[^\n]*\.replace\(\",\"|\.replace\(\",\", \"\\u202f\"\)")


def test_no_second_french_number_formatter():
    """Numbers are formatted by `gtec_core.french` only: no f"{n:,}".replace(…) copy, no `intcomma`."""
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("gtec", "gtec_core")
        for p in (ROOT / folder).rglob("*.py")
        if p.name != "french.py" and HAND_WRITTEN.search(p.read_text(encoding="utf-8"))
    ]
    templates = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "gtec").rglob("*.html")
        if "intcomma" in p.read_text(encoding="utf-8")
    ]
    assert offenders == [] and templates == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 organisation créée"), (1, "1 organisation créée"), (2, "2 organisations créées"),
     (1500, "1\u202f500 organisations créées")],
)  # fmt: skip
def test_counts_take_the_french_plural_from_two_on(count, expected):
    from gtec_core.french import count_fr, plural

    assert count_fr(count, "organisation créée", "organisations créées") == expected
    assert plural(count, "erreur") == ("erreurs" if count >= 2 else "erreur")


def test_pluriel_filter_and_no_parenthesised_plural_left_in_templates():
    from django.template import Context, Template

    t = Template('{{ n }} {{ n|pluriel:"invitation envoyée,invitations envoyées" }} ; métier{{ n|pluriel }}')
    assert t.render(Context({"n": 1})) == "1 invitation envoyée ; métier"
    assert t.render(Context({"n": 3})) == "3 invitations envoyées ; métiers"
    zero = Template(
        '{{ n }} métier{{ n|pluriel }} prioritaire{{ n|pluriel }}, {{ n }} {{ n|pluriel:"figure,figurent" }}'
    )
    assert zero.render(Context({"n": 0})) == "0 métier prioritaire, 0 figure"  # French: 0 is singular
    pages = [*ROOT.glob("gtec/**/templates/**/*.html"), *ROOT.glob("gtec/**/static/**/*.js")]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in pages
             for m in re.finditer(r"\w+\((?:s|e|es|x)\)|\|pluralize|\|date:\"j F Y\"", p.read_text(encoding="utf-8"))]  # fmt: skip
    # Django's pluralize writes « 0 métiers » and date:"j F Y" « 1 janvier »: templates use pluriel, date_fr
    assert found == []


def test_enrolment_summary_is_written_in_real_plurals():
    from gtec.surveys.enrolment import Enrolled

    assert Enrolled(created=2, found=1, invited=3, mailed=1).summary() == (
        "2 organisations créées, 1 déjà connue ; 3 invitées à la campagne ; 1 invitation envoyée par courriel."
    )
    assert "(s)" not in Enrolled().summary()


def test_typo_never_lets_a_line_start_with_a_closing_mark():
    from gtec_core.french import typo

    text = typo("Tapez « Vannes ». Plusieurs métiers : séparez-les par « ; » ; un code ?")
    assert (
        " »" not in text and "« " not in text and " :" not in text and " ;" not in text and " ?" not in text
    )
    assert text.replace("\u202f", " ").replace("\u00a0", " ") == (
        "Tapez « Vannes ». Plusieurs métiers : séparez-les par « ; » ; un code ?"
    )


def test_a_long_date_on_a_page_never_breaks_inside():
    import datetime as dt

    from django.template import Context, Template

    html = Template("{{ d|date_fr }} · {{ d|date_fr:'court' }}").render(Context({"d": dt.date(2026, 12, 1)}))
    assert html == "1er\u00a0décembre\u00a02026 · 01/12/2026"
