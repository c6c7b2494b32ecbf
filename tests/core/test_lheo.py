"""The LHEO reader on the real ONISEP sample, its 2.3 and namespace-less variants, and hostile or broken
files (truncated, billion laughs, external entity, wrong encoding, bad dates and codes)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from gtec_core.errors import SourceError
from gtec_core.sources.lheo import NS_22, NS_23, LheoReader, html_to_text, occupation_query, read_summary


@pytest.fixture(scope="module")
def sample_text(data_dir_path) -> str:
    return (data_dir_path / "lheo" / "exemple-bts-onisep-lheo2.2.xml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data_dir_path() -> Path:
    from django.conf import settings

    return Path(settings.GTEC_DATA_DIR)


def write(tmp_path: Path, text: str, name: str = "f.xml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def records(path: Path, **kwargs):
    reader = LheoReader(path, **kwargs)
    return list(reader), reader


def test_real_sample_is_read_with_its_codes_places_and_dates(data_dir_path):
    found, reader = records(data_dir_path / "lheo" / "exemple-bts-onisep-lheo2.2.xml")
    assert reader.version == "2.2" and reader.problems.count == 0
    (f,) = found
    assert f.numero == "9436_18706"
    assert f.intitule == "BTS négociation et relation client"
    assert f.romes == ["D1402", "D1403", "D1408"]
    assert f.formacodes[0] == "34582"  # the principal one first
    assert f.certifications == ["RNCP474"] and f.certifinfo == ["19004"]
    assert f.certifiante and f.niveau_sortie == "6"
    assert f.objectif.startswith("A la fois vendeur, manager et commercial") and "<p>" not in f.objectif
    assert f.organisme.siret == "19290076900014" and f.organisme.nom == "Lycée Kerneuzec"
    (action,) = f.actions
    assert action.place.code_insee == "29233" and action.place.ville == "QUIMPERLÉ"
    assert action.place.latitude == pytest.approx(47.882108)
    assert action.modalites_enseignement == "0" and action.prise_en_charge and not action.alternance
    (session,) = action.sessions
    assert (session.debut, session.fin) == (dt.date(2015, 9, 1), dt.date(2017, 8, 31))


@pytest.mark.parametrize(("namespace", "version"), [(NS_23, "2.3"), ("", "sans espace de noms")])
def test_other_versions_read_the_same(tmp_path, sample_text, namespace, version):
    text = sample_text.replace(f'xmlns="{NS_22}"', f'xmlns="{namespace}"' if namespace else "")
    found, reader = records(write(tmp_path, text))
    assert reader.version == version
    assert [f.romes for f in found] == [["D1402", "D1403", "D1408"]]


def test_unknown_namespace_is_refused(tmp_path, sample_text):
    path = write(tmp_path, sample_text.replace(NS_22, "http://example.org/autre"))
    with pytest.raises(SourceError, match="racine <lheo> absent"):
        records(path)


def test_strict_mode_validates_against_the_xsd(tmp_path, sample_text, data_dir_path):
    xsd = data_dir_path / "lheo" / "lheo-2.3.xsd"
    assert (
        read_summary(data_dir_path / "lheo" / "exemple-bts-onisep-lheo2.2.xml", strict=True, xsd=xsd)[
            "formations"
        ]
        == 1
    )
    broken = sample_text.replace("<certifiante>1</certifiante>", "<certifiante>oui</certifiante>")
    summary = read_summary(write(tmp_path, broken), strict=True, xsd=xsd)
    assert summary["formations"] == 0
    assert summary["rejected"][0]["field"] == "XSD" and "certifiante" in summary["rejected"][0]["message"]
    assert read_summary(write(tmp_path, broken, "g.xml"))["formations"] == 1  # lenient mode keeps it


def test_truncated_file_is_refused_with_a_line(tmp_path, sample_text):
    path = write(tmp_path, sample_text[: len(sample_text) // 2])
    with pytest.raises(SourceError) as exc:
        records(path)
    assert "XML mal formé" in str(exc.value) and exc.value.line


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lheo [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="x"><intitule-formation>&lol4;</intitule-formation></formation></offres></lheo>
"""


def test_billion_laughs_is_refused_before_parsing(tmp_path):
    with pytest.raises(SourceError, match="DOCTYPE refusé") as exc:
        records(write(tmp_path, BILLION_LAUGHS))
    assert exc.value.line == 2


def test_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE")
    text = (
        '<?xml version="1.0"?>\n<!-- un commentaire -->\n'
        f'<!DOCTYPE lheo [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<lheo><offres><formation numero="x"><intitule-formation>&xxe;</intitule-formation></formation></offres></lheo>'
    )
    with pytest.raises(SourceError) as exc:
        records(write(tmp_path, text))
    assert "DOCTYPE" in str(exc.value) and "MOT-DE-PASSE" not in str(exc.value)


