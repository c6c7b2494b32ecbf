"""One name per source (#16): the `gtec import` keys, the `ImportRun.source` every importer records, the page
labels and the data folders all come from `gtec_core.sources.registry`."""

import ast
from pathlib import Path

import pytest

from gtec.ops.management.commands import import_data
from gtec_core.sources import registry

ROOT = Path(__file__).resolve().parents[2]


def _constant_sources() -> dict[str, set[str]]:
    """Every `source="…"` given as a constant to `importrun_record(...)` or to `ImportRun.objects.filter(...)`."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "gtec").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = ast.unparse(node.func)
            if not (func.endswith("importrun_record") or func.startswith("ImportRun.objects.")):
                continue
            for kw in node.keywords:
                if kw.arg == "source" and isinstance(kw.value, ast.Constant):
                    found.setdefault(kw.value.value, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_recorded_source_is_a_registry_name():
    recorded = _constant_sources()
    assert {"bmo", "dares", "defm", "stmt", "rome", "geo", "indicateurs"} <= set(recorded)
    unknown = {name: files for name, files in recorded.items() if name not in registry.IMPORTED_BY_NAME}
    assert unknown == {}


def test_import_keys_and_folders_come_from_the_registry():
    assert import_data.SOURCES == registry.imported_names("national")
    assert set(import_data.FILE_SOURCES) - {"demo"} <= set(registry.imported_names("file"))
    for name in import_data.SOURCES:
        assert import_data.FOLDERS[name] == registry.imported(name).folder
    assert import_data.FOLDERS["defm"] == "stmt_defm"


def test_the_two_job_seeker_sources_have_one_name_each():
    """`defm`: the real public series by commune, downloaded into `stmt_defm/` and imported by `gtec import all`;
    `stmt`: a territory file by commune × ROME × category. The download entry and the import share the name."""
    defm = registry.imported("defm")
    assert defm.mode == "national" and defm.downloads == ("defm",)
    assert all(d.target.startswith(defm.folder + "/") for d in registry.get("defm").downloads)
    assert registry.imported("stmt").mode == "file"
    assert "stmt" not in registry.BY_NAME  # no download entry holds the other source's name
    assert registry.label("defm") != registry.label("stmt")


def test_downloads_named_by_an_import_exist_and_land_in_its_folder():
    for source in registry.IMPORTED:
        for name in source.downloads:
            assert name in registry.BY_NAME, (source.name, name)
        if source.mode == "national" and source.folder not in {"", "."}:
            for name in source.downloads:
                assert all(d.target.startswith(source.folder + "/") for d in registry.get(name).downloads)


@pytest.mark.django_db
def test_an_unknown_source_is_refused_when_recorded():
    from gtec.imports.services import importrun_record

    with pytest.raises(KeyError, match="source importée inconnue"):
        importrun_record(source="inconnue", version="1", data_dir=".", files={}, counts={})
    run = importrun_record(source="defm", version="1", data_dir=".", files={}, counts={})
    assert run.source == "defm"


def test_page_labels_come_from_the_registry():
    """The dashboard's and the diagnostic's source lists call `registry.label`; no copy of the labels."""
    for rel in ("gtec/www/labour/views.py", "gtec/diagnostics/report.py"):
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert "registry.label(" in text and "SOURCE_LABELS = {" not in text
    assert registry.label("bmo") == "Besoins en main-d'œuvre (France Travail)"
