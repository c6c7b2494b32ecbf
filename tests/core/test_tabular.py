"""gtec_core.tabular on small hand-written files: line numbers, encodings, quoting, and the wording of errors."""

from __future__ import annotations

import pytest

from gtec_core.errors import SourceError
from gtec_core.tabular import LINE, Column, FileSpec, read_table

SPEC = FileSpec(
    "demo",
    (Column("code", "pattern", True, r"[A-N]\d{4}"), Column("libelle", required=True), Column("rang", "int")),
    key=("code",),
)


def write(tmp_path, content: str | bytes, name: str = "demo.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read_error(path, spec=SPEC) -> SourceError:
    with pytest.raises(SourceError) as info:
        read_table(path, spec)
    return info.value


def test_quoted_fields_spanning_lines_keep_the_line_each_record_starts_on(tmp_path):
    path = write(
        tmp_path,
        'code,libelle,rang\n"A1101","deux\nlignes","1"\n"A1102","trois\nlignes\nici","2"\n"A1103","une","3"\n',
    )
    frame = read_table(path, SPEC)
    assert frame["code"].to_list() == ["A1101", "A1102", "A1103"]
    assert frame[LINE].to_list() == [2, 4, 7]
    assert frame["libelle"][1] == "trois\nlignes\nici"


def test_error_after_a_multiline_field_names_the_physical_line(tmp_path):
    path = write(tmp_path, 'code,libelle,rang\n"A1101","deux\nlignes","1"\n"A1102","x","deux"\n')
    error = read_error(path)
    assert error.line == 4
    assert error.column == "rang"
    assert "demo.csv" in str(error) and "ligne 4" in str(error) and "« rang »" in str(error)
    assert "« deux »" in str(error)


def test_bom_is_stripped_from_the_first_column_name(tmp_path):
    path = write(tmp_path, "\ufeffcode,libelle,rang\nA1101,x,1\n")
    frame = read_table(path, SPEC)
    assert frame["code"].to_list() == ["A1101"]


def test_blank_trailing_lines_are_accepted(tmp_path):
    path = write(tmp_path, "code,libelle,rang\r\nA1101,x,1\r\nA1102,y,2\r\n\r\n")
    frame = read_table(path, SPEC)
    assert frame.height == 2
    assert frame[LINE].to_list() == [2, 3]


def test_blank_line_in_the_middle_keeps_later_line_numbers(tmp_path):
    path = write(tmp_path, "code,libelle,rang\nA1101,x,1\n\nA1102,y,z\n")
    error = read_error(path)
    assert (error.line, error.column) == (4, "rang")


def test_sql_quotes_are_unescaped_only_in_the_declared_columns(tmp_path):
    spec = FileSpec("texte", (Column("a"), Column("b")), unescape_sql_quotes=("b",))
    path = write(tmp_path, "a,b\n\"l''a\",\"l''analyse d''un ''mot''\"\n")
    frame = read_table(path, spec)
    assert frame["b"][0] == "l'analyse d'un 'mot'"
    assert frame["a"][0] == "l''a"


def test_cp1252_decoding(tmp_path):
    spec = FileSpec("cp", (Column("code"), Column("libelle")), encoding="cp1252", delimiter=";")
    path = write(tmp_path, "code;libelle\n1;Man\u0153uvre \u2013 cha\u00eene\n".encode("cp1252"))
    assert read_table(path, spec)["libelle"][0] == "Manœuvre – chaîne"


def test_iso_8859_15_decoding_of_oe(tmp_path):
    spec = FileSpec("latin9", (Column("code"), Column("libelle")), encoding="iso-8859-15")
    path = write(tmp_path, "code,libelle\n1,Man\u0153uvre\n".encode("iso-8859-15"))
    assert read_table(path, spec)["libelle"][0] == "Manœuvre"


def test_wrong_encoding_names_file_line_and_column(tmp_path):
    path = write(tmp_path, "code,libelle,rang\nA1101,ok,1\nA1102,Op\u00e9rateur,2\n".encode("latin-1"))
    error = read_error(path)
    assert (error.line, error.column) == (3, "libelle")
    message = str(error)
    assert message.startswith("demo.csv, ligne 3, colonne « libelle »")
    assert "0xe9" in message and "utf-8" in message


def test_missing_column_is_named(tmp_path):
    path = write(tmp_path, "code,rang\nA1101,1\n")
    error = read_error(path)
    assert (error.line, error.column) == (1, "libelle")
    assert "demo.csv, ligne 1, colonne « libelle »" in str(error)


def test_missing_column_after_skipped_title_lines(tmp_path):
    spec = FileSpec("titre", (Column("code"), Column("libelle")), skip_lines=2, delimiter=";")
    path = write(tmp_path, "Titre\nSource : INSEE\ncode;autre\n1;x\n")
    error = read_error(path, spec)
    assert (error.line, error.column) == (3, "libelle")


def test_skip_lines_shift_record_line_numbers(tmp_path):
    spec = FileSpec("titre", (Column("code", "int"), Column("libelle")), skip_lines=2, delimiter=";")
    path = write(tmp_path, "Titre\nSource : INSEE\ncode;libelle\n1;x\nz;y\n")
    error = read_error(path, spec)
    assert (error.line, error.column) == (5, "code")


def test_truncated_row_names_the_first_missing_column(tmp_path):
    path = write(tmp_path, 'code,libelle,rang\n"A1101","x","1"\n"A1102"\n')
    error = read_error(path)
    assert (error.line, error.column) == (3, "libelle")
    assert "1 champs au lieu de 3" in str(error)


def test_file_cut_inside_a_quoted_field(tmp_path):
    path = write(tmp_path, 'code,libelle,rang\n"A1101","x","1"\n"A1102","coup')
    error = read_error(path)
    assert (error.line, error.column) == (3, "libelle")
    assert "tronqué" in str(error)


def test_duplicate_key_names_the_second_occurrence(tmp_path):
    path = write(tmp_path, "code,libelle,rang\nA1101,x,1\nA1102,y,2\nA1101,z,3\n")
    error = read_error(path)
    assert (error.line, error.column) == (4, "code")
    assert "clé en double (code=A1101)" in str(error)


def test_bad_pattern_and_required_value(tmp_path):
    error = read_error(write(tmp_path, "code,libelle,rang\nA1101,x,1\nZ9,y,2\n"))
    assert (error.line, error.column) == (3, "code")
    assert "« Z9 »" in str(error)
    error = read_error(write(tmp_path, "code,libelle,rang\nA1101,x,1\nA1102, ,2\n", "vide.csv"))
    assert (error.line, error.column) == (3, "libelle")
    assert str(error).startswith("vide.csv, ligne 3")


def test_empty_file_and_header_only_file(tmp_path):
    error = read_error(write(tmp_path, b"", "zero.csv"))
    assert "zero.csv" in str(error) and "vide" in str(error)
    error = read_error(write(tmp_path, "code,libelle,rang\n", "entete.csv"))
    assert "entete.csv, ligne 2" in str(error) and "vide" in str(error)
    allowed = FileSpec("ok", SPEC.columns, allow_empty=True)
    assert read_table(write(tmp_path, "code,libelle,rang\n", "ok.csv"), allowed).height == 0


def test_missing_file(tmp_path):
    error = read_error(tmp_path / "absent.csv")
    assert "absent.csv" in str(error) and "introuvable" in str(error)


def test_extra_columns_are_ignored_and_order_follows_the_spec(tmp_path):
    path = write(tmp_path, "rang,autre,libelle,code\n1,?,x,A1101\n")
    frame = read_table(path, SPEC)
    assert frame.columns == ["code", "libelle", "rang", LINE]
    assert frame.row(0) == ("A1101", "x", "1", 2)