def test_undeclared_entity_without_doctype_is_a_syntax_error(tmp_path, sample_text):
    text = sample_text.replace("BTS négociation", "&xxe; BTS négociation")
    with pytest.raises(SourceError, match="XML mal formé"):
        records(write(tmp_path, text))


def test_encoding_declared_in_the_prolog_is_honoured(tmp_path, sample_text):
    latin = sample_text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    found, _ = records(write(tmp_path, latin, encoding="latin-1"))
    assert found[0].actions[0].place.ville == "QUIMPERLÉ"
    assert found[0].intitule == "BTS négociation et relation client"


def test_bytes_that_do_not_match_the_declared_encoding_are_refused(tmp_path, sample_text):
    path = write(tmp_path, sample_text, encoding="latin-1")  # prolog still says UTF-8
    with pytest.raises(SourceError, match="encodage") as exc:
        records(path)
    assert exc.value.line is not None


def two_formations(sample_text: str, second: str) -> str:
    start = sample_text.index("<formation ")
    end = sample_text.index("</formation>") + len("</formation>")
    block = sample_text[start:end]
    return sample_text[:end] + "\n" + second.replace("@BLOCK@", block) + sample_text[end:]


def test_bad_session_date_rejects_only_that_session(tmp_path, sample_text):
    text = sample_text.replace(
        '<session numero="9436_18706">',
        '<session numero="S-BAD"><periode><debut>20251340</debut><fin>20260101</fin></periode>'
        "<adresse-inscription><adresse><ligne>x</ligne><codepostal>56000</codepostal><ville>Vannes</ville></adresse>"
        '</adresse-inscription></session>\n<session numero="S-BACKWARDS"><periode><debut>20260301</debut><fin>20260101</fin>'
        "</periode></session>\n"
        '<session numero="9436_18706">',
    )
    found, reader = records(write(tmp_path, text))
    assert [s.numero for s in found[0].actions[0].sessions] == ["9436_18706"]
    problems = {p.session: p for p in reader.problems.items}
    assert set(problems) == {"S-BAD", "S-BACKWARDS"}
    assert problems["S-BAD"].formation == "9436_18706" and problems["S-BAD"].action == "9436_18706"
    assert "inexistante" in problems["S-BAD"].message and problems["S-BAD"].line
    assert "avant le début" in problems["S-BACKWARDS"].message
    assert ("9436_18706", "9436_18706", "S-BAD") in reader.problems.sessions


@pytest.mark.parametrize(
    ("old", "new", "level", "field", "words"),
    [
        ("<code-ROME>D1403</code-ROME>", "<code-ROME>Z9999</code-ROME>", "formation", "code-ROME", "Z9999"),
        (
            '<code-FORMACODE ref="V11">34076</code-FORMACODE>',
            "<code-FORMACODE>3407</code-FORMACODE>",
            "formation",
            "code-FORMACODE",
            "3407",
        ),
        (
            "<code-RNCP>474</code-RNCP>",
            "<code-RNCP>RNCP-474x</code-RNCP>",
            "formation",
            "code-RNCP",
            "RNCP-474x",
        ),
        ("<SIRET>19290076900014</SIRET>", "<SIRET>1929007690</SIRET>", "formation", "SIRET", "1929007690"),
        (
            '<code-INSEE-commune>29233</code-INSEE-commune>\n<region>53</region>\n<pays>FR</pays>\n<geolocalisation>\n<latitude>47.882108</latitude>\n<longitude>-3.5526545</longitude>\n</geolocalisation>\n</adresse>\n</coordonnees>\n<extras info="ETAB ONISEP">',
            '<code-INSEE-commune>2923</code-INSEE-commune>\n</adresse>\n</coordonnees>\n<extras info="ETAB ONISEP">',
            "action",
            "code-INSEE-commune",
            "2923",
        ),
        (
            "<modalites-enseignement>0</modalites-enseignement>",
            "<modalites-enseignement>7</modalites-enseignement>",
            "action",
            "modalites-enseignement",
            "7",
        ),
    ],
)
def test_bad_codes_reject_the_record_that_holds_them(tmp_path, sample_text, old, new, level, field, words):
    assert old in sample_text
    second = sample_text.replace('numero="9436_18706"', 'numero="OK-2"', 1)
    text = two_formations(
        sample_text.replace(old, new, 1),
        second[second.index("<formation ") : second.index("</formation>") + 12],
    )
    found, reader = records(write(tmp_path, text))
    problem = reader.problems.items[0]
    assert problem.formation == "9436_18706" and field in problem.field and words in problem.message
    assert bool(problem.action) == (level == "action")
    if level == "action":  # its only action rejected, the formation has none left
        assert reader.problems.items[1].message.startswith("formation sans action valide")
    assert len(reader.problems.items) == (2 if level == "action" else 1)
    assert [f.numero for f in found] == ["OK-2"]  # the valid record is kept


