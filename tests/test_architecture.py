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


# The declared order of the apps: an app imports only apps before it (its own modules aside). `imports` holds
# the provenance and the bulk-write helpers every app uses; `ops` runs several apps in turn (import, demo,
# data) and sits above them; `www` (all HTTP) and `api` are on top.
APP_ORDER = [
    "imports",
    "referentials",
    "territories",
    "labour",
    "organisations",
    "surveys",
    "training",
    "careers",
    "prospective",
    "diagnostics",
    "actions",
    "jobs",
    "maintenance",
    "ops",
    "www",
    "api",
]
# known upward imports, each with its reason, to be removed (not to be added to)
UPWARD_EXCEPTIONS = {
    # deleting an account erases the person's survey answers and access log (deletion scope, #14)
    ("organisations", "surveys"),
}
# within the labour app, the write side (observations) and the read side (read) do not reach each other
LABOUR_SIDES = {"observations": "gtec.labour.read", "read": "gtec.labour.observations"}


def app_of(path: Path) -> str:
    rel = path.relative_to(ROOT / "gtec")
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_apps_import_only_apps_declared_before_them():
    present = {app_of(p) for p in python_files("gtec")} - {"__init__", "cli"}
    assert present <= set(APP_ORDER), f"app(s) to place in APP_ORDER: {sorted(present - set(APP_ORDER))}"
    offenders = {}
    for p in python_files("gtec"):
        app = app_of(p)
        if app not in APP_ORDER:
            continue
        for module in imports_of(p):
            parts = module.split(".")
            if parts[0] != "gtec" or len(parts) < 2 or parts[1] == app or parts[1] not in APP_ORDER:
                continue
            if APP_ORDER.index(parts[1]) > APP_ORDER.index(app) and (app, parts[1]) not in UPWARD_EXCEPTIONS:
                offenders.setdefault(str(p.relative_to(ROOT)), []).append(module)
    assert offenders == {}


def test_labour_write_and_read_sides_are_separate():
    offenders = {}
    for side, forbidden in LABOUR_SIDES.items():
        for p in python_files(f"gtec/labour/{side}"):
            bad = sorted(m for m in imports_of(p) if m.startswith(forbidden))
            if bad:
                offenders[str(p.relative_to(ROOT))] = bad
    assert offenders == {}


def test_no_importlib_on_project_modules():
    """Apps reach each other by plain imports of their read modules, never through `importlib` (which hides
    the dependency from this test and turns a missing name into a silent fallback)."""
    offenders = []
    for p in python_files("gtec") + python_files("gtec_core"):
        text = p.read_text(encoding="utf-8")
        if "importlib" in imports_of(p) or "import_module(" in text:
            offenders.append(str(p.relative_to(ROOT)))
    assert offenders == []


# The labour app's entry points for the others: its read side (`gtec.labour.read`, and the typed contract
# `gtec.labour.read.local`). Only the orchestration above the apps (`jobs`, `ops`) runs its write side.
LABOUR_READ = {"gtec.labour.read", "gtec.labour.read.local"}
LABOUR_RUNNERS = {"jobs", "ops"}
LABOUR_RUNNER_MODULES = ("gtec.labour.observations", "gtec.labour.imports", "gtec.labour.models")


def labour_modules_of(path: Path) -> set[str]:
    """The labour modules a file imports, `from gtec.labour import read` counted as `gtec.labour.read`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("gtec.labour"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "gtec.labour":
                found.update(f"gtec.labour.{a.name}" for a in node.names)
            elif node.module.startswith("gtec.labour."):
                found.add(node.module)
    return found


def test_other_apps_reach_labour_only_through_its_read_side():
    offenders = {}
    for p in python_files("gtec"):
        app = app_of(p)
        if app == "labour":
            continue
        for module in labour_modules_of(p):
            allowed = module in LABOUR_READ or (
                app in LABOUR_RUNNERS and module.startswith(LABOUR_RUNNER_MODULES)
            )
            if not allowed:
                offenders.setdefault(str(p.relative_to(ROOT)), []).append(module)
    assert offenders == {}


def test_the_labour_compatibility_modules_are_gone():
    """`gtec.labour.queries` and `gtec.labour.compute` (re-exports kept during the split) must not come back,
    nor be imported anywhere."""
    assert not (ROOT / "gtec/labour/queries.py").exists()
    assert not (ROOT / "gtec/labour/compute.py").exists()
    gone = ("gtec.labour.queries", "gtec.labour.compute")
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in labour_modules_of(p) if m.startswith(gone))
        for p in python_files("gtec") + python_files("tests")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_labour_checker_sees_a_violation(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from gtec.labour import queries as lq\nfrom gtec.labour.observations.run import x\n")
    assert labour_modules_of(sample) == {"gtec.labour.queries", "gtec.labour.observations.run"}


def test_labour_read_modules_stay_under_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files("gtec/labour/read") + python_files("gtec/labour/imports")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
