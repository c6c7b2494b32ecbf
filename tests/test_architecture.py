"""Dependencies point one way: gtec_core <- gtec/<app> <- gtec/www (house-style.md)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(folder: str) -> list[Path]:
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


def test_core_never_imports_django_or_apps():
    offenders = {
        str(p.relative_to(ROOT)): sorted(
            m for m in imports_of(p) if m.split(".")[0] in {"django", "gtec", "config"}
        )
        for p in python_files("gtec_core")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert python_files("gtec_core"), "gtec_core is empty?"
    assert offenders == {}


def test_apps_never_import_www_or_api():
    offenders = {}
    for p in python_files("gtec"):
        rel = p.relative_to(ROOT / "gtec")
        if rel.parts[0] in {"www", "api"}:
            continue
        bad = sorted(m for m in imports_of(p) if m.startswith(("gtec.www", "gtec.api")))
        if bad:
            offenders[str(rel)] = bad
    assert offenders == {}


def test_the_checker_sees_a_violation(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from django.db import models\nimport gtec.www.views\n")
    assert {"django.db", "gtec.www.views"} <= imports_of(sample)
