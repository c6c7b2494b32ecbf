"""Helpers for the importer tests: writable copies of the official folders (symlinks to the read-only real
files, so that one file can be replaced by a corrupted or modified copy) and a snapshot of the database to
prove that a refused import changed nothing."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

from django.apps import apps

from gtec_core.errors import SourceError

APPS = ("referentials", "territories", "imports")

# Rows hashed in full (the other tables are compared by count).
CHECKSUMMED = [
    ("referentials", "Fiche"),
    ("referentials", "Appellation"),
    ("referentials", "Mobilite"),
    ("referentials", "FicheCompetence"),
    ("referentials", "Fap"),
    ("referentials", "RomeV3Fap"),
    ("territories", "Territory"),
    ("territories", "Membership"),
]


def db_snapshot() -> dict[str, object]:
    """Row counts of every table the importers write, and a sha256 of every row of the main ones."""
    snapshot: dict[str, object] = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            snapshot[f"{label}.{model.__name__}.count"] = model.objects.count()
    for label, name in CHECKSUMMED:
        model = apps.get_model(label, name)
        fields = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256()
        for row in model.objects.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            digest.update(repr(row).encode())
        snapshot[f"{label}.{name}.sha256"] = digest.hexdigest()
    return snapshot


def mirror(src: Path, dst: Path, *editable: str) -> Path:
    """Make `dst` a copy of folder `src` made of symlinks; the sub-folders named in `editable` (relative
    paths, e.g. "cog_ze/decoupage-administratif") are real folders of symlinks, so files inside them can be
    replaced."""
    real_dirs = {""}
    for rel in editable:
        parts = Path(rel).parts
        real_dirs |= {str(Path(*parts[: i + 1])) for i in range(len(parts))}

    def copy(folder: Path, target: Path, rel: str) -> None:
        target.mkdir(parents=True, exist_ok=True)
        for entry in folder.iterdir():
            entry_rel = str(Path(rel) / entry.name) if rel else entry.name
            if entry.is_dir() and entry_rel in real_dirs:
                copy(entry, target / entry.name, entry_rel)
            else:
                (target / entry.name).symlink_to(entry)

    copy(src, dst, "")
    return dst


def replace(path: Path, content: bytes) -> Path:
    """Replace a (symlinked) file of a mirrored folder by `content`."""
    path.unlink()
    path.write_bytes(content)
    return path


def read_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    text = path.read_bytes().decode(encoding).removeprefix("\ufeff")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return records[0], records[1:]


def write_rows(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    encoding: str = "utf-8",
    delimiter: str = ",",
    quote_all: bool = True,
) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(
        out,
        delimiter=delimiter,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        lineterminator="\n",
    )
    writer.writerow(header)
    writer.writerows(rows)
    if path.is_symlink():
        path.unlink()
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def rewrite(
    path: Path,
    transform: Callable[[list[str], list[list[str]]], list[list[str]]],
    encoding: str = "utf-8",
    delimiter: str = ",",
    quote_all: bool = True,
) -> Path:
    """Rewrite a CSV file (through its symlink) with its rows transformed; the header is kept."""
    header, rows = read_rows(path, encoding, delimiter)
    return write_rows(path, header, transform(header, rows), encoding, delimiter, quote_all)


def edit_line(path: Path, number: int, edit: Callable[[str], str], encoding: str = "utf-8") -> Path:
    """Replace physical line `number` (1-based) of a file by edit(line)."""
    lines = path.read_bytes().decode(encoding).split("\n")
    lines[number - 1] = edit(lines[number - 1])
    return replace(path, "\n".join(lines).encode(encoding))


def expect_source_error(call: Callable[[], object]) -> SourceError:
    try:
        call()
    except SourceError as exc:
        return exc
    raise AssertionError("SourceError attendue")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
