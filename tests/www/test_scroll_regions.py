"""A table wrapper that scrolls sideways (`.scroll`, `.scroll-x`) must be reachable by keyboard, named, and a
region (axe-core « scrollable-region-focusable », serious): the demo's prospective page failed it at 1280 and
390 px, its projection table being wider than the screen. The test pages' tables were narrower, so the walk
in the browser suite did not see it; this check reads every template instead."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"(?:[^\"]*\s)?scroll(?:-x)?(?:\s[^\"]*)?\"[^>]*>")


def test_every_scrolling_table_wrapper_is_a_named_focusable_region():
    templates = Path(settings.BASE_DIR) / "gtec"
    seen, missing = 0, []
    for path in sorted(templates.rglob("*.html")):
        for tag in WRAPPER.findall(path.read_text(encoding="utf-8")):
            seen += 1
            if not (
                'tabindex="0"' in tag
                and 'role="region"' in tag
                and re.search(r"aria-label(ledby)?=\"\S", tag)
            ):
                missing.append(f"{path.relative_to(templates)} : {tag}")
    assert seen >= 20
    assert missing == []
