"""The site's scripts keep one copy of the combobox keyboard handling (`GTEC.combobox` in gtec.js)."""

from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "gtec" / "www" / "static" / "gtec"


def test_one_combobox_for_every_suggestion_field():
    scripts = {p.name: p.read_text(encoding="utf-8") for p in STATIC.glob("*.js")}
    handlers = sorted(name for name, text in scripts.items() if '"ArrowDown"' in text)
    assert handlers == ["gtec.js"]
    assert "window.GTEC.combobox = combobox" in scripts["gtec.js"]
    assert "GTEC.combobox(input" in scripts["careers.js"] and 'role", "listbox"' not in scripts["careers.js"]
