"""The fast way through JSON-lines offers (msgspec + polars, `offers_lines.fast_block`) gives exactly what the
exact reader gives (`offers._flatten`, record by record): the same frames, or the same error on the same record,
line and field — on real-shaped offers, on hand-written awkward records and on generated ones (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from gtec_core.errors import SourceError
from gtec_core.sources import offers, offers_lines


def offer(ident: str, **extra) -> dict:
    return {
        "id": ident,
        "intitule": f"Aide-soignant (H/F) {ident}",
        "description": "Au sein de l'EHPAD… « soins » et accompagnement.",
        "dateCreation": "2024-03-01T10:15:00.000Z",
        "dateActualisation": "2024-03-02T09:00:00.000Z",
        "lieuTravail": {"libelle": "56 - VANNES", "latitude": 47.65, "commune": "56260"},
        "romeCode": "J1501",
        "appellationlibelle": "Aide-soignant / Aide-soignante",
        "typeContrat": "CDD",
        "typeContratLibelle": "CDD - 8 Mois",
        "natureContrat": "Contrat travail",
        "dureeTravailLibelleConverti": "Temps plein",
        "qualificationCode": "6",
        "codeNAF": "87.10A",
        "nombrePostes": 2,
        "offresManqueCandidats": False,
        "salaire": {
            "libelle": "Mensuel de 1900 Euros",
            "complements": [{"code": "1", "libelle": "Mutuelle"}],
        },
        "competences": [{"code": "100345", "libelle": "x", "exigence": "E"}, {"code": "120779"}],
    } | extra


def read(path: Path, *, fast: bool, monkeypatch, rejected: bool = False, chunk_size: int = 3):
    """Every chunk of the file (or the error), with the fast path on or forced off."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(offers, "fast_block", lambda lines: None)
        errors: list[SourceError] | None = [] if rejected else None
        try:
            chunks = list(offers.iter_offers(path, chunk_size=chunk_size, rejected=errors))
        except SourceError as error:
            return ("error", str(error), error.line, error.column)
        return chunks, [(str(e), e.line, e.column) for e in errors or []]


def same_outcome(path: Path, monkeypatch, *, rejected: bool = False) -> None:
    fast = read(path, fast=True, monkeypatch=monkeypatch, rejected=rejected)
    exact = read(path, fast=False, monkeypatch=monkeypatch, rejected=rejected)
    if exact[0] == "error" or fast[0] == "error":
        assert fast == exact
        return
    assert len(fast[0]) == len(exact[0]) and fast[1] == exact[1]
    for mine, theirs in zip(fast[0], exact[0], strict=True):
        assert_frame_equal(mine, theirs)


