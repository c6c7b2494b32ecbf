"""Every environment variable the settings read is documented in docs/environment.md."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_read_from_the_environment_is_documented():
    source = "".join(
        (ROOT / "config" / "settings" / name).read_text(encoding="utf-8") for name in ("base.py", "prod.py")
    )
    source += (ROOT / "config" / "gunicorn.conf.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env(?:_bool|_int|_list)?\("([A-Z_]+)"', source))
    doc = (ROOT / "docs" / "environment.md").read_text(encoding="utf-8")
    assert names >= {"GTEC_DATA_DIR", "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert missing == []


def test_readme_setup_is_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```")[1]
    commands = [line for line in block.splitlines()[1:] if line.strip() and not line.strip().startswith("#")]
    assert commands == ["make demo", "make test"]


def test_the_forms_suggestion_endpoints_are_documented():
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for endpoint in ("`GET /api/communes", "`GET /api/appellations"):
        assert endpoint in doc
    for term in ("`q`", "`limit`", "1 à 30", "1 à 50", "405", '"label": "Vannes (56)"', '"code_rome"'):
        assert term in doc
