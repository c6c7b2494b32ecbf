"""What every page of a journey must pass: axe-core finds no serious or critical accessibility violation,
and the page never scrolls sideways (at 390 px as on the desktop)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SHOTS_DIR = Path(settings.BASE_DIR) / "var" / "screenshots" / "walk"
RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ["violations"]});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


class Audit:
    """Collects the problems of every page visited, so that one failure lists them all."""

    def __init__(self, page):
        if not AXE.exists():
            pytest.skip("axe-core absent : lancez `make browser` (npm)")
        self.page = page
        self.source = AXE.read_text(encoding="utf-8")
        self.problems: list[str] = []
        self.pages: list[str] = []

    def check(self, label: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.pages.append(label)
        if os.environ.get("GTEC_WALK_SHOTS"):  # keep every audited page to read it (var/, not committed)
            SHOTS_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w-]+", "-", f"{len(self.pages):02d}-{label}-{page.viewport_size['width']}")
            page.screenshot(path=str(SHOTS_DIR / f"{name}.png"), full_page=True)
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(self.source)
        for v in page.evaluate(RUN):
            if v["impact"] in ("serious", "critical"):
                self.problems.append(f"{label} : {v['id']} ({v['impact']}) {v['targets']}")
        cramped = page.evaluate(
            """() => [...document.querySelectorAll('main .scroll td, main .scroll th, main th.num')].some(e =>
                getComputedStyle(e).overflowWrap === 'anywhere')"""
        )
        if cramped:
            self.problems.append(f"{label} : mots coupés au milieu dans un tableau (overflow-wrap: anywhere)")
        stretched = page.evaluate(
            """() => [...document.querySelectorAll('main input[type=radio], main input[type=checkbox]')]
                .filter(e => e.getBoundingClientRect().width > 40).map(e => e.name).slice(0, 3)"""
        )
        if stretched:
            self.problems.append(f"{label} : case étirée sur toute la ligne, loin de son libellé {stretched}")
        # the context's viewport, not window.innerWidth: a phone browser zooms out to fit what overflows, and
        # then reports the widened width (a 473 px questionnaire passed at 390 px that way)
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        width = page.viewport_size["width"]
        if scroll > width + 1:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right >
                document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)"""
            )
            self.problems.append(f"{label} : défilement horizontal ({scroll} px pour {width}) {wide}")

    def assert_clean(self) -> None:
        assert self.pages, "aucune page contrôlée"
        assert self.problems == [], "\n".join(self.problems)