def write_lines(tmp_path: Path, records: list, name: str = "offres.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return path


def test_real_shaped_offers_take_the_fast_path_with_the_same_frames(tmp_path, monkeypatch):
    records = [offer(f"17{n:05d}") for n in range(10)]
    records[3] = offer("1700003", dateActualisation="", competences=[], lieuTravail=None)
    records[4] |= {"offresManqueCandidats": None, "nombrePostes": None, "codeNAF": "  "}
    records.append(offer("1700001", dateActualisation="2024-04-01T00:00:00Z", intitule="la copie récente"))
    path = write_lines(tmp_path, records)
    taken = []
    real = offers_lines.fast_block
    monkeypatch.setattr(offers, "fast_block", lambda lines: taken.append(real(lines)) or taken[-1])
    fast = read(path, fast=True, monkeypatch=monkeypatch)
    assert taken and all(frame is not None for frame in taken)
    monkeypatch.undo()
    exact = read(path, fast=False, monkeypatch=monkeypatch)
    assert [c.height for c in fast[0]] == [c.height for c in exact[0]] == [3, 3, 3, 1]
    for mine, theirs in zip(fast[0], exact[0], strict=True):
        assert_frame_equal(mine, theirs)
    whole = offers.read_offers(path)
    assert whole.filter(whole["id"] == "1700001")["title"].to_list() == ["la copie récente"]


AWKWARD = [
    {"id": 1700099},  # an integer id: read as its text
    {"id": True},
    {"id": 1.5},
    {"id": 1e5},
    {"id": "   "},
    {"id": "x" * 21},
    {"id": " 17000\u3000"},
    {"id": "\x1c17000"},  # Python's whitespace, not polars' default one
    {"intitule": 3.0},
    {"intitule": True},
    {"intitule": {"a": 1}},
    {"intitule": ["a"]},
    {"intitule": "\u00a0Aide\u2003"},
    {"romeCode": "j1501"},
    {"romeCode": "J15O1"},
    {"romeCode": "J150²"},
    {"romeCode": " J1501"},
    {"romeCode": 12345},
    {"dateCreation": "2024-03-01"},
    {"dateCreation": "2024-03-01T10:15:00+02:00"},
    {"dateCreation": "2024-02-30T10:15:00Z"},
    {"dateCreation": "0000-01-01T00:00:00Z"},
    {"dateCreation": "2024-03-01T24:00:00Z"},
    {"dateCreation": " 2024-03-01T10:15:00Z "},
    {"dateCreation": "2024-03-01T10:15:00.12Z"},
    {"dateActualisation": "   "},
    {"dateActualisation": None},
    {"dateActualisation": "2024-03-01T10:15:00.123456Z"},
    {"lieuTravail": ""},
    {"lieuTravail": "Vannes"},
    {"lieuTravail": {"commune": 56260}},
    {"lieuTravail": {"commune": "2A004"}},
    {"lieuTravail": {"commune": "56 260"}},
    {"lieuTravail": {"commune": "5626é"}},
    {"lieuTravail": {"commune": " 56260 "}},
    {"nombrePostes": True},
    {"nombrePostes": 3.0},
    {"nombrePostes": -1},
    {"nombrePostes": 10_001},
    {"nombrePostes": "2"},
    {"nombrePostes": 10**30},
    {"offresManqueCandidats": "oui"},
    {"offresManqueCandidats": 1},
    {"competences": {}},
    {"competences": ""},
    {"competences": "100345"},
    {"competences": [None]},
    {"competences": [{"code": 100345}]},
    {"competences": [{"code": "  "}, {"code": " 7 "}, {}]},
]


@pytest.mark.parametrize("change", AWKWARD, ids=[json.dumps(c, ensure_ascii=False)[:40] for c in AWKWARD])
@pytest.mark.parametrize("rejected", [False, True], ids=["raise", "collect"])
def test_awkward_records_read_as_the_exact_reader_reads_them(tmp_path, monkeypatch, change, rejected):
    records = [offer("1700001"), offer("1700002") | change, offer("1700003")]
    same_outcome(write_lines(tmp_path, records), monkeypatch, rejected=rejected)


@pytest.mark.parametrize(
    "line",
    [
        '{"id": "1700002", "id": "1700009", "romeCode": "J1501", "dateCreation": "2024-03-01T10:15:00Z"}',
        '{"i\\u0064": "1700002", "romeCode": "J1501", "dateCreation": "2024-03-01T10:15:00Z"}',
        '{"id": "1700002", "romeCode": "J1501", "dateCreation": "2024-03-01T10:15:00Z", "x": NaN}',
        '{"id": "17\\ud800", "romeCode": "J1501", "dateCreation": "2024-03-01T10:15:00Z"}',
        '{"id": "1700002"} {"id": "1700004"}',
        '["1700002"]',
        "null",
        '{"id": "1700002", "romeCode": "J1501"',
    ],
)
def test_awkward_lines_read_as_the_exact_reader_reads_them(tmp_path, monkeypatch, line):
    records = [offer("1700001"), line, offer("1700003")]
    same_outcome(write_lines(tmp_path, records), monkeypatch)
    same_outcome(write_lines(tmp_path, records, "collect.jsonl"), monkeypatch, rejected=True)


def test_bytes_that_are_not_utf8_in_an_ignored_field(tmp_path, monkeypatch):
    path = tmp_path / "offres.jsonl"
    bad = json.dumps(offer("1700002")).encode().replace(b"EHPAD", b"EHP\xe9D")
    path.write_bytes(json.dumps(offer("1700001")).encode() + b"\n" + bad + b"\n")
    same_outcome(path, monkeypatch)
    assert read(path, fast=True, monkeypatch=monkeypatch)[2] == 2


TEXT = st.one_of(
    st.none(),
    st.text(st.sampled_from(" \u00a0\x1c\taéZ0-9"), max_size=4),
    st.integers(-3, 3),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
)
FIELD = st.sampled_from(
    ["id", "intitule", "dateCreation", "dateActualisation", "romeCode", "codeNAF", "nombrePostes"]
    + ["offresManqueCandidats", "lieuTravail", "competences", "typeContratLibelle"]
)
VALUE = st.one_of(
    TEXT,
    st.sampled_from(["2024-03-01T10:15:00Z", "2024-13-01T10:15:00Z", "J1501", "A0000", "56260", "2A004"]),
    st.builds(lambda c: {"commune": c}, TEXT),
    st.lists(st.builds(lambda c: {"code": c}, TEXT), max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(0, 3), FIELD, VALUE), max_size=4))
def test_generated_records_read_as_the_exact_reader_reads_them(tmp_path, monkeypatch, changes):
    records = [offer(f"170000{n}") for n in range(4)]
    for index, field, value in changes:
        records[index][field] = value
    same_outcome(write_lines(tmp_path, records), monkeypatch)