def test_duplicate_formation_rejects_every_occurrence(tmp_path, sample_text):
    """Review §6.2 / LHEO dictionary: neither copy of a repeated formation number can be told to be the
    right one, so both are rejected (the first one stood before)."""
    block = sample_text[sample_text.index("<formation ") : sample_text.index("</formation>") + 12]
    found, reader = records(
        write(tmp_path, two_formations(sample_text, block.replace("BTS négociation", "Copie")))
    )
    assert found == [] and reader.problems.count == 2
    assert all("2 occurrences" in p.message for p in reader.problems.items)


def test_formation_without_number_or_title_is_rejected(tmp_path, sample_text):
    text = sample_text.replace('<formation numero="9436_18706">', "<formation>")
    found, reader = records(write(tmp_path, text))
    assert found == [] and reader.problems.items[0].field == "formation/@numero"


def test_html_is_reduced_to_text():
    assert html_to_text("<p>Un &amp; deux</p><ul><li>trois</li></ul>") == "Un & deux\n• trois"


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("CAP Cuisine", "Cuisine"),
        ("Titre professionnel Soudeur assembleur industriel", "Soudeur assembleur industriel"),
        ("Diplôme d'État d'aide-soignant (DEAS)", "aide-soignant"),
    ],
)
def test_occupation_query_drops_the_kind_of_course(title, query):
    assert occupation_query(title) == query


# ---- LHEO dictionary rules (security review 2026-12-04 §6.2) ----------------------------------------------


def _with_dates(sample_text: str, debut: str, fin: str) -> str:
    return re.sub(
        r"<periode>\s*<debut>\d+</debut>\s*<fin>\d+</fin>\s*</periode>",
        f"<periode><debut>{debut}</debut><fin>{fin}</fin></periode>",
        sample_text,
        count=1,
    )


@pytest.mark.parametrize(
    ("debut", "fin", "expected"),
    [
        ("20250900", "20260600", (dt.date(2025, 9, 1), dt.date(2026, 6, 1))),  # month precision
        ("00000000", "99999999", (None, None)),  # unknown dates
        ("20250901", "99999999", (dt.date(2025, 9, 1), None)),
    ],
)
def test_month_precision_and_unknown_dates_keep_the_session(tmp_path, sample_text, debut, fin, expected):
    """« AAAAMM00 » is a valid month-precision date: the session was lost as « date inexistante »."""
    found, reader = records(write(tmp_path, _with_dates(sample_text, debut, fin)))
    assert reader.problems.count == 0
    (session,) = found[0].actions[0].sessions
    assert (session.debut, session.fin) == expected


def test_a_rejected_session_rejects_its_emptied_action_and_formation(tmp_path, sample_text):
    found, reader = records(write(tmp_path, _with_dates(sample_text, "20251301", "20260601")))
    assert found == []
    levels = [
        (bool(p.session or p.action and not p.session), p.field, p.message) for p in reader.problems.items
    ]
    assert "inexistante" in levels[0][2] or "invalide" in levels[0][2]
    assert any("action sans session valide" in p.message for p in reader.problems.items)
    assert reader.problems.items[-1].message.startswith("formation sans action valide")


def test_hours_are_bounded(tmp_path, sample_text):
    text = sample_text.replace("<action ", "<action ", 1)
    text = re.sub(r"(<action [^>]*>)", r"\1<nombre-heures-total>999999</nombre-heures-total>", text, count=1)
    found, reader = records(write(tmp_path, text))
    assert any(p.field == "nombre-heures-total" and "intervalle" in p.message for p in reader.problems.items)


@pytest.mark.parametrize(
    "prefix",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE lheo [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n',
        '<?xml version="1.0"?>\n<!-- <a> -->\n<!DOCTYPE lheo [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n',
        '<?xml version="1.0"?>\n<!-- <a> -->\n<!DOCTYPE lheo [<!ENTITY x "XXE-texte">]>\n',
    ],
)
def test_doctype_is_refused_by_the_parser_even_behind_a_comment(tmp_path, prefix):
    """Review §6.2: a comment holding `<a` defeated the text pre-check; an internal entity then silently
    cut a course title. The parser's own view of the document (docinfo) now decides."""
    body = (
        '<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="x">'
        "<intitule-formation>XXE-&xxe;</intitule-formation></formation></offres></lheo>"
    ).replace("&xxe;", "&x;" if "ENTITY x " in prefix else "&xxe;")
    with pytest.raises(SourceError, match="DOCTYPE refusé") as exc:
        records(write(tmp_path, prefix + body))
    assert exc.value.line == prefix.count("\n")
